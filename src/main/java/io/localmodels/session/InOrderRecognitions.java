package io.localmodels.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A session's utterances come back from the ASR pool in any order; they are released in segment
 * order. An audio checkpoint waits here too, until every utterance before it has been released (so
 * a checkpoint is never stored ahead of a segment it covers).
 */
final class InOrderRecognitions {

    /** What the session does with each released outcome; called in segment order, one at a time. */
    interface Release {
        void transcribed(Recognition recognition);

        void failed(int segmentId, Throwable cause);

        void checkpoint(AudioCheckpoint checkpoint);
    }

    private sealed interface Outcome {
        record Done(Recognition recognition) implements Outcome {
        }

        record Failed(Throwable cause) implements Outcome {
        }
    }

    /** A checkpoint that may be stored once segment {@code after} is released. */
    private record Waiting(AudioCheckpoint checkpoint, int after) {
    }

    private final Release release;
    private final ArrayDeque<Integer> awaiting = new ArrayDeque<>();
    private final Map<Integer, Outcome> answered = new HashMap<>();
    private final ArrayDeque<Waiting> checkpoints = new ArrayDeque<>();
    private final List<Recognition> transcript = new ArrayList<>();
    private CompletableFuture<Void> drained;

    InOrderRecognitions(Release release) {
        this.release = release;
    }

    synchronized void expect(int segmentId) {
        awaiting.add(segmentId);
    }

    void answered(int segmentId, Recognition recognition, Throwable failure) {
        Outcome outcome = failure == null ? new Outcome.Done(recognition)
                : new Outcome.Failed(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
        synchronized (this) {
            answered.put(segmentId, outcome);
            AudioCheckpoint due = null;
            while (!awaiting.isEmpty() && answered.containsKey(awaiting.peek())) {
                int id = awaiting.poll();
                Outcome next = answered.remove(id);
                if (next instanceof Outcome.Done d) {
                    transcript.add(d.recognition());
                    release.transcribed(d.recognition());
                } else if (next instanceof Outcome.Failed f) {
                    release.failed(id, f.cause());
                }
                while (!checkpoints.isEmpty() && checkpoints.peek().after() <= id) {
                    due = checkpoints.poll().checkpoint();
                }
            }
            if (due != null) {
                release.checkpoint(due);
            }
            if (awaiting.isEmpty() && drained != null) {
                drained.complete(null);
            }
        }
    }

    /** Stores {@code checkpoint} now, or once the utterances still awaited are released. */
    synchronized void checkpoint(AudioCheckpoint checkpoint) {
        if (awaiting.isEmpty()) {
            release.checkpoint(checkpoint);
            return;
        }
        int after = awaiting.peekLast();
        // a newer checkpoint behind the same utterance replaces the older one: at most one per utterance awaited
        if (!checkpoints.isEmpty() && checkpoints.peekLast().after() == after) {
            checkpoints.pollLast();
        }
        checkpoints.add(new Waiting(checkpoint, after));
    }

    /** Completes when every utterance expected so far has been released; one future for every waiter. */
    synchronized CompletionStage<Void> drained() {
        if (awaiting.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (drained == null || drained.isDone()) {
            drained = new CompletableFuture<>();
        }
        return drained;
    }

    synchronized List<Recognition> transcript() {
        return List.copyOf(transcript);
    }
}
