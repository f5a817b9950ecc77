package io.localmodels.vad;

/** Speech boundaries in samples at 16 kHz since the stream's first sample. */
public sealed interface SegmentEvent {

    /** Emitted once the speech is long enough to be kept; {@code start} includes the padding. */
    record Started(long start) implements SegmentEvent {
    }

    /** A finished utterance, padded. */
    record Stopped(long start, long end) implements SegmentEvent {
    }
}
