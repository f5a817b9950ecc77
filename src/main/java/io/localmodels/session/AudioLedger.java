package io.localmodels.session;

import io.localmodels.audio.StreamFormat;

import java.time.Duration;

/**
 * A session's account of the audio it took: bytes (corrupt frames included, so that resume offsets
 * match what the client sent), the last chunk id, samples and their fingerprint; and the checkpoints
 * that carry this account to the store, so that a restart continues exactly where it ends.
 * Pipeline-thread state.
 */
final class AudioLedger {

    private final StreamFormat format;
    private final AudioFingerprint fingerprint;
    private final long checkpointEverySamples;
    private long bytes;
    private Long lastChunkId;
    private long checkpointedSamples;

    AudioLedger(StreamFormat format, AudioCheckpoint from, Duration checkpointEvery) {
        this.format = format;
        this.fingerprint = from != null ? new AudioFingerprint(format.channels(), from) : new AudioFingerprint(format.channels());
        this.bytes = from != null ? from.bytes() : 0;
        this.lastChunkId = from != null ? from.lastChunkId() : null;
        this.checkpointedSamples = fingerprint.samples();
        this.checkpointEverySamples = Math.max(1, checkpointEvery.toMillis() * format.sampleRate() / 1000);
    }

    /** A frame decoded to {@code pcm} (interleaved). */
    void decoded(short[] pcm, int frameBytes, Long chunkId) {
        fingerprint.add(pcm);
        bytes += frameBytes;
        if (chunkId != null) {
            lastChunkId = chunkId;
        }
    }

    /** A frame that could not be decoded: dropped, but its bytes were received. */
    void dropped(int frameBytes) {
        bytes += frameBytes;
    }

    /** Samples per channel so far. */
    long samples() {
        return fingerprint.samples();
    }

    /** The session's length, to the millisecond. */
    double seconds() {
        return UtteranceRelay.round(fingerprint.samples() / (double) format.sampleRate());
    }

    String sha256() {
        return fingerprint.sha256();
    }

    long bytes() {
        return bytes;
    }

    Long lastChunkId() {
        return lastChunkId;
    }

    /** Whether enough audio came since the last periodic checkpoint (lma.session.checkpoint-interval); if so, it counts as taken now. */
    boolean checkpointDue() {
        if (fingerprint.samples() - checkpointedSamples < checkpointEverySamples) {
            return false;
        }
        checkpointedSamples = fingerprint.samples();
        return true;
    }

    /** Where the session stands; {@code heldBytes}: received bytes the decoder still holds (not yet samples). */
    AudioCheckpoint checkpoint(long heldBytes) {
        return new AudioCheckpoint(format.sampleRate(), format.encoding().wireName(), format.channels(), fingerprint.samples(),
                bytes - heldBytes, lastChunkId, fingerprint.sha256(), fingerprint.state());
    }
}
