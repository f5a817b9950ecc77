package io.localmodels.vision;

import java.awt.image.BufferedImage;

/**
 * Pixels as the decoder left them: three interleaved byte samples per pixel, either YCbCr (a plain
 * JFIF JPEG's raw raster, before any colour conversion) or RGB, plus the EXIF orientation still to
 * apply. Consumers sample the upright image through {@link #offsetX}/{@link #offsetY}, so neither
 * the colour conversion nor the rotation ever makes a second full-size copy of a photo: the
 * detector reads only the pixels its 416×416 input needs.
 */
public final class DecodedImage {

    private final byte[] data;
    private final int base;
    private final int scanline;
    private final int c0;
    private final int c1;
    private final int c2;
    private final boolean ycbcr;
    private final int storedWidth;
    private final int storedHeight;
    private final int orientation;

    /**
     * @param c0 offsets inside a pixel of Y, Cb, Cr (when {@code ycbcr}) or of R, G, B
     * @param orientation EXIF orientation 1–8 (1 = stored upright)
     */
    DecodedImage(byte[] data, int base, int scanline, int c0, int c1, int c2, boolean ycbcr, int storedWidth,
            int storedHeight, int orientation) {
        this.data = data;
        this.base = base;
        this.scanline = scanline;
        this.c0 = c0;
        this.c1 = c1;
        this.c2 = c2;
        this.ycbcr = ycbcr;
        this.storedWidth = storedWidth;
        this.storedHeight = storedHeight;
        this.orientation = orientation < 1 || orientation > 8 ? 1 : orientation;
    }

    private boolean swapped() {
        return orientation >= 5;
    }

    /** Width of the upright image. */
    public int width() {
        return swapped() ? storedHeight : storedWidth;
    }

    /** Height of the upright image. */
    public int height() {
        return swapped() ? storedWidth : storedHeight;
    }

    /**
     * The byte offset of upright pixel (x, y) is {@code offsetX(x) + offsetY(y)}: every EXIF
     * orientation is a flip and/or a transpose, so the offset separates into a column and a row term.
     */
    int offsetX(int x) {
        return switch (orientation) {
            case 1, 4 -> base + x * 3;
            case 2, 3 -> base + (storedWidth - 1 - x) * 3;
            case 5, 8 -> base + x * scanline;
            default -> base + (storedHeight - 1 - x) * scanline; // 6, 7
        };
    }

    int offsetY(int y) {
        return switch (orientation) {
            case 1, 2 -> y * scanline;
            case 3, 4 -> (storedHeight - 1 - y) * scanline;
            case 5, 6 -> y * 3;
            default -> (storedWidth - 1 - y) * 3; // 7, 8
        };
    }

    byte[] data() {
        return data;
    }

    int c0() {
        return c0;
    }

    int c1() {
        return c1;
    }

    int c2() {
        return c2;
    }

    /** Packed 0xRRGGBB of the upright pixel (x, y). */
    public int rgb(int x, int y) {
        return packed(offsetX(x) + offsetY(y));
    }

    /** Packed 0xRRGGBB of the pixel whose samples start at byte {@code p}. */
    int packed(int p) {
        int a = data[p + c0] & 0xff;
        int b = data[p + c1] & 0xff;
        int c = data[p + c2] & 0xff;
        if (!ycbcr) {
            return a << 16 | b << 8 | c;
        }
        int red = LIMIT[a + CR_R[c] + 256];
        int green = LIMIT[a + ((CB_G[b] + CR_G[c] + 32768) >> 16) + 256];
        int blue = LIMIT[a + CB_B[b] + 256];
        return red << 16 | green << 8 | blue;
    }

    // JFIF full-range YCbCr → RGB as libjpeg computes it (16-bit fixed point, rounded, tables per
    // chroma value): R = Y + 1.402 Cr, G = Y - 0.344136 Cb - 0.714136 Cr, B = Y + 1.772 Cb.
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];
    /** Clamp to 0–255 by lookup: index v + 256 for v in [-256, 511]. */
    private static final int[] LIMIT = new int[768];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (91881 * x + 32768) >> 16;
            CB_B[i] = (116130 * x + 32768) >> 16;
            CR_G[i] = -46802 * x;
            CB_G[i] = -22554 * x;
        }
        for (int i = 0; i < LIMIT.length; i++) {
            LIMIT[i] = Math.max(0, Math.min(255, i - 256));
        }
    }

    /** An upright RGB copy (for tests and tools; the detector never needs one). */
    public BufferedImage toBufferedImage() {
        int w = width();
        int h = height();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, rgb(x, y));
            }
        }
        return out;
    }
}
