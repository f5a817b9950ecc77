package io.localmodels.audio;

/**
 * One stream's way from the client's bytes to what the VAD and Whisper take: decode (PCM16 or
 * Opus) to interleaved 16-bit samples, then downmix to mono and resample to the target rate. The two
 * steps are apart because the session fingerprints and stores the decoded samples as they came.
 * Not thread-safe: one stream, one caller at a time.
 */
public final class AudioFrontEnd {

    private final AudioDecoder decoder;
    private final Resampler resampler;
    private final int channels;

    public AudioFrontEnd(StreamFormat format, int targetRate) {
        this.decoder = AudioDecoder.forFormat(format);
        this.resampler = Resampler.create(format.sampleRate(), targetRate);
        this.channels = format.channels();
    }

    /** Interleaved samples of this frame; bytes of an incomplete sample wait for the next one. */
    public short[] decode(byte[] frame) throws CorruptAudioException {
        return decoder.decode(frame);
    }

    /** Mono at the target rate for decoded samples; the resampler keeps what it still needs. */
    public float[] toTarget(short[] interleaved) {
        return resampler.process(Downmix.toMonoFloat(interleaved, channels));
    }

    /** The resampler's remaining output once the stream has ended. */
    public float[] flush() {
        return resampler.flush();
    }

    /** Bytes received but not yet decoded (part of a PCM sample); 0 for Opus. */
    public int pendingBytes() {
        return decoder.pendingBytes();
    }
}
