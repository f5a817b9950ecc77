package io.localmodels.audio;

import io.localmodels.testing.Sox;
import io.localmodels.testing.SpokenAudio;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Ogg Opus stream the service writes, read by libopus' own tools (opus-tools): opusinfo finds a
 * valid stream, and opusdec gives back exactly as many samples as went in, sounding like them.
 */
class OggOpusWriterTest {

    private static final Path WORK = Path.of("target/ogg-opus-writer-test");

    /** opusinfo's report; it exits non-zero, or warns, on a bad page, CRC or granule position. */
    private static String opusinfo(Path file) throws Exception {
        Process p = new ProcessBuilder("opusinfo", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void libopusReadsBackWhatWasWrittenChunkByChunk() throws Exception {
        Sox.requireTool("opusdec", "opus-tools");
        Files.createDirectories(WORK);
        // a 3.3 s sweep at 24 kHz (the service's speech rate), written in chunks of random sizes as speech arrives
        Path sweep = WORK.resolve("sweep.wav");
        Sox.run(List.of("sox", "-n", "-r", "24000", "-b", "16", "-c", "1", sweep.toString(), "synth", "3.3", "sine", "200-3000",
                "vol", "0.5"));
        short[] in = SpokenAudio.samples(Wav.read(sweep).pcm());
        OggOpusWriter writer = new OggOpusWriter(24000, 32000);
        ByteArrayOutputStream ogg = new ByteArrayOutputStream();
        ogg.writeBytes(writer.header());
        Random random = new Random(1);
        for (int at = 0; at < in.length; ) {
            int n = Math.min(in.length - at, 1 + random.nextInt(3000));
            short[] chunk = new short[n];
            System.arraycopy(in, at, chunk, 0, n);
            ogg.writeBytes(writer.write(chunk));
            at += n;
        }
        ogg.writeBytes(writer.finish());
        Path file = Files.write(WORK.resolve("sweep.opus"), ogg.toByteArray());

        String info = opusinfo(file);
        assertFalse(info.contains("WARNING") || info.contains("ERROR"), info);
        assertTrue(info.contains("Original sample rate: 24000 Hz"), info);
        assertTrue(info.contains("Channels: 1"), info);

        // decoded at 48 kHz: the pre-skip and the last page's granule position trim it to the input's length exactly
        Path decoded = Sox.opusDecode(file, WORK.resolve("decoded-48k.wav"));
        short[] out48 = SpokenAudio.samples(Wav.read(decoded).pcm());
        assertEquals(in.length * 2, out48.length, "samples at 48 kHz");
        short[] out = SpokenAudio.samples(Wav.read(Sox.convert(decoded, WORK.resolve("decoded-24k.wav"), 24000, 1)).pcm());
        // aligned within a sample or two: libopus decoding a stream Opus encoded at 24 kHz comes out about 60 µs early
        // (its 48 kHz decoder's resampling), which no listener hears
        double correlation = -1;
        for (int lag = -2; lag <= 2; lag++) {
            correlation = Math.max(correlation, correlation(in, out, lag));
        }
        assertTrue(correlation > 0.98, "the decoded sweep follows the input in time: correlation " + correlation);
        System.out.printf("Ogg Opus at 32 kb/s: %d bytes for %.1f s, correlation with the input %.3f%n", ogg.size(),
                in.length / 24000.0, correlation);
    }

    @Test
    void anEmptyAnswerIsStillAValidStream() throws Exception {
        Sox.requireTool("opusdec", "opus-tools");
        Files.createDirectories(WORK);
        OggOpusWriter writer = new OggOpusWriter(24000, 32000);
        ByteArrayOutputStream ogg = new ByteArrayOutputStream();
        ogg.writeBytes(writer.header());
        ogg.writeBytes(writer.finish());
        Path file = Files.write(WORK.resolve("empty.opus"), ogg.toByteArray());
        String info = opusinfo(file);
        assertFalse(info.contains("WARNING") || info.contains("ERROR"), info);
        assertEquals(0, Wav.read(Sox.opusDecode(file, WORK.resolve("empty.wav"))).pcm().length);
    }

    /** The normalised correlation of a[i] with b[i - lag]. */
    private static double correlation(short[] a, short[] b, int lag) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = Math.max(0, lag); i < a.length && i - lag < b.length; i++) {
            ab += (double) a[i] * b[i - lag];
            aa += (double) a[i] * a[i];
            bb += (double) b[i - lag] * b[i - lag];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
