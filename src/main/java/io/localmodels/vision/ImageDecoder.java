package io.localmodels.vision;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG photos: type from the magic bytes, size from the header before any pixel is
 * decoded (a decompression-bomb guard), then the decode; the EXIF orientation goes with the pixels
 * so the boxes match what the wearer saw.
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

    /** Full decode after the same checks; the EXIF orientation travels with the pixels. */
    public DecodedImage decode(byte[] data) throws ImageRejectedException {
        return read(data, true).image;
    }

    private record Read(String type, DecodedImage image) {
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
                ImageReadParam param = reader.getDefaultReadParam();
                int step = minShortSide <= 0 ? 1 : (int) Math.max(1, Math.min(w, h) / minShortSide);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                int orientation = "jpeg".equals(type) ? ExifOrientation.read(data) : 1;
                DecodedImage img = "jpeg".equals(type) && isPlainJfif(data) ? rawYcbcr(reader, param, orientation) : null;
                if (img == null) {
                    img = rgb(reader.read(0, param), orientation);
                }
                return new Read(type, img);
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

    /**
     * The raw YCbCr raster, unconverted (colour conversion happens only for the pixels the detector
     * samples); null when its layout is unusual.
     */
    private static DecodedImage rawYcbcr(ImageReader reader, ImageReadParam param, int orientation) throws IOException {
        Raster raster = reader.readRaster(0, param);
        if (raster.getNumBands() != 3 || !(raster.getDataBuffer() instanceof DataBufferByte bytes)
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm) || sm.getPixelStride() != 3) {
            return null;
        }
        int[] offsets = sm.getBandOffsets();
        int base = bytes.getOffset() + sm.getOffset(raster.getMinX() - raster.getSampleModelTranslateX(),
                raster.getMinY() - raster.getSampleModelTranslateY());
        return new DecodedImage(bytes.getData(), base, sm.getScanlineStride(), offsets[0], offsets[1], offsets[2], true,
                raster.getWidth(), raster.getHeight(), orientation);
    }

    /** Any decoded image as interleaved RGB bytes (transparent pixels over white). */
    private static DecodedImage rgb(BufferedImage img, int orientation) {
        BufferedImage bgr = img;
        if (img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            bgr = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = bgr.createGraphics();
            try {
                g.drawImage(img, 0, 0, Color.WHITE, null);
            } finally {
                g.dispose();
            }
        }
        Raster raster = bgr.getRaster();
        PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
        int[] offsets = sm.getBandOffsets(); // TYPE_3BYTE_BGR: R, G, B at 2, 1, 0
        return new DecodedImage(((DataBufferByte) raster.getDataBuffer()).getData(), 0, sm.getScanlineStride(), offsets[0],
                offsets[1], offsets[2], false, bgr.getWidth(), bgr.getHeight(), orientation);
    }
}
