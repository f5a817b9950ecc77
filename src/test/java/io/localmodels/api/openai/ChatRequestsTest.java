package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.api.errors.ApiException;
import io.localmodels.llm.ChatMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an OpenAI chat-completions body becomes, and every refusal naming its field. */
class ChatRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatRequests.ChatCall read(String body) throws Exception {
        return ChatRequests.read(JSON.readTree(body), 2048, 16384);
    }

    private static String refusal(String body) {
        ApiException e = assertThrows(ApiException.class, () -> read(body));
        assertEquals(400, e.status());
        assertEquals("invalid_request", e.code());
        return e.getMessage();
    }

    @Test
    void aFullRequestIsReadAsOpenAiMeansIt() throws Exception {
        ChatRequests.ChatCall c = read("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"developer\",\"content\":\"Sé breve.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hola, \"},{\"type\":\"text\",\"text\":\"¿qué tal?\"}]}],"
                + "\"temperature\":0.3,\"top_p\":0.9,\"max_tokens\":50,\"max_completion_tokens\":70,\"stop\":[\"\\n\\n\",\"FIN\"],"
                + "\"seed\":42,\"n\":null,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"tools\":[]}");
        assertEquals(List.of(new ChatMessage("system", "Sé breve."), new ChatMessage("user", "Hola, ¿qué tal?")), c.messages());
        assertEquals(0.3, c.temperature());
        assertEquals(0.9, c.topP());
        assertEquals(70, c.maxTokens(), "max_completion_tokens wins over the older max_tokens");
        assertEquals(List.of("\n\n", "FIN"), c.stop());
        assertEquals(42, c.seed());
        assertTrue(c.stream() && c.includeUsage());
        assertNull(c.grammar());
    }

    @Test
    void defaultsApplyToWhatIsNotSaid() throws Exception {
        ChatRequests.ChatCall c = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hola\"}],\"stop\":\"FIN\"}");
        assertEquals(1.0, c.temperature());
        assertEquals(2048, c.maxTokens());
        assertEquals(-1, c.seed());
        assertEquals(List.of("FIN"), c.stop());
        assertTrue(!c.stream());
    }

    @Test
    void responseFormatsBecomeGrammars() throws Exception {
        String obj = read("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_object\"}}").grammar();
        assertTrue(obj != null && obj.contains("root ::="), obj);
        String schema = read("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"object\",\"properties\":{\"ciudad\":{\"type\":\"string\"}},"
                + "\"required\":[\"ciudad\"]}}}}").grammar();
        assertTrue(schema.contains("\\\"ciudad\\\""), schema);
        assertNull(read("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"text\"}}").grammar());
    }

    @Test
    void whatCannotBeServedIsRefusedNamingTheField() {
        assertTrue(refusal("[]").contains("JSON object"));
        assertTrue(refusal("{\"messages\":[]}").contains("'messages'"));
        assertTrue(refusal("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}").contains("messages[0].role"));
        assertTrue(refusal("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}")
                .contains("only text parts"));
        String user = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],";
        assertTrue(refusal(user + "\"tools\":[{\"type\":\"function\"}]}").contains("'tools'"));
        assertTrue(refusal(user + "\"n\":2}").contains("'n'"));
        assertTrue(refusal(user + "\"temperature\":2.5}").contains("'temperature'"));
        assertTrue(refusal(user + "\"top_p\":0}").contains("'top_p'"));
        assertTrue(refusal(user + "\"max_tokens\":0}").contains("'max_tokens'"));
        assertTrue(refusal(user + "\"max_tokens\":20000}").contains("16384"));
        assertTrue(refusal(user + "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}").contains("'stop'"));
        assertTrue(refusal(user + "\"stream\":\"yes\"}").contains("'stream'"));
        assertTrue(refusal(user + "\"seed\":\"x\"}").contains("'seed'"));
        assertTrue(refusal(user + "\"response_format\":{\"type\":\"yaml\"}}").contains("response_format.type"));
        assertTrue(refusal(user + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}}}").contains("schema"));
    }
}
