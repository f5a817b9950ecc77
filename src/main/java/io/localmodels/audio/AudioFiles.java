package io.localmodels.audio;

import io.localmodels.audio.WavFile.UnsupportedAudioException;

import java.util.OptionalInt;

/**
 * The one place an uploaded audio file (a transcription upload, a Gemini inline part) becomes 16 kHz
 * mono samples. Headerless PCM16 when the client names its rate; otherwise the container its first
 * bytes show, whatever the client called it, since apps label recordings loosely. A file whose length
 * is written on it (Ogg pages) is refused for length before any of it is decoded.
 */
public final class AudioFiles {

    /** The containers the service reads, told by their first bytes. */
    public enum Container { WAV, OGG_OPUS, UNKNOWN }

    private AudioFiles() {
    }

    public static Container sniff(byte[] bytes) {
        if (OggOpusFile.looksLikeOgg(bytes)) {
            return Container.OGG_OPUS;
        }
        return WavFile.looksLikeWav(bytes) ? Container.WAV : Container.UNKNOWN;
    }

    /**
     * The file as 16 kHz mono. With {@code rawPcmRate} the bytes are PCM16 mono little-endian at that rate
     * with no header (a rate out of range is refused); without, the container is sniffed. Longer than
     * {@code maxSeconds}: {@link TooLongException}.
     */
    public static WavFile.Decoded decode(byte[] bytes, OptionalInt rawPcmRate, double maxSeconds)
            throws UnsupportedAudioException, TooLongException {
        WavFile.Decoded audio;
        if (rawPcmRate.isPresent()) {
            audio = WavFile.pcm16(bytes, rawPcmRate.getAsInt());
        } else {
            audio = switch (sniff(bytes)) {
                case OGG_OPUS -> {
                    OggOpusFile ogg = OggOpusFile.read(bytes);
                    refuseLonger(ogg.seconds(), maxSeconds);
                    yield ogg.decode();
                }
                case WAV -> WavFile.decode(bytes);
                case UNKNOWN -> throw new UnknownContainerException();
            };
        }
        refuseLonger(audio.seconds(), maxSeconds);
        return audio;
    }

    private static void refuseLonger(double seconds, double maxSeconds) throws TooLongException {
        if (seconds > maxSeconds) {
            throw new TooLongException(seconds, maxSeconds);
        }
    }

    /** Bytes that are none of the containers the service reads (and no raw PCM rate was given). */
    public static final class UnknownContainerException extends UnsupportedAudioException {
        UnknownContainerException() {
            super(WavFile.NOT_WAV);
        }
    }

    /** A file longer than the caller takes; {@code seconds} is its length. */
    public static final class TooLongException extends Exception {
        private final double seconds;

        TooLongException(double seconds, double maxSeconds) {
            super("audio of " + seconds + " s; at most " + maxSeconds + " s");
            this.seconds = seconds;
        }

        public double seconds() {
            return seconds;
        }
    }
}
