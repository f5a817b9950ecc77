package io.localmodels.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference the streaming path is compared with: the whole file at once through a plain ONNX
 * Runtime session, then a line-by-line port of Silero's {@code get_speech_timestamps} (v5/v6,
 * utils_vad.py) over the probabilities. Written independently of the service's VAD classes.
 */
public final class OfflineSileroReference {

    private OfflineSileroReference() {
    }

    /** Speech intervals in 16 kHz samples, Silero's defaults except {@code maxSpeechS}. */
    public static List<long[]> speechTimestamps(Path model, float[] audio, double maxSpeechS) throws OrtException {
        return speechTimestamps(model, audio, maxSpeechS, 100, new int[2]);
    }

    /**
     * As above with {@code min_silence_duration_ms} too; {@code splits[0]} counts the over-long
     * utterances split at a pause, {@code splits[1]} those cut where the limit was reached (no pause of
     * 98 ms to cut at). With the default 100 ms of silence ending speech, Silero never finds such a pause.
     */
    public static List<long[]> speechTimestamps(Path model, float[] audio, double maxSpeechS, int minSilenceMs, int[] splits)
            throws OrtException {
        final int sr = 16000;
        final int windowSize = 512;
        final int contextSize = 64;
        double threshold = 0.5;
        double negThreshold = threshold - 0.15;
        long minSpeech = sr * 250 / 1000;
        long pad = sr * 30 / 1000;
        long maxSpeech = (long) (sr * maxSpeechS) - windowSize - 2 * pad;
        long minSilence = (long) sr * minSilenceMs / 1000;
        long minSilenceAtMaxSpeech = sr * 98 / 1000;

        List<Float> probs = new ArrayList<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toString(), o)) {
            float[] state = new float[256];
            float[] context = new float[contextSize];
            for (int startSample = 0; startSample < audio.length; startSample += windowSize) {
                float[] x = new float[contextSize + windowSize];
                System.arraycopy(context, 0, x, 0, contextSize);
                System.arraycopy(audio, startSample, x, contextSize, Math.min(windowSize, audio.length - startSample));
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, x.length});
                     OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {2, 1, 128});
                     OnnxTensor rate = OnnxTensor.createTensor(env, (long) sr);
                     OrtSession.Result r = s.run(Map.of("input", in, "state", st, "sr", rate))) {
                    probs.add(((float[][]) r.get(0).getValue())[0][0]);
                    FloatBuffer ns = ((OnnxTensor) r.get(1)).getFloatBuffer();
                    state = new float[256];
                    ns.get(state);
                }
                System.arraycopy(x, x.length - contextSize, context, 0, contextSize);
            }
        }

        boolean triggered = false;
        List<long[]> speeches = new ArrayList<>();
        long[] current = null;
        long tempEnd = 0;
        long prevEnd = 0;
        long nextStart = 0;
        for (int i = 0; i < probs.size(); i++) {
            float p = probs.get(i);
            long cur = (long) windowSize * i;
            if (p >= threshold && tempEnd != 0) {
                tempEnd = 0;
                if (nextStart < prevEnd) {
                    nextStart = cur;
                }
            }
            if (p >= threshold && !triggered) {
                triggered = true;
                current = new long[] {cur, -1};
                continue;
            }
            if (triggered && cur - current[0] > maxSpeech) {
                if (prevEnd != 0) {
                    splits[0]++;
                    current[1] = prevEnd;
                    speeches.add(current);
                    current = null;
                    if (nextStart < prevEnd) {
                        triggered = false;
                    } else {
                        current = new long[] {nextStart, -1};
                    }
                    prevEnd = nextStart = tempEnd = 0;
                } else {
                    splits[1]++;
                    current[1] = cur;
                    speeches.add(current);
                    current = null;
                    prevEnd = nextStart = tempEnd = 0;
                    triggered = false;
                    continue;
                }
            }
            if (p < negThreshold && triggered) {
                if (tempEnd == 0) {
                    tempEnd = cur;
                }
                if (cur - tempEnd > minSilenceAtMaxSpeech) {
                    prevEnd = tempEnd;
                }
                if (cur - tempEnd < minSilence) {
                    continue;
                }
                current[1] = tempEnd;
                if (current[1] - current[0] > minSpeech) {
                    speeches.add(current);
                }
                current = null;
                prevEnd = nextStart = tempEnd = 0;
                triggered = false;
            }
        }
        if (current != null && audio.length - current[0] > minSpeech) {
            current[1] = audio.length;
            speeches.add(current);
        }
        for (int i = 0; i < speeches.size(); i++) {
            long[] sp = speeches.get(i);
            if (i == 0) {
                sp[0] = Math.max(0, sp[0] - pad);
            }
            if (i != speeches.size() - 1) {
                long[] next = speeches.get(i + 1);
                long silence = next[0] - sp[1];
                if (silence < 2 * pad) {
                    sp[1] += silence / 2;
                    next[0] = Math.max(0, next[0] - silence / 2);
                } else {
                    sp[1] = Math.min(audio.length, sp[1] + pad);
                    next[0] = Math.max(0, next[0] - pad);
                }
            } else {
                sp[1] = Math.min(audio.length, sp[1] + pad);
            }
        }
        return speeches;
    }
}
