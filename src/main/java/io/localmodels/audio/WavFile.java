package io.localmodels.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * RIFF/WAVE files as uploads bring them: PCM 8/16/24/32-bit, IEEE float 32/64-bit (plain or
 * WAVE_FORMAT_EXTENSIBLE), any channel count (averaged to mono) and rate (resampled to 16 kHz).
 */
public final class WavFile {

    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    private WavFile() {
    }

    /** What an upload decoded to: the original rate and channels, and 16 kHz mono samples. */
    public record Decoded(int sampleRate, int channels, double seconds, float[] mono16k) {
    }

    static final String NOT_WAV = "not a WAV file (no RIFF/WAVE header); send WAV, or raw PCM16 with a sample_rate field";

    public static boolean looksLikeWav(byte[] bytes) {
        return bytes.length >= 12 && ascii(bytes, 0).equals("RIFF") && ascii(bytes, 8).equals("WAVE");
    }

    public static Decoded decode(byte[] bytes) throws UnsupportedAudioException {
        if (!looksLikeWav(bytes)) {
            throw new UnsupportedAudioException(NOT_WAV);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int dataOffset = -1;
        int dataLength = 0;
        // chunk positions in long: sizes near 2^32 must end the walk, not wrap around
        long pos = 12;
        while (pos + 8 <= bytes.length) {
            String id = ascii(bytes, (int) pos);
            long size = b.getInt((int) pos + 4) & 0xFFFFFFFFL;
            int body = (int) pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16L > bytes.length) {
                    throw new UnsupportedAudioException("WAV fmt chunk is truncated");
                }
                format = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xFFFF;
                if (format == EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) {
                    format = b.getShort(body + 24) & 0xFFFF; // first two bytes of the sub-format GUID
                }
            } else if (id.equals("data")) {
                dataOffset = body;
                // streaming writers leave the size at 0 or 0xFFFFFFFF: take what is there
                dataLength = (int) Math.min(size == 0 ? Long.MAX_VALUE : size, bytes.length - body);
                break;
            }
            pos = body + size + (size & 1);
        }
        if (format < 0) {
            throw new UnsupportedAudioException("WAV file has no fmt chunk");
        }
        if (dataOffset < 0) {
            throw new UnsupportedAudioException("WAV file has no data chunk");
        }
        if (channels < 1 || channels > 16 || rate < 4000 || rate > 384_000) {
            throw new UnsupportedAudioException("WAV with " + channels + " channels at " + rate + " Hz is not supported");
        }
        boolean pcm = format == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = format == IEEE_FLOAT && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new UnsupportedAudioException("WAV format " + format + " with " + bits + " bits per sample is not supported"
                    + " (PCM 8/16/24/32-bit or float 32/64-bit)");
        }
        int bytesPerSample = bits / 8;
        int frames = dataLength / (bytesPerSample * channels);
        float[] mono = new float[frames];
        int p = dataOffset;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++, p += bytesPerSample) {
                sum += sample(b, p, bits, flt);
            }
            mono[f] = (float) (sum / channels);
        }
        Resampler r = Resampler.create(rate, 16_000);
        float[] head = r.process(mono);
        float[] tail = r.flush();
        float[] out = new float[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return new Decoded(rate, channels, frames / (double) rate, out);
    }

    /** Raw little-endian PCM16 mono at {@code rate} (a trailing odd byte is ignored). */
    public static Decoded pcm16(byte[] bytes, int rate) throws UnsupportedAudioException {
        if (rate < 4000 || rate > 384_000) {
            throw new UnsupportedAudioException("sample_rate " + rate + " is out of range (4000..384000)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] mono = new float[bytes.length / 2];
        for (int i = 0; i < mono.length; i++) {
            mono[i] = b.getShort(2 * i) / 32768f;
        }
        Resampler r = Resampler.create(rate, 16_000);
        float[] head = r.process(mono);
        float[] tail = r.flush();
        float[] out = new float[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return new Decoded(rate, 1, mono.length / (double) rate, out);
    }

    private static double sample(ByteBuffer b, int p, int bits, boolean flt) {
        if (flt) {
            return bits == 32 ? b.getFloat(p) : b.getDouble(p);
        }
        return switch (bits) {
            case 8 -> ((b.get(p) & 0xFF) - 128) / 128.0;
            case 16 -> b.getShort(p) / 32768.0;
            case 24 -> (((b.get(p) & 0xFF) | ((b.get(p + 1) & 0xFF) << 8) | (b.get(p + 2) << 16))) / 8388608.0;
            default -> b.getInt(p) / 2147483648.0;
        };
    }

    private static String ascii(byte[] bytes, int at) {
        return at >= 0 && at + 4L <= bytes.length ? new String(bytes, at, 4, StandardCharsets.US_ASCII) : "";
    }

    /** The upload is not audio this service can read. */
    public static class UnsupportedAudioException extends Exception {
        public UnsupportedAudioException(String message) {
            super(message);
        }
    }
}
