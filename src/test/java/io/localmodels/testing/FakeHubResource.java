package io.localmodels.testing;

import io.localmodels.asr.WhisperModelFiles;
import io.localmodels.asr.WhisperSelection;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubClient;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubRef;
import io.localmodels.models.hub.HubSettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Starts a {@link FakeHub} before the service and points the service at it, with a fresh, empty
 * Hugging Face cache, as a new user's machine has. Arguments: {@code repo} (what to serve the v2
 * fixture as), {@code model} (lma.asr.model), {@code gated} (serve it gated), {@code prefetch}
 * (fill the cache before the start, then forget those requests), {@code offline}, {@code hold-encoder} (the encoder's
 * download waits until the test calls {@code hub().release()}).
 */
public class FakeHubResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeHub hub;
    private static volatile Path cacheDir;
    private static volatile String commit;
    private Map<String, String> args = Map.of();

    /** The running fake Hub of the current test class. */
    public static FakeHub hub() {
        return hub;
    }

    // also as system properties: a @QuarkusMainTest runs this resource in another class loader
    public static Path cacheDir() {
        return cacheDir != null ? cacheDir : Path.of(System.getProperty("lma.test.fake-hub.cache-dir"));
    }

    public static String commit() {
        return commit != null ? commit : System.getProperty("lma.test.fake-hub.commit");
    }

    @Override
    public void init(Map<String, String> initArgs) {
        args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        try {
            hub = new FakeHub();
            cacheDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "hf-home-").resolve("hub");
            Map<String, String> config = new HashMap<>();
            config.put("lma.models.hub.endpoint", hub.endpoint().toString());
            config.put("lma.models.hub.cache-dir", cacheDir.toString());
            config.put("lma.models.hub.offline", args.getOrDefault("offline", "false"));
            config.put("lma.models.download.retry-backoff", "10ms");
            config.put("lma.asr.model", args.getOrDefault("model", "auto"));
            Path fixture = WhisperFixtures.dirOrNull() == null ? null : WhisperFixtures.model("v2-merged");
            if (fixture == null) {
                return config;  // the test itself skips, saying why
            }
            String repo = args.getOrDefault("repo", "onnx-community/whisper-small");
            byte[] decoy = new byte[300_000];
            new Random(9).nextBytes(decoy);
            // other precisions an onnx-community repository carries: on CPU, auto must pass over fp16
            Map<String, byte[]> decoys = Map.of("onnx/encoder_model_fp16.onnx", decoy, "onnx/decoder_model_merged_fp16.onnx", decoy);
            commit = Boolean.parseBoolean(args.get("gated")) ? hub.serveGated(repo, fixture, "hf_granted") : hub.serve(repo, fixture, decoys);
            System.setProperty("lma.test.fake-hub.cache-dir", cacheDir.toString());
            System.setProperty("lma.test.fake-hub.commit", commit);
            if (Boolean.parseBoolean(args.get("hold-encoder"))) {
                hub.hold(Files.readAllBytes(fixture.resolve("onnx/encoder_model.onnx")));
            }
            if (Boolean.parseBoolean(args.get("prefetch"))) {
                HubSettings s = new HubSettings(hub.endpoint(), cacheDir, Optional.empty(), false);
                new HubFetcher(s, new HubClient(s, Duration.ofSeconds(5), Duration.ofSeconds(5)), 0, Duration.ZERO, Duration.ofSeconds(2), null)
                        .fetch(HubRef.parse(repo).orElseThrow(), available -> {
                            try {
                                return WhisperSelection.choose(available, List.of("fp32"), WhisperModelFiles.Layout.AUTO).files();
                            } catch (WhisperSelection.NotAnExport e) {
                                throw new HubException(HubException.Kind.NOT_FOUND, e.getMessage(), null);
                            }
                        }, new DownloadProgress());
                hub.clearRequests();
            }
            return config;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
    }
}
