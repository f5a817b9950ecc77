package io.localmodels.vision;

/** The EXIF orientation tag of a JPEG (phones store photos sideways and set it); {@link DecodedImage} applies it. */
final class ExifOrientation {

    private ExifOrientation() {
    }

    /** Orientation 1–8 from the APP1 Exif segment; 1 when absent or unreadable. */
    static int read(byte[] jpeg) {
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xff;
            int len = ((jpeg[pos + 2] & 0xff) << 8) | (jpeg[pos + 3] & 0xff);
            if (marker == 0xDA || len < 2) {
                return 1;
            }
            if (marker == 0xE1 && pos + 10 <= jpeg.length && jpeg[pos + 4] == 'E' && jpeg[pos + 5] == 'x'
                    && jpeg[pos + 6] == 'i' && jpeg[pos + 7] == 'f') {
                return fromTiff(jpeg, pos + 10, Math.min(jpeg.length, pos + 2 + len));
            }
            pos += 2 + len;
        }
        return 1;
    }

    private static int fromTiff(byte[] d, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little = d[tiff] == 'I';
        int ifd = tiff + u32(d, tiff + 4, little);
        if (ifd + 2 > end || ifd < tiff) {
            return 1;
        }
        int entries = u16(d, ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + i * 12;
            if (e + 12 > end) {
                return 1;
            }
            if (u16(d, e, little) == 0x0112) {
                int v = u16(d, e + 8, little);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] d, int p, boolean little) {
        return little ? (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 : (d[p] & 0xff) << 8 | (d[p + 1] & 0xff);
    }

    private static int u32(byte[] d, int p, boolean little) {
        return little ? u16(d, p, true) | u16(d, p + 2, true) << 16 : u16(d, p, false) << 16 | u16(d, p + 2, false);
    }
}
