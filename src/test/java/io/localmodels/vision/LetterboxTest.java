package io.localmodels.vision;

import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LetterboxTest {

    /** What each EXIF orientation means, written out pixel by pixel (the TIFF/EXIF 2.3 table). */
    static BufferedImage upright(BufferedImage stored, int orientation) {
        int w = stored.getWidth();
        int h = stored.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 1 -> { sx = x; sy = y; }
                    case 2 -> { sx = w - 1 - x; sy = y; }               // mirrored
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }       // rotated 180°
                    case 4 -> { sx = x; sy = h - 1 - y; }               // flipped
                    case 5 -> { sx = y; sy = x; }                       // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }               // stored 90° counter-clockwise
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }       // transversed
                    default -> { sx = w - 1 - y; sy = x; }              // 8: stored 90° clockwise
                }
                out.setRGB(x, y, stored.getRGB(sx, sy));
            }
        }
        return out;
    }

    @Test
    void everyExifOrientationGivesTheUprightPixels() throws Exception {
        // A PNG round trip gives exact pixels to compare with (no JPEG re-encoding noise).
        BufferedImage stored = new BufferedImage(7, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 7; x++) {
                stored.setRGB(x, y, (x * 36) << 16 | (y * 80) << 8 | (x * 7 + y * 11));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(stored, "png", png);
        DecodedImage decoded = new ImageDecoder(1 << 20, 1 << 20).decode(png.toByteArray());
        for (int orientation = 1; orientation <= 8; orientation++) {
            DecodedImage oriented = new DecodedImage(decoded.data(), 0, 7 * 3, decoded.c0(), decoded.c1(), decoded.c2(),
                    false, 7, 4, orientation);
            BufferedImage expected = upright(stored, orientation);
            assertEquals(expected.getWidth(), oriented.width(), "width, orientation " + orientation);
            assertEquals(expected.getHeight(), oriented.height(), "height, orientation " + orientation);
            for (int y = 0; y < expected.getHeight(); y++) {
                for (int x = 0; x < expected.getWidth(); x++) {
                    assertEquals(expected.getRGB(x, y) & 0xffffff, oriented.rgb(x, y),
                            "pixel " + x + "," + y + ", orientation " + orientation);
                }
            }
        }
    }

    @Test
    void rotatedPhotoReachesTheDetectorUpright() throws Exception {
        byte[] dog = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        ImageDecoder decoder = new ImageDecoder(10_000_000, 40_000_000);
        DecodedImage stored = decoder.decode(dog);
        for (int orientation : new int[] {3, 6, 8}) {
            DecodedImage viaExif = decoder.decode(ImageDecoderTest.withOrientation(dog, orientation));
            // The same raw YCbCr samples, rotated here byte by byte into an upright buffer.
            BufferedImage geometry = upright(indexImage(768, 576), orientation);
            int w = geometry.getWidth();
            int h = geometry.getHeight();
            byte[] rotated = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int src = geometry.getRGB(x, y) & 0xffffff;
                    int from = stored.offsetX(src % 768) + stored.offsetY(src / 768);
                    rotated[(y * w + x) * 3] = stored.data()[from + stored.c0()];
                    rotated[(y * w + x) * 3 + 1] = stored.data()[from + stored.c1()];
                    rotated[(y * w + x) * 3 + 2] = stored.data()[from + stored.c2()];
                }
            }
            DecodedImage upright = new DecodedImage(rotated, 0, w * 3, 0, 1, 2, true, w, h, 1);
            FloatBuffer a = FloatBuffer.allocate(3 * 416 * 416);
            FloatBuffer b = FloatBuffer.allocate(3 * 416 * 416);
            YoloxDetector.letterbox(upright, a);
            YoloxDetector.letterbox(viaExif, b);
            for (int i = 0; i < a.capacity(); i++) {
                assertEquals(a.get(i), b.get(i), "orientation " + orientation + ", input element " + i);
            }
        }
    }

    /** An image whose pixel values are their own index (so a rotation of it says where each pixel went). */
    private static BufferedImage indexImage(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, y * w + x);
            }
        }
        return img;
    }

    /** The service's one-pass letterbox (YCbCr sampled, converted per pixel) against the demo's on ImageIO's RGB. */
    @Test
    void letterboxMatchesTheReferenceOnTheDecodedRgb() throws Exception {
        byte[] dog = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        float[] reference = OfflineYolox.letterbox(ImageIO.read(new ByteArrayInputStream(dog)));
        FloatBuffer planes = FloatBuffer.allocate(reference.length);
        double ratio = YoloxDetector.letterbox(new ImageDecoder(10_000_000, 40_000_000).decode(dog), planes);
        assertEquals(416.0 / 768, ratio, 1e-9);
        double sum = 0;
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = Math.abs(reference[i] - planes.get(i));
            sum += d;
            worst = Math.max(worst, d);
        }
        double mean = sum / reference.length;
        System.out.printf("letterbox vs reference: mean |diff| %.3f, worst %.1f levels%n", mean, worst);
        assertTrue(mean < 0.05, "mean difference " + mean);
        assertTrue(worst <= 2, "worst difference " + worst);
        // padding below the 312 scaled rows
        assertEquals(114f, planes.get(415 * 416 + 10));
    }
}
