package io.localmodels.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recognitions answered in any order are released in segment order; checkpoints never overtake them. */
class InOrderRecognitionsTest {

    /** Records what was released, in order: "text:N", "failed:N:message", "checkpoint:samples". */
    static final class Log implements InOrderRecognitions.Release {
        final List<String> released = new ArrayList<>();

        @Override
        public void transcribed(Recognition r) {
            released.add("text:" + r.segmentId());
        }

        @Override
        public void failed(int segmentId, Throwable cause) {
            released.add("failed:" + segmentId + ":" + cause.getMessage());
        }

        @Override
        public void checkpoint(AudioCheckpoint checkpoint) {
            released.add("checkpoint:" + checkpoint.samples());
        }
    }

    static Recognition recognition(int id) {
        return new Recognition(id, id, id + 0.5, "segment " + id, "en", -0.2, 0.01, null, List.of());
    }

    static AudioCheckpoint checkpoint(long samples) {
        return new AudioCheckpoint(16000, "pcm16", 1, samples, samples * 2, null, "x", "y");
    }

    @Test
    void answersInAnyOrderAreReleasedInSegmentOrder() {
        Log log = new Log();
        InOrderRecognitions r = new InOrderRecognitions(log);
        r.expect(1);
        r.expect(2);
        r.expect(3);
        r.answered(3, recognition(3), null);
        r.answered(2, null, new CompletionException(new IllegalStateException("decoder fault")));
        assertEquals(List.of(), log.released, "nothing goes before segment 1");
        CompletionStage<Void> drained = r.drained();
        assertFalse(drained.toCompletableFuture().isDone());
        r.answered(1, recognition(1), null);
        // the failure is released in its place, unwrapped from the CompletionException
        assertEquals(List.of("text:1", "failed:2:decoder fault", "text:3"), log.released);
        assertTrue(drained.toCompletableFuture().isDone());
        assertEquals(List.of(1, 3), r.transcript().stream().map(Recognition::segmentId).toList());
    }

    @Test
    void aCheckpointWaitsForTheUtterancesBeforeItAndOnlyTheNewestIsKept() {
        Log log = new Log();
        InOrderRecognitions r = new InOrderRecognitions(log);
        r.checkpoint(checkpoint(100));
        assertEquals(List.of("checkpoint:100"), log.released, "nothing awaited: stored at once");
        r.expect(1);
        r.checkpoint(checkpoint(200));
        r.checkpoint(checkpoint(300));
        r.expect(2);
        r.checkpoint(checkpoint(400));
        r.answered(2, recognition(2), null);
        assertEquals(List.of("checkpoint:100"), log.released, "segment 1 is still awaited");
        r.answered(1, recognition(1), null);
        // 300 replaced 200 (both behind segment 1); the newest due one after segment 2 is 400
        assertEquals(List.of("checkpoint:100", "text:1", "text:2", "checkpoint:400"), log.released);
    }

    @Test
    void aCheckpointBehindAnUtteranceStillAwaitedIsStoredWhenItsUtteranceIs() {
        Log log = new Log();
        InOrderRecognitions r = new InOrderRecognitions(log);
        r.expect(1);
        r.checkpoint(checkpoint(200));
        r.expect(2);
        r.answered(1, recognition(1), null);
        assertEquals(List.of("text:1", "checkpoint:200"), log.released, "segment 2 came after the checkpoint: it does not hold it");
        assertFalse(r.drained().toCompletableFuture().isDone());
        r.answered(2, recognition(2), null);
        assertTrue(r.drained().toCompletableFuture().isDone());
    }
}
