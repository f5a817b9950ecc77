package io.localmodels.speaker;

/** Small vector arithmetic for embeddings. */
final class Vectors {

    private Vectors() {
    }

    /** A unit-length copy (all zeros stay zeros). */
    static double[] unit(float[] v) {
        double[] out = new double[v.length];
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        n = Math.sqrt(n);
        for (int i = 0; i < v.length; i++) {
            out[i] = n == 0 ? 0 : v[i] / n;
        }
        return out;
    }

    static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** {@code into += weight * v}. */
    static void add(double[] into, double[] v, double weight) {
        for (int i = 0; i < into.length; i++) {
            into[i] += weight * v[i];
        }
    }
}
