package io.localmodels.session;

import io.localmodels.audio.AudioFrontEnd;
import io.localmodels.audio.AudioEncoding;
import io.localmodels.audio.StreamFormat;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.ModelStartup;
import io.localmodels.inference.ModelState;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadBatcher;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadParameters;
import io.localmodels.vad.VadStream;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs the audio path once on synthetic audio as soon as the VAD model is loaded, before readiness
 * says UP: a fresh JVM otherwise spends its first utterances compiling the decoder, resampler and
 * VAD code and letting ONNX Runtime allocate (black-box testing saw a p50 of 514 ms for the first
 * utterance of a fresh JVM against 10 ms warm). Whisper warms itself when it loads.
 */
@Singleton
public class PipelineWarmUp {

    private static final Logger LOG = Logger.getLogger(PipelineWarmUp.class);

    private final SileroVad silero;
    private final VadBatcher scorer;
    private final ModelRegistry models;
    private final ModelStartup startup;
    private final VadParameters params;
    private volatile boolean done;

    public PipelineWarmUp(SileroVad silero, VadBatcher scorer, ModelRegistry models, ModelStartup startup, VadConfig vad) {
        this.silero = silero;
        this.scorer = scorer;
        this.models = models;
        this.startup = startup;
        this.params = VadParameters.from(vad);
    }

    void onStart(@Observes StartupEvent event) {
        Thread t = new Thread(this::run, "audio-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Whether warming has ended (done, skipped for want of a VAD, or failed: it never holds readiness back for good). */
    public boolean done() {
        return done;
    }

    private void run() {
        try {
            while (!startup.finished()) {
                Thread.sleep(50);
            }
            if (models.state(silero.modelId()) instanceof ModelState.Loaded) {
                long t0 = System.nanoTime();
                for (int rate : new int[] {16000, 48000, 16000, 48000}) {
                    stream(rate);
                }
                LOG.infof("audio path warmed up in %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("audio warm-up failed (sessions still work, the first ones slower): %s", e.toString());
        } finally {
            done = true;
        }
    }

    /** 4 s of bursts of noise at {@code rate}, in 20 ms frames, through decode → resample → VAD, then its end. */
    private void stream(int rate) throws Exception {
        StreamFormat format = new StreamFormat(rate, AudioEncoding.PCM16, 1);
        AudioFrontEnd frontEnd = new AudioFrontEnd(format, SileroVad.SAMPLE_RATE);
        VadStream vad = new VadStream(scorer, silero, params, 1);
        Random random = new Random(rate);
        int frame = rate / 50;
        for (int f = 0; f < 200; f++) {
            byte[] bytes = new byte[frame * 2];
            double level = (f / 25) % 2 == 0 ? 8000 : 30;
            for (int i = 0; i < frame; i++) {
                short v = (short) Math.max(-32768, Math.min(32767, random.nextGaussian() * level));
                bytes[2 * i] = (byte) v;
                bytes[2 * i + 1] = (byte) (v >> 8);
            }
            vad.accept(frontEnd.toTarget(frontEnd.decode(bytes))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vad.accept(frontEnd.flush()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        vad.finish().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
