package io.localmodels.testing;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What the /ws/audio tests of several packages send and look for: PCM in frames of the app's size, boundaries, the final result. */
public final class AudioSocketMessages {

    private AudioSocketMessages() {
    }

    /** 20 ms frames, every other one a byte longer, so that frame edges never line up with samples. */
    public static void sendFrames(WsClient ws, byte[] pcm, int from, int to) throws Exception {
        for (int pos = from; pos < to; ) {
            int n = Math.min(640 + (pos / 640) % 2, to - pos);
            ws.binary(Arrays.copyOfRange(pcm, pos, pos + n));
            pos += n;
        }
    }

    /** speech_stopped events by segment id. */
    public static Map<Integer, JsonObject> stops(List<JsonObject> messages) {
        Map<Integer, JsonObject> out = new TreeMap<>();
        for (JsonObject m : messages) {
            if ("speech_stopped".equals(m.getString("type"))) {
                assertFalse(out.containsKey(m.getInteger("segment_id")), "segment delivered twice: " + m);
                out.put(m.getInteger("segment_id"), m);
            }
        }
        return out;
    }

    public static JsonObject finalResult(List<JsonObject> messages) {
        List<JsonObject> finals = messages.stream().filter(m -> "final_result".equals(m.getString("type"))).toList();
        assertEquals(1, finals.size(), "exactly one final_result: " + messages);
        return finals.get(0);
    }
}
