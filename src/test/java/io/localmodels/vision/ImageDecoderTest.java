package io.localmodels.vision;

import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageDecoderTest {

    /** dog.jpg with an Exif APP1 segment (little-endian TIFF, IFD0 with one Orientation entry) after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation) throws Exception {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation)
                .putShort((short) 0).putInt(0);
        byte[] exif = ByteBuffer.allocate(6 + 26).put("Exif\0\0".getBytes("ISO-8859-1")).put(tiff.array()).array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write((exif.length + 2) >> 8);
        out.write((exif.length + 2) & 0xff);
        out.write(exif);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void exifOrientationIsApplied() throws Exception {
        byte[] dog = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        ImageDecoder decoder = new ImageDecoder(10_000_000, 40_000_000);
        BufferedImage upright = decoder.decode(dog).toBufferedImage();
        assertEquals(768, upright.getWidth());
        assertEquals(576, upright.getHeight());

        assertEquals(1, ExifOrientation.read(withOrientation(dog, 1)));
        BufferedImage rotated = decoder.decode(withOrientation(dog, 6)).toBufferedImage();
        assertEquals(6, ExifOrientation.read(withOrientation(dog, 6)));
        assertEquals(576, rotated.getWidth());
        assertEquals(768, rotated.getHeight());
        // Orientation 6 means "rotate 90° clockwise to view": the old top-left pixel ends up top-right.
        assertEquals(upright.getRGB(0, 0), rotated.getRGB(575, 0));
        assertEquals(upright.getRGB(767, 575), rotated.getRGB(0, 767));

        BufferedImage flipped = decoder.decode(withOrientation(dog, 3)).toBufferedImage();
        assertEquals(upright.getRGB(0, 0), flipped.getRGB(767, 575));
    }

    @Test
    void largePhotosAreSubsampledWhileDecoding() throws Exception {
        BufferedImage big = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(1000, 1000, 2000, 1000);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(big, "jpeg", out);
        BufferedImage small = new ImageDecoder(50_000_000, 40_000_000, 832).decode(out.toByteArray()).toBufferedImage();
        assertEquals(1334, small.getWidth());
        assertEquals(1000, small.getHeight());
        BufferedImage full = new ImageDecoder(50_000_000, 40_000_000).decode(out.toByteArray()).toBufferedImage();
        assertEquals(4000, full.getWidth());
    }

    @Test
    void fastJfifPathMatchesImageIoColours() throws Exception {
        byte[] dog = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        assertEquals(true, ImageDecoder.isPlainJfif(dog));
        BufferedImage fast = new ImageDecoder(10_000_000, 40_000_000).decode(dog).toBufferedImage();
        BufferedImage reference = ImageIO.read(new ByteArrayInputStream(dog));
        int worst = 0;
        for (int y = 0; y < reference.getHeight(); y += 3) {
            for (int x = 0; x < reference.getWidth(); x += 3) {
                int a = fast.getRGB(x, y);
                int b = reference.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
                }
            }
        }
        Assertions.assertTrue(worst <= 3, "largest channel difference " + worst);
    }

    /** Photos off the fast YCbCr path: grayscale JPEG (one band) and a PNG with transparency (over white). */
    @Test
    void grayscaleJpegAndTransparentPng() throws Exception {
        BufferedImage gray = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                gray.getRaster().setSample(x, y, 0, x * 4);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(gray, "jpeg", jpeg);
        DecodedImage g = new ImageDecoder(1 << 20, 1 << 20).decode(jpeg.toByteArray());
        assertEquals(64, g.width());
        int v = g.rgb(40, 10);
        assertEquals(v & 0xff, (v >> 8) & 0xff, "grey stays grey");
        assertEquals(v & 0xff, (v >> 16) & 0xff, "grey stays grey");
        Assertions.assertTrue(Math.abs((v & 0xff) - 160) <= 3, "level " + (v & 0xff));

        BufferedImage argb = new BufferedImage(8, 6, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0xff102030);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(argb, "png", png);
        DecodedImage p = new ImageDecoder(1 << 20, 1 << 20).decode(png.toByteArray());
        assertEquals(0xffffff, p.rgb(3, 3), "transparent over white");
        assertEquals(0x102030, p.rgb(1, 1));
    }
}
