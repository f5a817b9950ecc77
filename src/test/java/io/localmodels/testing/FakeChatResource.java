package io.localmodels.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.util.Map;

/** A loopback chat-completions server as the service's analysis engine. */
public class FakeChatResource implements QuarkusTestResourceLifecycleManager {

    public static volatile FakeChatServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = new FakeChatServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("lma.analysis.base-url", server.baseUrl(), "lma.analysis.model", "fake-llm", "lma.analysis.timeout", "5s",
                "lma.analysis.retries", "1", "lma.analysis.retry-backoff", "10ms");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
