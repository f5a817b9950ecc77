package io.localmodels.audio;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAV files people upload, written by sox from jfk.wav (16 kHz, 16-bit mono): 8-bit unsigned,
 * 24- and 32-bit integer, 32-bit float, stereo, six channels (WAVE_FORMAT_EXTENSIBLE), another rate.
 * Each must decode to the samples of the original (to the precision of its format).
 */
class WavFileVariantsTest {

    @TempDir
    Path tmp;

    private Path variant(Path source, String name, String... options) throws Exception {
        Path out = tmp.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("sox", source.toString()));
        cmd.addAll(List.of(options));
        cmd.add(out.toString());
        if (name.contains("ch")) {
            cmd.add("remix");
            cmd.addAll(Collections.nCopies(name.contains("6ch") ? 6 : 2, "1"));
        }
        Sox.run(cmd);
        return out;
    }

    /** Bytes 20-21 (format tag) and 22-23 (channels) of the fmt chunk sox wrote. */
    private static int[] header(Path wav) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        return new int[]{b.getShort(20) & 0xffff, b.getShort(22), b.getShort(34)};
    }

    @Test
    void everyFormatDecodesToTheOriginalSamples() throws Exception {
        Sox.requireInstalled();
        Path jfk = SharedFiles.require("audio/jfk.wav");
        float[] reference = Wav.read(jfk).mono();
        record Case(String name, String[] options, double tolerance, int formatTag) {
        }
        List<Case> cases = List.of(
                new Case("u8.wav", new String[]{"-b", "8", "-e", "unsigned-integer"}, 1.0 / 64, 1),
                new Case("s24.wav", new String[]{"-b", "24"}, 1e-4, 0xFFFE),
                new Case("s32.wav", new String[]{"-b", "32"}, 1e-4, 0xFFFE),
                new Case("f32.wav", new String[]{"-b", "32", "-e", "floating-point"}, 1e-4, 3),
                new Case("s16-2ch.wav", new String[]{"-b", "16"}, 1e-4, 1),
                new Case("s16-6ch.wav", new String[]{"-b", "16"}, 1e-4, 0xFFFE));
        for (Case c : cases) {
            Path file = variant(jfk, c.name(), c.options());
            int[] h = header(file);
            if (c.formatTag() == 0xFFFE || h[0] == 0xFFFE) {
                // sox decides when to write WAVE_FORMAT_EXTENSIBLE; the 6-channel file must be one
                assertTrue(!c.name().contains("6ch") || h[0] == 0xFFFE, c.name() + ": format tag " + Integer.toHexString(h[0]));
            } else {
                assertEquals(c.formatTag(), h[0], c.name() + ": format tag");
            }
            WavFile.Decoded d = WavFile.decode(Files.readAllBytes(file));
            assertEquals(16000, d.sampleRate(), c.name());
            assertEquals(c.name().contains("6ch") ? 6 : c.name().contains("2ch") ? 2 : 1, d.channels(), c.name());
            assertEquals(reference.length, d.mono16k().length, c.name());
            double worst = 0;
            for (int i = 0; i < reference.length; i++) {
                worst = Math.max(worst, Math.abs(reference[i] - d.mono16k()[i]));
            }
            assertTrue(worst <= c.tolerance(), c.name() + ": largest difference " + worst);
        }
    }

    @Test
    void anotherRateIsResampledTo16kHz() throws Exception {
        Sox.requireInstalled();
        Path jfk = SharedFiles.require("audio/jfk.wav");
        float[] reference = Wav.read(jfk).mono();
        Path file = variant(jfk, "44k.wav", "-r", "44100");
        WavFile.Decoded d = WavFile.decode(Files.readAllBytes(file));
        assertEquals(44100, d.sampleRate());
        assertEquals(reference.length, d.mono16k().length, 2.0, "the same duration at 16 kHz");
        double energy = 0;
        double refEnergy = 0;
        for (int i = 0; i < Math.min(reference.length, d.mono16k().length); i++) {
            energy += d.mono16k()[i] * d.mono16k()[i];
            refEnergy += reference[i] * reference[i];
        }
        assertEquals(1.0, energy / refEnergy, 0.05, "speech energy kept through 16 → 44.1 → 16 kHz");
    }
}
