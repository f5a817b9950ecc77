package io.localmodels.audio;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ogg Opus files written by libopus' opusenc, decoded here (Concentus) and by libopus' opusdec with
 * sox's resampler: the same length to the sample and the same audio.
 */
class OggOpusFileTest {

    private static final Path WORK = Path.of("target/ogg-opus-test");

    @Test
    void opusencFilesDecodeLikeLibopusToTheSample() throws Exception {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        for (int channels : new int[] {1, 2}) {
            Path source = Sox.convert(jfk, WORK.resolve("jfk-48k-" + channels + ".wav"), 48000, channels);
            Path ogg = Sox.opusEncode(source, WORK.resolve("jfk-" + channels + ".opus"));
            byte[] bytes = Files.readAllBytes(ogg);
            // libopus' decode, pre-skip and end trimmed by opusdec, then sox to 16 kHz mono
            Path libopus = Sox.convert(Sox.opusDecode(ogg, WORK.resolve("jfk-" + channels + "-opusdec.wav")),
                    WORK.resolve("jfk-" + channels + "-opusdec-16k.wav"), 16000, 1);
            float[] expected = Wav.read(libopus).mono();

            OggOpusFile file = OggOpusFile.read(bytes);
            assertEquals(11.0, file.seconds(), 1e-9, "the length from the last page's granule position");
            WavFile.Decoded decoded = file.decode();
            assertEquals(channels, decoded.channels());
            assertEquals(11.0, decoded.seconds(), 1e-9);
            assertEquals(176_000, decoded.mono16k().length, 1, "11 s at 16 kHz, to the sample");
            int n = Math.min(expected.length, decoded.mono16k().length);
            double r = correlation(Arrays.copyOf(expected, n), Arrays.copyOf(decoded.mono16k(), n));
            assertTrue(r > 0.99, channels + " channel(s): correlation with libopus " + r);
        }
    }

    @Test
    void damagedOrForeignFilesAreRefusedWithAReason() throws Exception {
        Path ogg = Sox.opusEncode(SharedFiles.require("audio/jfk.wav"), WORK.resolve("jfk-cut.opus"));
        byte[] whole = Files.readAllBytes(ogg);
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        assertTrue(assertThrows(WavFile.UnsupportedAudioException.class, () -> OggOpusFile.read(cut)).getMessage()
                .contains("truncated Ogg page"));
        byte[] syncOnly = {'O', 'g', 'g', 'S'};
        assertTrue(assertThrows(WavFile.UnsupportedAudioException.class, () -> OggOpusFile.read(syncOnly)).getMessage()
                .contains("damaged Ogg file"));
        byte[] notOpus = whole.clone();
        // the first page's packet is OpusHead; spoil its magic
        int head = 27 + (whole[26] & 0xff);
        notOpus[head] = 'X';
        assertTrue(assertThrows(WavFile.UnsupportedAudioException.class, () -> OggOpusFile.read(notOpus)).getMessage()
                .contains("not Opus"));
    }

    private static double correlation(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * (double) b[i];
            aa += a[i] * (double) a[i];
            bb += b[i] * (double) b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
