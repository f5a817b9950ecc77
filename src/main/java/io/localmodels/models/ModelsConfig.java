package io.localmodels.models;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code lma.models.*}: where models live, where they come from, which ones the service needs. */
@ConfigMapping(prefix = "lma.models")
public interface ModelsConfig {

    /** Folder holding one sub-folder per model id. */
    @WithDefault("model-cache")
    Path cacheDir();

    /**
     * Folders laid out as {@code <mirror>/<model-id>/<file>} searched before any download
     * (air-gapped installs, shared NFS caches, CI). Folders that do not exist are skipped.
     */
    Optional<List<Path>> mirrors();

    /** Models whose absence makes readiness DOWN. */
    @WithDefault("silero-vad")
    List<String> required();

    /** Models loaded when present; their absence is reported but readiness stays UP. */
    Optional<List<String>> optional();

    /** Fetch every default and configured model, print a report and exit (non-zero when any failed). */
    @WithDefault("false")
    boolean fetchOnly();

    /** Re-hash cached files at every start instead of trusting a matching size/mtime marker. */
    @WithDefault("false")
    boolean rehashOnStart();

    Download download();

    interface Download {
        /** Allow downloads from the catalog URLs; off means cache and mirrors only (Hub models: see lma.models.hub.offline). */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("10s")
        Duration connectTimeout();

        /** Longest wait for the next bytes of a response before the attempt counts as dropped. */
        @WithDefault("60s")
        Duration readTimeout();

        /** Attempts per URL after the first one; each resumes from the bytes already on disk. */
        @WithDefault("3")
        int retries();

        @WithDefault("2s")
        Duration retryBackoff();

        /** A download slower than this over a whole stall-window has stalled: the attempt fails and is retried (resuming). */
        @WithDefault("1024")
        long minBytesPerSecond();

        @WithDefault("60s")
        Duration stallWindow();

        /** How often a running download logs percent, MB, MB/s (and, from the Hub, the ETA). */
        @WithDefault("2s")
        Duration progressInterval();
    }
}
