package io.localmodels.speaker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Who said what (lma.speakers.*); every default is in the README's configuration table. */
@ConfigMapping(prefix = "lma.speakers")
public interface SpeakerConfig {

    /** Speaker labels for sessions whose config does not say ({@code "speakers": true|false}). */
    @WithDefault("true")
    boolean enabled();

    /**
     * builtin (cepstral statistics, no weights), an .onnx file in a sherpa-onnx layout (WeSpeaker,
     * 3D-Speaker CAM++ / ERes2Net, NeMo TitaNet), or a file on the Hugging Face Hub:
     * org/name[@revision]/file.onnx.
     */
    @WithDefault("builtin")
    String model();

    /** Cosine similarity at which an utterance joins a speaker; default 0.81 for builtin, 0.50 for a model. */
    Optional<Double> threshold();

    /** Below this similarity the two halves of one utterance are different speakers; default 0.60 builtin, 0.30 model. */
    Optional<Double> splitThreshold();

    /** Look for a change of speaker inside an utterance (two people without a pause between them). */
    @WithDefault("true")
    boolean split();

    /** Speakers per session at most; beyond it an utterance joins the nearest. */
    @WithDefault("8")
    int maxSpeakers();

    /** Threads that compute voice prints (shared by all sessions). */
    @WithDefault("1")
    int threads();

    /** Utterances waiting for those threads; beyond it an utterance keeps the previous speaker (counted). */
    @WithDefault("64")
    int queueCapacity();
}
