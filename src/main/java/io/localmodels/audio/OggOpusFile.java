package io.localmodels.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ogg Opus files (RFC 7845: what phones' and browsers' recorders and opusenc write) decoded whole
 * with Concentus: the first logical stream's packets at 48 kHz, the pre-skip dropped, the end cut
 * at the last page's granule position, then mono at 16 kHz. Mono and stereo (channel mapping
 * family 0 or 1 with at most two channels). {@link #read} parses the pages once; {@link #seconds}
 * then gives the length without decoding, so that a caller can refuse a long file before it costs anything.
 */
public final class OggOpusFile {

    private static final int RATE = 48_000;

    private final Stream stream;
    private final Head head;

    private OggOpusFile(Stream stream, Head head) {
        this.stream = stream;
        this.head = head;
    }

    public static boolean looksLikeOgg(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'O' && bytes[1] == 'g' && bytes[2] == 'g' && bytes[3] == 'S';
    }

    /** The file's pages and header, read without decoding; refused when it is not Ogg Opus or is damaged. */
    public static OggOpusFile read(byte[] bytes) throws WavFile.UnsupportedAudioException {
        Stream s = demux(bytes);
        return new OggOpusFile(s, header(s));
    }

    /** How long the audio lasts, from the last page's granule position (check it before {@link #decode}). */
    public double seconds() {
        return head.samples() / (double) RATE;
    }

    /** The audio, decoded. */
    public WavFile.Decoded decode() throws WavFile.UnsupportedAudioException {
        int channels = head.channels();
        long total = head.samples();
        OpusPacketDecoder decoder = new OpusPacketDecoder(RATE, channels);
        Resampler resampler = Resampler.create(RATE, 16_000);
        List<float[]> pieces = new ArrayList<>();
        long skip = head.preSkip();
        long left = total;
        // packet 0 is OpusHead, packet 1 OpusTags; audio follows
        for (int i = 2; i < stream.packets.size() && left > 0; i++) {
            short[] pcm;
            try {
                pcm = decoder.decode(stream.packets.get(i));
            } catch (CorruptAudioException e) {
                throw new WavFile.UnsupportedAudioException("Ogg Opus packet " + i + ": " + e.getMessage());
            }
            float[] mono = Downmix.toMonoFloat(pcm, channels);
            int from = (int) Math.min(skip, mono.length);
            skip -= from;
            int to = (int) Math.min(mono.length, from + left);
            left -= to - from;
            pieces.add(resampler.process(Arrays.copyOfRange(mono, from, to)));
        }
        pieces.add(resampler.flush());
        int n = pieces.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int pos = 0;
        for (float[] p : pieces) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return new WavFile.Decoded(RATE, channels, (total - left) / (double) RATE, out);
    }

    /** OpusHead's fields that matter here, and the samples (48 kHz, per channel) the file plays. */
    private record Head(int channels, int preSkip, long samples) {
    }

    private static Head header(Stream s) throws WavFile.UnsupportedAudioException {
        byte[] first = s.packets.get(0);
        if (first.length < 19 || !new String(first, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
            throw new WavFile.UnsupportedAudioException("an Ogg file that is not Opus (its first packet is not OpusHead);"
                    + " only Ogg Opus is decoded here");
        }
        ByteBuffer head = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        int channels = head.get(9) & 0xff;
        int preSkip = head.getShort(10) & 0xffff;
        int family = head.get(18) & 0xff;
        if (channels < 1 || channels > 2 || family > 1) {
            throw new WavFile.UnsupportedAudioException("Ogg Opus with " + channels + " channels (mapping family " + family
                    + "); mono and stereo are decoded here");
        }
        long total = s.lastGranule - preSkip;
        if (s.lastGranule < 0 || total <= 0) {
            throw new WavFile.UnsupportedAudioException("an Ogg Opus file with no audio (or no end position)");
        }
        return new Head(channels, preSkip, total);
    }

    /** The packets of the file's first logical stream and the granule position of its last page. */
    private record Stream(List<byte[]> packets, long lastGranule) {
    }

    private static Stream demux(byte[] data) throws WavFile.UnsupportedAudioException {
        List<byte[]> packets = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        Integer serial = null;
        long granule = -1;
        while (pos < data.length) {
            if (pos + 27 > data.length || data[pos] != 'O' || data[pos + 1] != 'g' || data[pos + 2] != 'g' || data[pos + 3] != 'S') {
                throw new WavFile.UnsupportedAudioException("a damaged Ogg file: no page at byte " + pos + " of " + data.length);
            }
            int pageSerial = b.getInt(pos + 14);
            long pageGranule = b.getLong(pos + 6);
            int segments = data[pos + 26] & 0xff;
            int body = pos + 27 + segments;
            if (body > data.length) {
                throw new WavFile.UnsupportedAudioException("a truncated Ogg page at byte " + pos);
            }
            boolean ours = serial == null || serial == pageSerial;
            serial = serial == null ? pageSerial : serial;
            for (int i = 0; i < segments; i++) {
                int len = data[pos + 27 + i] & 0xff;
                if (body + len > data.length) {
                    throw new WavFile.UnsupportedAudioException("a truncated Ogg page at byte " + pos);
                }
                if (ours) {
                    partial.write(data, body, len);
                    if (len < 255) {
                        packets.add(partial.toByteArray());
                        partial.reset();
                    }
                }
                body += len;
            }
            // -1: no packet ends on this page
            if (ours && pageGranule != -1) {
                granule = pageGranule;
            }
            pos = body;
        }
        if (packets.size() < 2) {
            throw new WavFile.UnsupportedAudioException("an Ogg file with no audio packets");
        }
        return new Stream(packets, granule);
    }
}
