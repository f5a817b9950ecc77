package io.localmodels.session;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** {@code lma.session.*}: session lifetime and the session store. */
@ConfigMapping(prefix = "lma.session")
public interface SessionConfig {

    /** How long a session whose socket dropped without end_of_stream can be resumed. */
    @WithDefault("120s")
    Duration resumeWindow();

    /**
     * How often (in audio time, at pauses in speech) a session stores where its audio is accounted for;
     * after a crash a resumed session continues from its last checkpoint.
     */
    @WithDefault("5s")
    Duration checkpointInterval();

    /** Undelivered events kept for a detached session, delivered when it resumes. */
    @WithDefault("1000")
    int maxUndeliveredEvents();

    enum Store { EMBEDDED, POSTGRES }

    /** embedded (a journal under data-dir) or postgres (quarkus.datasource.* names the database). */
    @WithDefault("embedded")
    Store store();

    /** Folder of the embedded store (and of kept audio). */
    @WithDefault("data")
    Path dataDir();

    /** Stored sessions older than this (by their last change) are deleted. */
    @WithDefault("30d")
    Duration retention();

    /** Keep each session's decoded audio (16-bit PCM at its own rate) under data-dir/audio. */
    @WithDefault("false")
    boolean keepAudio();

    /** On shutdown, how long open sessions may take to finish what they accepted before they are told to reconnect. */
    @WithDefault("20s")
    Duration drainTimeout();

    /** The wait the reconnect message suggests to clients. */
    @WithDefault("1s")
    Duration reconnectAfter();

    /** Force every journal append to disk (embedded store). */
    @WithDefault("true")
    boolean fsync();

    /**
     * Segment and checkpoint writes that may wait for a slow store; beyond it they are dropped and
     * counted (lma_session_store_writes_dropped_total), never run on an audio or ASR thread.
     */
    @WithDefault("10000")
    int storeWriteQueue();

    /**
     * Bytes of store writes kept on local disk (data-dir/store-backlog.jsonl) while the store cannot be
     * reached, replayed in order once it can; past it further writes are dropped and counted.
     */
    @WithDefault("64M")
    MemorySize storeBacklogMax();

    /** Longest wait between two attempts to replay the backlog (the wait doubles from 1 s up to it). */
    @WithDefault("30s")
    Duration storeRetryMaxBackoff();
}
