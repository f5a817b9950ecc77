package io.localmodels.audio;

/** Streaming sample-rate conversion of mono float audio. */
public interface Resampler {

    /** Output for the samples so far; keeps what it still needs for the next call. */
    float[] process(float[] input);

    /** The remaining output once the input has ended. */
    float[] flush();

    static Resampler create(int fromRate, int toRate) {
        return fromRate == toRate ? Identity.INSTANCE : new PolyphaseResampler(fromRate, toRate);
    }

    final class Identity implements Resampler {
        static final Identity INSTANCE = new Identity();

        @Override
        public float[] process(float[] input) {
            return input;
        }

        @Override
        public float[] flush() {
            return new float[0];
        }
    }
}
