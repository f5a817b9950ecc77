package io.localmodels.vision;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Decodes JPEG and PNG photos: type from the magic bytes, size from the header before any pixel is
 * decoded (a decompression-bomb guard), then the decode, then the EXIF orientation applied so the
 * boxes match what the wearer saw.
 */
public final class ImageDecoder {

    private final long maxBytes;
    private final long maxPixels;
    /** Decode at least this many pixels on the shorter side; 0 decodes at full size. */
    private final int minShortSide;

    public ImageDecoder(long maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, 0);
    }

    /**
     * @param minShortSide with a value above 0, large photos are subsampled while decoding (every
     *                     n-th pixel) down to no less than this on their shorter side: a 12 MP phone
     *                     photo decodes several times faster, and the detector only sees 416 pixels
     */
    public ImageDecoder(long maxBytes, long maxPixels, int minShortSide) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.minShortSide = minShortSide;
    }

    /**
     * The cheap checks, without decoding pixels: size, type, and the dimensions in the header.
     * Returns the type ("jpeg" or "png").
     */
    public String inspect(byte[] data) throws ImageRejectedException {
        return read(data, false).type;
    }

    /** Full decode after the same checks, with the EXIF orientation applied. */
    public BufferedImage decode(byte[] data) throws ImageRejectedException {
        return read(data, true).image;
    }

    private record Read(String type, BufferedImage image) {
    }

    private Read read(byte[] data, boolean pixels) throws ImageRejectedException {
        if (data.length > maxBytes) {
            throw new ImageRejectedException("too_large", "image of " + data.length + " bytes is over the " + maxBytes
                    + " byte limit (lma.vision.max-bytes)");
        }
        String type = sniff(data);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(type);
            if (!readers.hasNext()) {
                throw new ImageRejectedException("unsupported_type", "no decoder for " + type);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new ImageRejectedException("corrupt", "image header gives " + w + "×" + h + " pixels");
                }
                if (w * h > maxPixels) {
                    throw new ImageRejectedException("too_many_pixels", "image of " + w + "×" + h + " pixels is over the "
                            + maxPixels + " pixel limit (lma.vision.max-pixels)");
                }
                if (!pixels) {
                    return new Read(type, null);
                }
                javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
                int step = minShortSide <= 0 ? 1 : (int) Math.max(1, Math.min(w, h) / minShortSide);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage img = "jpeg".equals(type) && isPlainJfif(data) ? jfifToRgb(reader, param) : null;
                if (img == null) {
                    img = toRgb(reader.read(0, param));
                }
                int orientation = "jpeg".equals(type) ? ExifOrientation.read(data) : 1;
                return new Read(type, ExifOrientation.apply(img, orientation));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException("corrupt", "the image could not be decoded: " + e.getMessage());
        }
    }

    /** "jpeg" or "png"; anything else is refused before a decoder sees it. */
    public static String sniff(byte[] d) throws ImageRejectedException {
        if (d.length >= 3 && (d[0] & 0xff) == 0xFF && (d[1] & 0xff) == 0xD8 && (d[2] & 0xff) == 0xFF) {
            return "jpeg";
        }
        if (d.length >= 8 && (d[0] & 0xff) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
            return "png";
        }
        String what = d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F' && d[8] == 'W'
                && d[9] == 'E' && d[10] == 'B' && d[11] == 'P' ? "WebP" : d.length >= 6 && d[0] == 'G' && d[1] == 'I'
                && d[2] == 'F' ? "GIF" : "this file type";
        throw new ImageRejectedException("unsupported_type", what + " is not supported; send JPEG or PNG");
    }

    /**
     * A JPEG whose three components are YCbCr by default (no Adobe APP14 transform marker before the
     * scan): its raw raster can be converted here, in one pass, faster than ImageIO's own colour path.
     */
    static boolean isPlainJfif(byte[] jpeg) {
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xff;
            int len = ((jpeg[pos + 2] & 0xff) << 8) | (jpeg[pos + 3] & 0xff);
            if (marker == 0xDA) {
                return true;
            }
            if (marker == 0xEE || len < 2) {
                return false;
            }
            pos += 2 + len;
        }
        return false;
    }

    /** The raw YCbCr raster converted to RGB (JFIF full-range equations); null when its layout is unusual. */
    private static BufferedImage jfifToRgb(ImageReader reader, javax.imageio.ImageReadParam param) throws IOException {
        java.awt.image.Raster raster = reader.readRaster(0, param);
        if (raster.getNumBands() != 3 || !(raster.getDataBuffer() instanceof java.awt.image.DataBufferByte bytes)
                || !(raster.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm)
                || sm.getPixelStride() != 3) {
            return null;
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] src = bytes.getData();
        int[] offsets = sm.getBandOffsets();
        int scan = sm.getScanlineStride();
        int base = bytes.getOffset() + sm.getOffset(raster.getMinX() - raster.getSampleModelTranslateX(),
                raster.getMinY() - raster.getSampleModelTranslateY());
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((java.awt.image.DataBufferInt) out.getRaster().getDataBuffer()).getData();
        // Fixed point (16 fractional bits) of R = Y + 1.402 Cr, G = Y - 0.344136 Cb - 0.714136 Cr, B = Y + 1.772 Cb.
        for (int y = 0; y < h; y++) {
            int p = base + y * scan;
            int o = y * w;
            for (int x = 0; x < w; x++, p += 3) {
                int yy = (src[p + offsets[0]] & 0xff) << 16;
                int cb = (src[p + offsets[1]] & 0xff) - 128;
                int cr = (src[p + offsets[2]] & 0xff) - 128;
                int r = clamp((yy + 91881 * cr + 32768) >> 16);
                int g = clamp((yy - 22554 * cb - 46802 * cr + 32768) >> 16);
                int b = clamp((yy + 116130 * cb + 32768) >> 16);
                dst[o + x] = (r << 16) | (g << 8) | b;
            }
        }
        return out;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    private static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(img, 0, 0, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
