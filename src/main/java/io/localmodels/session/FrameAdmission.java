package io.localmodels.session;

import io.localmodels.audio.AudioDecoder;
import io.localmodels.audio.StreamFormat;

import java.util.Arrays;

/**
 * Which audio messages a session takes, so that what it holds never has a hole: re-sent chunks
 * (ids already taken) are skipped; a message that does not fit the buffer is refused, and from then
 * on every message is refused until the client continues at the refused position (the refused
 * chunk's id, or a {@code resume_audio} naming the byte offset), so later audio can never be taken
 * in front of a gap. Called from the transport's threads; the pipeline reports processed bytes.
 */
public final class FrameAdmission {

    /** Where the audio the session holds ends: what a client re-sends from after a refusal. */
    public record Position(long receivedBytes, long receivedSamples, Long resumeChunkId) {
    }

    public sealed interface Decision {
        /** {@code taken}: the message, or its tail when its head repeats audio already held (resume_audio behind the end). */
        record Accepted(byte[] taken) implements Decision {
        }

        /** A chunk id already taken: nothing to do. */
        record Duplicate() implements Decision {
        }

        /** Not taken. {@code tell}: the client should hear about it (first refusal, a retry, or a reminder). */
        record Refused(Position position, boolean tell) implements Decision {
        }

        record Ended() implements Decision {
        }
    }

    private static final long REMIND_NANOS = 1_000_000_000L;

    private final StreamFormat format;
    private final long maxBufferedBytes;
    private long pendingBytes;
    private long acceptedBytes;
    private long acceptedSamples;
    private Long lastChunkId;
    private boolean closed;
    /** Non-null while refusing: the position every message is refused until the client resumes there. */
    private Position gap;
    private long lastToldNanos;
    /** Bytes of plain audio still to skip: a resume_audio named an offset before the end of what is held. */
    private long skip;

    FrameAdmission(StreamFormat format, long maxBufferedBytes, AudioCheckpoint from) {
        this.format = format;
        this.maxBufferedBytes = maxBufferedBytes;
        if (from != null) {
            this.acceptedBytes = from.bytes();
            this.acceptedSamples = from.samples();
            this.lastChunkId = from.lastChunkId();
        }
    }

    synchronized Decision offer(byte[] bytes, Long chunkId) {
        if (closed) {
            return new Decision.Ended();
        }
        if (chunkId != null && lastChunkId != null && chunkId <= lastChunkId) {
            return new Decision.Duplicate();
        }
        if (skip > 0 && chunkId == null) {
            if (bytes.length <= skip) {
                skip -= bytes.length;
                return new Decision.Duplicate();
            }
            bytes = Arrays.copyOfRange(bytes, (int) skip, bytes.length);
            skip = 0;
        }
        boolean atResumePoint = gap != null && chunkId != null && chunkId.equals(gap.resumeChunkId());
        if (gap != null && !atResumePoint) {
            long now = System.nanoTime();
            boolean remind = now - lastToldNanos >= REMIND_NANOS;
            if (remind) {
                lastToldNanos = now;
            }
            return new Decision.Refused(gap, remind);
        }
        if (pendingBytes + bytes.length > maxBufferedBytes) {
            gap = new Position(acceptedBytes, acceptedSamples, chunkId);
            lastToldNanos = System.nanoTime();
            return new Decision.Refused(gap, true);
        }
        gap = null;
        acceptedSamples += AudioDecoder.samplesIn(format, acceptedBytes, bytes.length, bytes);
        acceptedBytes += bytes.length;
        pendingBytes += bytes.length;
        if (chunkId != null) {
            lastChunkId = chunkId;
        }
        return new Decision.Accepted(bytes);
    }

    /**
     * The client says the plain audio it sends next starts at byte {@code receivedBytes}; refusing
     * stops. An offset before the end of what is held (the client acted on an older error) is fine:
     * the bytes up to the end are skipped as re-sends. An offset beyond it would leave a hole: then
     * everything is refused until a resume_audio names the end. Answers whether it was taken, and the
     * position the session holds.
     */
    synchronized boolean resume(long receivedBytes) {
        if (closed) {
            return receivedBytes == acceptedBytes;
        }
        if (receivedBytes > acceptedBytes) {
            gap = new Position(acceptedBytes, acceptedSamples, gap == null ? null : gap.resumeChunkId());
            lastToldNanos = System.nanoTime();
            return false;
        }
        gap = null;
        skip = acceptedBytes - receivedBytes;
        return true;
    }

    /** A new connection took the session: its config_ack states the position, so it continues from there. */
    synchronized void reattached() {
        if (gap != null && gap.resumeChunkId() == null) {
            gap = null;
        }
    }

    synchronized Position position() {
        return new Position(acceptedBytes, acceptedSamples, gap == null ? null : gap.resumeChunkId());
    }

    /** From now on nothing is taken (a drain, the end). */
    synchronized void close() {
        closed = true;
    }

    /** end_of_stream: closes, unless audio is being refused (the session would end with a hole); then answers that position. */
    synchronized Position closeUnlessRefusing() {
        if (gap != null && !closed) {
            return gap;
        }
        closed = true;
        return null;
    }

    synchronized void processed(int bytes) {
        pendingBytes -= bytes;
    }
}
