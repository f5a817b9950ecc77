package io.localmodels.session;

import io.localmodels.audio.SampleArrays;
import org.bouncycastle.crypto.digests.SHA256Digest;

import java.util.Base64;
import java.util.HexFormat;

/**
 * What the server holds of a session's audio: decoded samples per channel, and the SHA-256 of every
 * decoded sample (16-bit little-endian, interleaved). The digest's running state can be saved with
 * a checkpoint and restored after a restart, so {@code audio_sha256} still covers the whole session.
 */
final class AudioFingerprint {

    private final int channels;
    private final SHA256Digest digest;
    private long samples;

    AudioFingerprint(int channels) {
        this.channels = channels;
        this.digest = new SHA256Digest();
    }

    /** Continues from a saved checkpoint. */
    AudioFingerprint(int channels, AudioCheckpoint from) {
        this.channels = channels;
        this.digest = new SHA256Digest(Base64.getDecoder().decode(from.digestState()));
        this.samples = from.samples();
    }

    void add(short[] interleaved) {
        byte[] le = SampleArrays.littleEndian(interleaved);
        digest.update(le, 0, le.length);
        samples += interleaved.length / channels;
    }

    /** Samples per channel so far. */
    long samples() {
        return samples;
    }

    String sha256() {
        SHA256Digest copy = new SHA256Digest(digest);
        byte[] out = new byte[copy.getDigestSize()];
        copy.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }

    /** The digest's running state, to be restored by {@link #AudioFingerprint(int, AudioCheckpoint)}. */
    String state() {
        return Base64.getEncoder().encodeToString(digest.getEncodedState());
    }
}
