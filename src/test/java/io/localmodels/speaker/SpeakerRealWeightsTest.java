package io.localmodels.speaker;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.SessionHandle;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real speaker-embedding model in a sherpa-onnx layout (for example 3D-Speaker's CAM++ from
 * csukuangfj/speaker-embedding-models). Runs when LMA_SPEAKER_MODEL names the .onnx file; otherwise
 * it reports itself skipped, with the reason, loudly.
 */
class SpeakerRealWeightsTest {

    private static OnnxSpeakerEmbedder model;
    private static String skipped;

    private static synchronized void requireModel() throws Exception {
        if (model == null && skipped == null) {
            String where = System.getenv("LMA_SPEAKER_MODEL");
            if (where == null || where.isBlank() || !Files.isRegularFile(Path.of(where))) {
                skipped = "SKIPPED: real-weights speaker suite: LMA_SPEAKER_MODEL is not set to an .onnx file (a speaker-embedding"
                        + " model exported by sherpa-onnx, e.g. 3dspeaker_speech_campplus_sv_en_voxceleb_16k.onnx, runs it)";
                System.err.println("*".repeat(100) + "\n" + skipped + "\n" + "*".repeat(100));
            } else {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                model = new OnnxSpeakerEmbedder(env, new SessionHandle("speaker", Path.of(where), ExecutionProvider.CPU,
                        env.createSession(where, options), options));
            }
        }
        if (skipped != null) {
            Assumptions.abort(skipped);
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static List<String> labels(String file, double[][] turns) throws Exception {
        float[] all = Wav.read(SharedFiles.require(file)).mono();
        SpeakerClusters clusters = new SpeakerClusters(0.50, 8);
        List<String> online = new ArrayList<>();
        for (int i = 0; i < turns.length; i++) {
            float[] turn = Arrays.copyOfRange(all, (int) (turns[i][0] * 16_000), (int) (turns[i][1] * 16_000));
            online.add(clusters.assign(i + 1, model.embed(turn), turns[i][1] - turns[i][0]));
        }
        System.out.printf("real speaker model %s on %s: %s%n", model.name(), file, online);
        return online;
    }

    @Test
    void picovoicesThreeVoicesAreThreeSpeakers() throws Exception {
        requireModel();
        assertEquals(List.of("S1", "S2", "S3"), labels("audio/picovoice/falcon_3speakers.wav",
                new double[][] {{1.7, 3.9}, {6.2, 11.1}, {12.8, 18.0}}));
        assertEquals(List.of("S1", "S2", "S3"), labels("audio/picovoice/diarization_test.wav",
                new double[][] {{1.74, 3.74}, {6.0, 11.11}, {12.8, 19.26}}));
    }

    @Test
    void oneVoiceIsOneSpeaker() throws Exception {
        requireModel();
        assertEquals(List.of("S1", "S1", "S1", "S1"), labels("audio/jfk.wav",
                new double[][] {{0.3, 2.3}, {3.2, 4.5}, {5.3, 7.7}, {8.1, 10.6}}));
    }
}
