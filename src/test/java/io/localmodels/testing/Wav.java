package io.localmodels.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A PCM16 WAV file: its raw little-endian sample bytes and format (test helper). */
public record Wav(int sampleRate, int channels, byte[] pcm) {

    public static Wav read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IOException(file + " is not a RIFF/WAVE file");
        }
        int pos = 12;
        int rate = 0;
        int channels = 0;
        int bits = 0;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                channels = b.getShort(pos + 10);
                rate = b.getInt(pos + 12);
                bits = b.getShort(pos + 22);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16) {
                    throw new IOException(file + ": only 16-bit PCM is supported, got " + bits);
                }
                int len = Math.min(size, b.limit() - pos - 8);
                return new Wav(rate, channels, Arrays.copyOfRange(b.array(), pos + 8, pos + 8 + len));
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException(file + " has no data chunk");
    }

    public long frames() {
        return pcm.length / (2L * channels);
    }

    /** Mono float samples (channels averaged). */
    public float[] mono() {
        ByteBuffer b = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) frames()];
        for (int i = 0; i < out.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += b.getShort((i * channels + c) * 2);
            }
            out[i] = sum / (32768f * channels);
        }
        return out;
    }
}
