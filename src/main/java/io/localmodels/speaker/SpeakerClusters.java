package io.localmodels.speaker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's speakers. Online: each utterance joins the running centroid it is most alike (cosine
 * at least {@code threshold}), else starts a new speaker while fewer than {@code maxSpeakers} exist,
 * else joins the nearest. At the end, {@link #finalLabels()} clusters the whole session again,
 * because online choices are made before later voices are heard: centroids as alike as the threshold
 * merge, every utterance moves to its nearest centroid, and S1, S2, … are numbered again by first
 * appearance. Not thread-safe: a session calls it from its own pipeline, in segment order.
 */
public final class SpeakerClusters {

    /** Utterances remembered for the final pass; later ones keep their online label. */
    static final int MAX_REMEMBERED = 4096;
    private static final int REFINE_ROUNDS = 10;

    private record Entry(int segmentId, double[] unit, double weight) {
    }

    private final double threshold;
    private final int maxSpeakers;
    /** Labels already used before this process held the session (a resume after a restart): numbering goes on after them. */
    private final int labelsBefore;
    private final List<double[]> centroids = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    /** Online choice per segment: a cluster index, or -1 for "the previous utterance's speaker". */
    private final Map<Integer, Integer> online = new LinkedHashMap<>();
    private int lastCluster;

    public SpeakerClusters(double threshold, int maxSpeakers) {
        this(threshold, maxSpeakers, 0);
    }

    /**
     * {@code labelsBefore}: the session's stored lines already use S1…S{labelsBefore} (it was held by a
     * process that is gone, and its voice prints went with it): new speakers are numbered after them,
     * so that a label never names two people in one transcript. The same person may then carry two labels.
     */
    public SpeakerClusters(double threshold, int maxSpeakers, int labelsBefore) {
        this.threshold = threshold;
        this.maxSpeakers = Math.max(1, maxSpeakers);
        this.labelsBefore = Math.max(0, labelsBefore);
    }

    private String label(int cluster) {
        return "S" + (labelsBefore + cluster + 1);
    }

    /**
     * The online label of one utterance ({@code seconds} weighs it in its centroid). A null
     * embedding (the embedder failed or was too busy), or one of another size than the session's
     * first, keeps the previous utterance's speaker.
     */
    public String assign(int segmentId, float[] embedding, double seconds) {
        if (embedding == null || (!centroids.isEmpty() && centroids.get(0).length != embedding.length)) {
            // no print, or one of another embedder (the service's model changed under a live session)
            online.put(segmentId, -1);
            return label(lastCluster);
        }
        double[] u = Vectors.unit(embedding);
        int best = nearest(centroids, u);
        if (best < 0 || (Vectors.cosine(centroids.get(best), u) < threshold && centroids.size() < maxSpeakers)) {
            centroids.add(new double[u.length]);
            best = centroids.size() - 1;
        }
        double weight = Math.max(seconds, 0.1);
        Vectors.add(centroids.get(best), u, weight);
        if (entries.size() < MAX_REMEMBERED) {
            entries.add(new Entry(segmentId, u, weight));
        }
        lastCluster = best;
        online.put(segmentId, best);
        return label(best);
    }

    public int speakers() {
        return centroids.size();
    }

    /** Every assigned segment's label after clustering the whole session again. */
    public Map<Integer, String> finalLabels() {
        Map<Integer, Integer> finalCluster = new HashMap<>();
        int[] merged = new int[centroids.size()];
        for (int c = 0; c < merged.length; c++) {
            merged[c] = c;
        }
        if (!entries.isEmpty()) {
            int[] cluster = new int[entries.size()];
            for (int i = 0; i < cluster.length; i++) {
                cluster[i] = online.get(entries.get(i).segmentId());
            }
            for (int round = 0; round < REFINE_ROUNDS; round++) {
                List<double[]> means = means(cluster, centroids.size());
                mergeAlike(means, cluster, merged);
                boolean moved = false;
                for (int i = 0; i < cluster.length; i++) {
                    int n = nearest(means, entries.get(i).unit());
                    if (n >= 0 && n != cluster[i]) {
                        cluster[i] = n;
                        moved = true;
                    }
                }
                if (!moved) {
                    break;
                }
            }
            for (int i = 0; i < cluster.length; i++) {
                finalCluster.put(entries.get(i).segmentId(), cluster[i]);
            }
        }
        // S1, S2, … (after labelsBefore) by first appearance; an utterance without a vector keeps the previous speaker, one
        // past the remembered ones follows its online cluster (through merges)
        Map<Integer, String> names = new HashMap<>();
        Map<Integer, String> labels = new LinkedHashMap<>();
        int previous = 0;
        for (Map.Entry<Integer, Integer> e : online.entrySet()) {
            int c = e.getValue() < 0 ? previous : finalCluster.getOrDefault(e.getKey(), resolve(merged, e.getValue()));
            previous = c;
            labels.put(e.getKey(), names.computeIfAbsent(c, k -> label(names.size())));
        }
        return labels;
    }

    private static int resolve(int[] merged, int c) {
        while (merged[c] != c) {
            c = merged[c];
        }
        return c;
    }

    private List<double[]> means(int[] cluster, int k) {
        List<double[]> means = new ArrayList<>();
        int dim = entries.get(0).unit().length;
        for (int c = 0; c < k; c++) {
            means.add(null);
        }
        for (int i = 0; i < cluster.length; i++) {
            if (means.get(cluster[i]) == null) {
                means.set(cluster[i], new double[dim]);
            }
            Vectors.add(means.get(cluster[i]), entries.get(i).unit(), entries.get(i).weight());
        }
        return means;
    }

    /** Merges the most alike pair of clusters while it is at least as alike as the threshold. */
    private void mergeAlike(List<double[]> means, int[] cluster, int[] merged) {
        while (true) {
            int a = -1;
            int b = -1;
            double best = threshold;
            for (int i = 0; i < means.size(); i++) {
                for (int j = i + 1; j < means.size(); j++) {
                    if (means.get(i) == null || means.get(j) == null) {
                        continue;
                    }
                    double s = Vectors.cosine(means.get(i), means.get(j));
                    if (s >= best) {
                        best = s;
                        a = i;
                        b = j;
                    }
                }
            }
            if (a < 0) {
                return;
            }
            Vectors.add(means.get(a), means.get(b), 1);
            means.set(b, null);
            merged[b] = a;
            for (int i = 0; i < cluster.length; i++) {
                if (cluster[i] == b) {
                    cluster[i] = a;
                }
            }
        }
    }

    private static int nearest(List<double[]> centroids, double[] u) {
        int best = -1;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < centroids.size(); i++) {
            if (centroids.get(i) == null) {
                continue;
            }
            double s = Vectors.cosine(centroids.get(i), u);
            if (s > bestSim) {
                bestSim = s;
                best = i;
            }
        }
        return best;
    }
}
