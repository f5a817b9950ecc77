package io.localmodels.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.testing.FakeChatServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one OpenAI chat-completions client of the analysis and the VLM, against the loopback server. */
class OpenAiChatClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeChatServer server;
    private OpenAiChatClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeChatServer();
        client = new OpenAiChatClient(URI.create(server.baseUrl() + "/"), Optional.of("sk-abc"), Duration.ofMillis(800), "test server");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ObjectNode body() {
        return JSON.createObjectNode().put("model", "m");
    }

    @Test
    void anAnswersTextComesBackWithTheKeySent() throws Exception {
        server.then(FakeChatServer.Reply.content("hola"));
        assertEquals(Optional.of("hola"), OpenAiChatClient.content(client.complete(body())));
        assertEquals("Bearer sk-abc", server.authorizations().get(0));
        assertEquals("m", server.requests().get(0).path("model").asText());
    }

    @Test
    void textPartsAreJoinedAndAFenceIsDropped() throws Exception {
        server.then(new FakeChatServer.Reply(200, "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                + "{\"type\":\"text\",\"text\":\"b\"}]}}]}", 0));
        assertEquals(Optional.of("ab"), OpenAiChatClient.content(client.complete(body())));
        assertEquals("{\"x\":1}", OpenAiChatClient.withoutCodeFence("```json\n{\"x\":1}\n```"));
        assertEquals(Optional.empty(), OpenAiChatClient.content(JSON.createObjectNode()));
    }

    @Test
    void failuresSayWhetherToTryAgain() {
        server.then(new FakeChatServer.Reply(400, "{\"error\":\"response_format not supported\"}", 0))
                .then(new FakeChatServer.Reply(503, "{}", 0))
                .then(new FakeChatServer.Reply(429, "{}", 0))
                .then(new FakeChatServer.Reply(200, "not json", 0))
                .then(new FakeChatServer.Reply(200, FakeChatServer.completion("late"), 3000));
        OpenAiChatClient.ChatFailure bad = assertThrows(OpenAiChatClient.ChatFailure.class, () -> client.complete(body()));
        assertEquals(400, bad.status());
        assertTrue(bad.body().contains("response_format"));
        assertFalse(bad.retryable());
        assertTrue(assertThrows(OpenAiChatClient.ChatFailure.class, () -> client.complete(body())).retryable(), "503");
        assertTrue(assertThrows(OpenAiChatClient.ChatFailure.class, () -> client.complete(body())).retryable(), "429");
        assertEquals(OpenAiChatClient.ChatFailure.Kind.NOT_JSON, assertThrows(OpenAiChatClient.ChatFailure.class, () -> client.complete(body())).kind());
        OpenAiChatClient.ChatFailure late = assertThrows(OpenAiChatClient.ChatFailure.class, () -> client.complete(body()));
        assertEquals(OpenAiChatClient.ChatFailure.Kind.TIMEOUT, late.kind());
        assertFalse(late.getMessage().contains("sk-abc"));
    }

    @Test
    void urlsLoseTheirCredentialsForLogs() {
        assertEquals("http://host:8000/v1", OpenAiChatClient.redact(URI.create("http://user:secret@host:8000/v1?key=abc")));
    }
}
