package io.localmodels.audio;

/** Turns the client's frames into interleaved 16-bit samples; keeps whatever state spans frames. */
public interface AudioDecoder {

    /** Decoded interleaved samples of this frame (possibly none, e.g. half a PCM sample). */
    short[] decode(byte[] frame) throws CorruptAudioException;

    static AudioDecoder forFormat(StreamFormat format) {
        return switch (format.encoding()) {
            case PCM16 -> new Pcm16Decoder(format.channels());
            case OPUS -> new OpusPacketDecoder(format.sampleRate(), format.channels());
        };
    }
}
