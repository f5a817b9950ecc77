package io.localmodels.speaker;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.SessionHandle;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.SpeakerFixtures;
import io.localmodels.testing.Wav;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sherpa-onnx layouts on random-weight models: the embedding of 2 s of jfk.wav equals what torch
 * computes from the generator's own fbank (so features, their normalisation, the tensor layout and
 * the output taken are all right); a model without the layout's metadata is refused by name.
 */
class OnnxSpeakerEmbedderTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static SessionHandle open(Path file) throws Exception {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        return new SessionHandle("speaker", file, ExecutionProvider.CPU, ENV.createSession(file.toString(), options), options);
    }

    @ParameterizedTest
    @CsvSource({"3dspeaker, THREE_D_SPEAKER", "wespeaker, WESPEAKER", "nemo, NEMO"})
    void embedsAsTorchDoes(String name, OnnxSpeakerEmbedder.Layout layout) throws Exception {
        JsonNode golden = SpeakerFixtures.goldens().get(name);
        float[] audio = Arrays.copyOf(Wav.read(SharedFiles.require("audio/jfk.wav")).mono(), 32_000);
        try (OnnxSpeakerEmbedder e = new OnnxSpeakerEmbedder(ENV, open(SpeakerFixtures.dir().resolve(name + ".onnx")))) {
            assertEquals(layout, e.layout());
            float[] v = e.embed(audio);
            assertEquals(192, v.length);
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < v.length; i++) {
                worst = Math.max(worst, Math.abs(v[i] - golden.get(i).asDouble()));
                scale = Math.max(scale, Math.abs(golden.get(i).asDouble()));
            }
            System.out.printf("%s: largest difference to torch %.2e (values up to %.2f)%n", name, worst, scale);
            assertTrue(worst < 1e-3 * Math.max(1, scale), name + ": largest difference " + worst);
            // the same print from a row range of a longer stretch's frames: its first 2 s, and 2 s from 1 s on
            float[] longer = Arrays.copyOf(Wav.read(SharedFiles.require("audio/jfk.wav")).mono(), 64_000);
            float[][] frames = e.frames(longer);
            assertArrayEquals(v, e.embedFrames(frames, 0, Fbank.frames(32_000)), name + ": from shared frames");
            int first = 16_000 / Fbank.SHIFT;
            assertArrayEquals(e.embed(Arrays.copyOfRange(longer, 16_000, 48_000)), e.embedFrames(frames, first, first + Fbank.frames(32_000)),
                    name + ": from shared frames, not at the start");
        }
    }

    @Test
    void aModelWithoutTheLayoutsMetadataIsRefusedWithTheReason() throws Exception {
        SessionHandle h = open(SpeakerFixtures.dir().resolve("no-metadata.onnx"));
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OnnxSpeakerEmbedder(ENV, h));
            assertTrue(e.getMessage().contains("framework") && e.getMessage().contains("wespeaker, 3d-speaker or nemo"), e.getMessage());
        } finally {
            h.close();
        }
    }
}
