package io.localmodels.testing;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/** Synthesized speech as the speech tests check it: written to WAV, its length measured by sox. */
public final class SpokenAudio {

    private SpokenAudio() {
    }

    /** Seconds between the first and the last sound (sox trims the silence at both ends). */
    public static double spokenSeconds(Path wav) throws Exception {
        Path trimmed = wav.resolveSibling("trimmed-" + wav.getFileName());
        Sox.run(List.of("sox", wav.toString(), trimmed.toString(), "silence", "1", "0.01", "1%", "reverse", "silence", "1", "0.01",
                "1%", "reverse"));
        try (AudioInputStream in = AudioSystem.getAudioInputStream(trimmed.toFile())) {
            return in.getFrameLength() / (double) in.getFormat().getSampleRate();
        }
    }

    /** 16-bit mono samples at {@code rate} as a WAV file. */
    public static Path writeWav(short[] pcm, int rate, Path out) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(pcm);
        AudioFormat f = new AudioFormat(rate, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(b.array()), f, pcm.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out.toFile());
        }
        return out;
    }

    /** Little-endian 16-bit samples. */
    public static short[] samples(byte[] littleEndian) {
        short[] pcm = new short[littleEndian.length / 2];
        ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        return pcm;
    }
}
