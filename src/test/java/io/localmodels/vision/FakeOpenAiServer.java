package io.localmodels.vision;

import io.localmodels.testing.FakeChatServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.util.Map;

/**
 * The loopback chat-completions server ({@link FakeChatServer}) as the VLM, answering as the test
 * chooses: plain text, JSON with risks, HTTP 500, a stall past the client's timeout, or a body that
 * is not JSON.
 */
public class FakeOpenAiServer implements QuarkusTestResourceLifecycleManager {

    enum Mode { TEXT, JSON_RISKS, ERROR_500, STALL, MALFORMED }

    static volatile Mode mode = Mode.TEXT;
    static final String TEXT = "Un perro junto a una bicicleta.";
    static final String KEY = "sk-test-4f9a21";
    static volatile FakeChatServer server;

    /** Back to a plain-text answer with nothing recorded: each test starts from here, whatever ran before. */
    static void reset() {
        mode = Mode.TEXT;
        server.reset();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = new FakeChatServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.answerWith(request -> switch (mode) {
            case ERROR_500 -> new FakeChatServer.Reply(500, "{\"error\":{\"message\":\"model crashed\"}}", 0);
            case STALL -> new FakeChatServer.Reply(200, FakeChatServer.completion("too late"), 3000);
            case MALFORMED -> new FakeChatServer.Reply(200, "{\"choices\": [ this is not json", 0);
            case JSON_RISKS -> FakeChatServer.Reply.content("{\"description\": \"Un cuchillo sobre la mesa.\", \"risks\": "
                    + "[{\"level\": \"high\", \"message\": \"Cuchillo al alcance.\", \"reason\": \"filo expuesto\"}]}");
            case TEXT -> FakeChatServer.Reply.content(TEXT);
        });
        return Map.of("lma.vision.vlm.base-url", server.baseUrl(),
                "lma.vision.vlm.model", "qwen2.5vl-test",
                "lma.vision.vlm.api-key", KEY,
                "lma.vision.vlm.timeout", "1s",
                "lma.vision.vlm.failure-threshold", "2",
                "lma.vision.vlm.open-duration", "2s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
