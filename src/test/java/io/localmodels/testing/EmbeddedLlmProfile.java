package io.localmodels.testing;


import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The fixture Whisper model and the random-weight fixture GGUF as the embedded LLM, with nothing
 * else configured for the analysis: no LLM server anywhere (the engine must come out as llama).
 */
public class EmbeddedLlmProfile extends WhisperFixtureProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>(super.getConfigOverrides());
        Path gguf = LlamaFixtures.modelOrNull();
        m.put("lma.llm.model", gguf == null ? "target/no-gguf-fixture.gguf" : gguf.toString());
        m.put("lma.llm.context-size", "16384");
        m.put("lma.session.data-dir", "target/test-data-llm-" + ProcessHandle.current().pid());
        return m;
    }
}
