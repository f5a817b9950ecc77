package io.localmodels.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The fixture Whisper model, the loopback LLM as analysis engine, a data folder of its own. */
public class AnalysisProfile extends WhisperFixtureProfile {

    public static final String DATA_DIR = "target/test-data-analysis-" + ProcessHandle.current().pid();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>(super.getConfigOverrides());
        m.put("lma.session.data-dir", DATA_DIR);
        m.put("lma.session.resume-window", "30s");
        m.put("lma.session.keep-audio", "true");
        return m;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeChatResource.class));
    }
}
