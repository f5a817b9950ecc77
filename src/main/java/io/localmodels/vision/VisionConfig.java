package io.localmodels.vision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code lma.vision.*}: the photo path. */
@ConfigMapping(prefix = "lma.vision")
public interface VisionConfig {

    /** Catalog id of the object detector. */
    @WithDefault("yolox-nano")
    String detectorModel();

    /** Largest accepted image file; larger → 413. */
    @WithDefault("10485760")
    int maxBytes();

    /** Largest accepted width × height, checked from the header before decoding; larger → 413. */
    @WithDefault("40000000")
    long maxPixels();

    /** Threads of the vision executor (separate from audio). */
    @WithDefault("1")
    int workers();

    /**
     * Linux nice value of the vision worker threads (0 = same as everything else). Positive values
     * let audio and ASR threads win the CPU whenever both want it, so a photo burst cannot slow
     * speech events; vision still gets every idle cycle.
     */
    @WithDefault("10")
    int nice();

    /** Frames waiting for a vision worker; more → 503 with Retry-After. */
    @WithDefault("4")
    int queueSize();

    /** Detections below this score are dropped. */
    @WithDefault("0.3")
    double scoreThreshold();

    /** Overlap above which same-class boxes are merged (non-maximum suppression). */
    @WithDefault("0.45")
    double nmsIou();

    /** Language of the description when the request names none. */
    @WithDefault("es")
    String defaultLanguage();

    /** How long results stay fetchable from GET /vision/frames/{id}. */
    @WithDefault("10m")
    Duration resultTtl();

    /** Most results kept (oldest dropped first). */
    @WithDefault("1000")
    int resultMax();
}
