package io.localmodels.bench;

import io.localmodels.speaker.CepstralEmbedder;
import io.localmodels.speaker.SpeakerChanges;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadBatcher;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadEvent;
import io.localmodels.vad.VadParameters;
import io.localmodels.vad.VadStream;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Not part of the test suite (run explicitly, see docs/benchmarks.md): what the built-in speaker
 * stage costs next to the Silero VAD on the same audio (silero-test.wav, its own utterances), per
 * utterance and as a share of the VAD's time; and a 20 s utterance searched for changes of speaker.
 */
@QuarkusTest
class SpeakerBenchmark {

    @Inject
    SileroVad vad;

    @Inject
    VadBatcher batcher;

    @Inject
    VadConfig config;

    static final int ROUNDS = Integer.getInteger("lma.bench.rounds", 5);

    @Test
    void speakerStageNextToTheVad() throws Exception {
        float[] audio = Wav.read(SharedFiles.require("audio/silero-test.wav")).mono();
        SpeakerChanges changes = new SpeakerChanges(new CepstralEmbedder(), 0.6);
        List<float[]> utterances = new ArrayList<>();
        double vadSeconds = Double.MAX_VALUE;
        double speakerSeconds = Double.MAX_VALUE;
        long[] perUtterance = null;
        for (int round = 0; round < ROUNDS + 1; round++) {
            utterances.clear();
            VadStream stream = new VadStream(batcher, vad, VadParameters.from(config), 1);
            long t0 = System.nanoTime();
            for (int pos = 0; pos < audio.length; pos += 320) {
                collect(stream.accept(Arrays.copyOfRange(audio, pos, Math.min(pos + 320, audio.length))).toCompletableFuture().join(), utterances);
            }
            collect(stream.finish().toCompletableFuture().join(), utterances);
            double v = (System.nanoTime() - t0) / 1e9;
            long[] each = new long[utterances.size()];
            long t1 = System.nanoTime();
            for (int i = 0; i < utterances.size(); i++) {
                long a = System.nanoTime();
                changes.split(utterances.get(i));
                each[i] = System.nanoTime() - a;
            }
            double s = (System.nanoTime() - t1) / 1e9;
            if (round > 0 && s < speakerSeconds) {  // round 0 warms up
                speakerSeconds = s;
                perUtterance = each;
            }
            if (round > 0) {
                vadSeconds = Math.min(vadSeconds, v);
            }
        }
        double speech = utterances.stream().mapToDouble(u -> u.length / (double) SileroVad.SAMPLE_RATE).sum();
        long[] sorted = perUtterance.clone();
        Arrays.sort(sorted);
        System.out.printf("BENCH speakers: %d utterances, %.1f s of speech in %.1f s of audio%n", utterances.size(), speech,
                audio.length / 16000.0);
        System.out.printf("BENCH speakers: VAD %.3f s, built-in speaker stage %.3f s (%.2f x the VAD); per utterance p50 %.1f ms,"
                        + " max %.1f ms; real-time factor %.4f%n", vadSeconds, speakerSeconds, speakerSeconds / vadSeconds,
                sorted[sorted.length / 2] / 1e6, sorted[sorted.length - 1] / 1e6, speakerSeconds / speech);
        float[] twenty = Arrays.copyOf(audio, 20 * 16_000);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long a = System.nanoTime();
            changes.split(twenty);
            best = Math.min(best, System.nanoTime() - a);
        }
        System.out.printf("BENCH speakers: a 20 s utterance searched for changes: %.1f ms%n", best / 1e6);
    }

    private static void collect(List<VadEvent> events, List<float[]> out) {
        for (VadEvent e : events) {
            if (e instanceof VadEvent.SpeechStopped s) {
                out.add(s.utterance().samples());
            }
        }
    }
}
