package io.localmodels.session;

/**
 * A point up to which a session's audio is durably accounted for: every utterance before it is
 * transcribed and stored, and no speech was open there. After a restart the session resumes here.
 *
 * @param samples     decoded samples per channel before this point
 * @param bytes       audio bytes the client sent before this point (where it re-sends from)
 * @param lastChunkId the highest audio_chunk id among them (null: none carried one)
 * @param sha256      SHA-256 of those samples, as {@code config_ack.audio_sha256} reports it
 * @param digestState the running SHA-256 state, to continue the hash
 */
public record AudioCheckpoint(int sampleRate, String encoding, int channels, long samples, long bytes, Long lastChunkId,
                              String sha256, String digestState) {
}
