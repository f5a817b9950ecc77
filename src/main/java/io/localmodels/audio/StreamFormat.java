package io.localmodels.audio;

import java.util.Set;

/** The format a client declares for its audio stream, validated against what the decoders take. */
public record StreamFormat(int sampleRate, AudioEncoding encoding, int channels) {

    public static final Set<Integer> PCM_RATES = Set.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000);
    public static final Set<Integer> OPUS_RATES = Set.of(8000, 12000, 16000, 24000, 48000);

    public StreamFormat {
        if (encoding == null) {
            throw new IllegalArgumentException("encoding must be pcm16 or opus");
        }
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels must be 1 or 2, got " + channels);
        }
        Set<Integer> rates = encoding == AudioEncoding.OPUS ? OPUS_RATES : PCM_RATES;
        if (!rates.contains(sampleRate)) {
            throw new IllegalArgumentException("sample_rate " + sampleRate + " is not supported for " + encoding.wireName()
                    + "; use one of " + rates.stream().sorted().toList());
        }
    }
}
