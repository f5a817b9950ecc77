package io.localmodels.audio;

/** Turns the client's frames into interleaved 16-bit samples; keeps whatever state spans frames. */
public interface AudioDecoder {

    /** Decoded interleaved samples of this frame (possibly none, e.g. half a PCM sample). */
    short[] decode(byte[] frame) throws CorruptAudioException;

    /** Bytes held back for the next frame (half a PCM sample or stereo frame); 0 for Opus. */
    default int pendingBytes() {
        return 0;
    }

    /**
     * Samples per channel that {@code frame} will decode to, known before decoding it: from the byte
     * count for PCM16 ({@code bytesBefore} is the stream's byte count before this frame), from the
     * packet's TOC for Opus (0 for a packet that will not decode).
     */
    static long samplesIn(StreamFormat format, long bytesBefore, int frameLength, byte[] frame) {
        return switch (format.encoding()) {
            case PCM16 -> {
                int perFrame = 2 * format.channels();
                yield (bytesBefore + frameLength) / perFrame - bytesBefore / perFrame;
            }
            case OPUS -> OpusPacketDecoder.samplesPerChannel(frame, format.sampleRate());
        };
    }

    static AudioDecoder forFormat(StreamFormat format) {
        return switch (format.encoding()) {
            case PCM16 -> new Pcm16Decoder(format.channels());
            case OPUS -> new OpusPacketDecoder(format.sampleRate(), format.channels());
        };
    }
}
