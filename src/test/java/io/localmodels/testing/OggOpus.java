package io.localmodels.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits an Ogg Opus file into its Opus packets (RFC 7845), as a phone's encoder would send them. */
public record OggOpus(int channels, int preSkip, List<byte[]> packets) {

    public static OggOpus read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        List<byte[]> all = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        int pos = 0;
        while (pos + 27 <= data.length) {
            if (data[pos] != 'O' || data[pos + 1] != 'g' || data[pos + 2] != 'g' || data[pos + 3] != 'S') {
                throw new IOException("lost Ogg page sync at byte " + pos);
            }
            int segments = data[pos + 26] & 0xff;
            int body = pos + 27 + segments;
            for (int i = 0; i < segments; i++) {
                int len = data[pos + 27 + i] & 0xff;
                partial.write(data, body, len);
                body += len;
                if (len < 255) {
                    all.add(partial.toByteArray());
                    partial.reset();
                }
            }
            pos = body;
        }
        if (all.size() < 2 || !new String(all.get(0), 0, 8).equals("OpusHead")) {
            throw new IOException(file + " is not Ogg Opus");
        }
        ByteBuffer head = ByteBuffer.wrap(all.get(0)).order(ByteOrder.LITTLE_ENDIAN);
        int channels = head.get(9) & 0xff;
        int preSkip = head.getShort(10) & 0xffff;
        // Packet 0 is OpusHead, packet 1 OpusTags; audio follows.
        return new OggOpus(channels, preSkip, List.copyOf(all.subList(2, all.size())));
    }
}
