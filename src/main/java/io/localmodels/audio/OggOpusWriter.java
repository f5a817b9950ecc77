package io.localmodels.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Mono 16-bit PCM into an Ogg Opus stream (RFC 7845), written as it comes: the two header pages
 * first, then a page every {@link #PACKETS_PER_PAGE} packets of 20 ms, and a last page whose granule
 * position trims the padding after the last sample. Opus is encoded by Concentus (a Java port of
 * libopus); the granule positions count 48 kHz samples, as the format requires whatever the input rate.
 */
public final class OggOpusWriter {

    /** 20 ms packets; ten per page (200 ms) keep a streamed answer's pages small and the page overhead low. */
    static final int PACKETS_PER_PAGE = 10;
    private static final int FRAME_MS = 20;
    private static final int MAX_PACKET = 1275;

    private final OpusEncoder encoder;
    private final int rate;
    private final int frame;
    private final int preSkip;
    private final int serial = ThreadLocalRandom.current().nextInt();
    private final short[] pending;
    private int filled;
    private final List<byte[]> packets = new ArrayList<>();
    private int sequence;
    /** Input samples encoded so far (at the input rate), padding excluded. */
    private long samples;
    private long packetsOut;
    private boolean finished;

    /** @param rate 8000, 12000, 16000, 24000 or 48000 (Opus's own rates) */
    public OggOpusWriter(int rate, int bitrate) {
        try {
            encoder = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalArgumentException("Opus cannot encode at " + rate + " Hz: " + e.getMessage(), e);
        }
        encoder.setBitrate(bitrate);
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
        this.rate = rate;
        this.frame = rate * FRAME_MS / 1000;
        this.pending = new short[frame];
        this.preSkip = encoder.getLookahead() * (48000 / rate);
    }

    /** The identification and comment header pages: the first bytes of the stream. */
    public byte[] header() {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes("OpusHead".getBytes(StandardCharsets.US_ASCII));
        head.write(1);
        head.write(1);
        writeLe(head, preSkip, 2);
        writeLe(head, rate, 4);
        writeLe(head, 0, 2);
        head.write(0);
        ByteArrayOutputStream tags = new ByteArrayOutputStream();
        tags.writeBytes("OpusTags".getBytes(StandardCharsets.US_ASCII));
        byte[] vendor = "local-models-api (Concentus)".getBytes(StandardCharsets.UTF_8);
        writeLe(tags, vendor.length, 4);
        tags.writeBytes(vendor);
        writeLe(tags, 0, 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(page(List.of(head.toByteArray()), 0, 0x02));
        out.writeBytes(page(List.of(tags.toByteArray()), 0, 0));
        return out.toByteArray();
    }

    /** More samples: the pages completed by them (often none). */
    public byte[] write(short[] pcm) {
        if (finished) {
            throw new IllegalStateException("the stream is finished");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < pcm.length) {
            int n = Math.min(frame - filled, pcm.length - at);
            System.arraycopy(pcm, at, pending, filled, n);
            filled += n;
            at += n;
            samples += n;
            if (filled == frame) {
                encodePending();
                if (packets.size() == PACKETS_PER_PAGE) {
                    out.writeBytes(flush(0));
                }
            }
        }
        return out.toByteArray();
    }

    /** The end: the last frame padded with silence, and the last page, whose granule position says where the audio ends. */
    public byte[] finish() {
        if (finished) {
            return new byte[0];
        }
        finished = true;
        // the encoder's lookahead delays its output by the pre-skip: frames of silence until the last real sample is
        // out (and at least one packet to end on); the last granule position trims the rest
        long needed = preSkip + samples * (48000 / rate);
        while (filled > 0 || packets.isEmpty() || packetsOut * FRAME_MS * 48L < needed) {
            Arrays.fill(pending, filled, frame, (short) 0);
            encodePending();
        }
        return flush(0x04);
    }

    private void encodePending() {
        byte[] packet = new byte[MAX_PACKET];
        int n;
        try {
            n = encoder.encode(pending, 0, frame, packet, 0, packet.length);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoding failed: " + e.getMessage(), e);
        }
        packets.add(Arrays.copyOf(packet, n));
        packetsOut++;
        filled = 0;
    }

    private byte[] flush(int flags) {
        // granule: 48 kHz samples decoded through this page's last packet, the pre-skip among them (RFC 7845 4); the last
        // page's ends at the last real sample
        long granule = (flags & 0x04) != 0 ? preSkip + samples * (48000 / rate) : packetsOut * FRAME_MS * 48L;
        byte[] page = page(packets, granule, flags);
        packets.clear();
        return page;
    }

    private byte[] page(List<byte[]> content, long granule, int flags) {
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : content) {
            int left = p.length;
            while (left >= 255) {
                lacing.write(255);
                left -= 255;
            }
            lacing.write(left);
            body.writeBytes(p);
        }
        byte[] segments = lacing.toByteArray();
        if (segments.length > 255) {
            throw new IllegalStateException("an Ogg page holds at most 255 segments");
        }
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        page.writeBytes("OggS".getBytes(StandardCharsets.US_ASCII));
        page.write(0);
        page.write(flags);
        writeLe(page, granule, 8);
        writeLe(page, serial, 4);
        writeLe(page, sequence++, 4);
        writeLe(page, 0, 4);
        page.write(segments.length);
        page.writeBytes(segments);
        page.writeBytes(body.toByteArray());
        byte[] bytes = page.toByteArray();
        int crc = crc(bytes);
        bytes[22] = (byte) crc;
        bytes[23] = (byte) (crc >>> 8);
        bytes[24] = (byte) (crc >>> 16);
        bytes[25] = (byte) (crc >>> 24);
        return bytes;
    }

    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int b = 0; b < 8; b++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            CRC_TABLE[i] = r;
        }
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value and final xor 0. */
    static int crc(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xFF];
        }
        return crc;
    }

    private static void writeLe(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
