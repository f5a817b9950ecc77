package io.localmodels.llm;

import com.sun.management.OperatingSystemMXBean;
import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.OnnxRuntime;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubRef;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Turns {@code lma.llm.model} into the GGUF file llama.cpp opens: none; auto (Qwen2.5 instruct,
 * sized by the memory there is); a file or folder; or a Hugging Face repository, fetched through the
 * same Hub client and cache as Whisper.
 */
@Singleton
public class LlmLocator {

    /** The defaults of auto: the user's choice where a GPU has room, smaller Qwen2.5 instruct models on CPU. */
    public static final String GPU_DEFAULT = "Qwen/Qwen2.5-7B-Instruct-GGUF";
    public static final String CPU_DEFAULT = "Qwen/Qwen2.5-1.5B-Instruct-GGUF";
    public static final String SMALL_CPU_DEFAULT = "Qwen/Qwen2.5-0.5B-Instruct-GGUF";

    public sealed interface Source permits None, LocalFile, Hub {
    }

    public record None(String why) implements Source {
    }

    public record LocalFile(Path file) implements Source {
    }

    /** @param file a named file in the repository, or null to pick by {@code quantization} */
    public record Hub(HubRef ref, String file, String quantization) implements Source {
        @Override
        public String toString() {
            return ref + (file != null ? "/" + file : ":" + quantization);
        }
    }

    private final LlmConfig config;
    private final HubFetcher hub;
    private final OnnxRuntime runtime;
    private final Optional<String> analysisServer;

    @Inject
    public LlmLocator(LlmConfig config, HubFetcher hub, OnnxRuntime runtime,
                      @ConfigProperty(name = "lma.analysis.base-url") Optional<String> analysisServer) {
        this.config = config;
        this.hub = hub;
        this.runtime = runtime;
        this.analysisServer = analysisServer;
    }

    /** Without CDI: no analysis server. */
    public LlmLocator(LlmConfig config, HubFetcher hub, OnnxRuntime runtime) {
        this(config, hub, runtime, Optional.empty());
    }

    public String endpoint() {
        return hub.settings().endpoint().toString();
    }

    /**
     * True where the LLM can run on a GPU: ONNX Runtime found a CUDA device (the -Pgpu build) and a
     * llama.cpp library of the user's own is configured (java-llama.cpp publishes CPU natives only).
     */
    public boolean onGpu() {
        return runtime != null && runtime.choice().provider() == ExecutionProvider.CUDA && LlamaNatives.userLibrary();
    }

    public Source source() throws IOException {
        String value = config.model().strip();
        if (value.isEmpty() || value.equals("none")) {
            return new None("no LLM configured (lma.llm.model=none)");
        }
        if (value.equals("auto")) {
            if (analysisServer.filter(u -> !u.isBlank()).isPresent()) {
                // the one built-in user of the LLM is the analysis, and a server does that: no download
                return new None("lma.llm.model=auto and the analysis goes to the server at lma.analysis.base-url;"
                        + " name a model in lma.llm.model to serve /v1/chat/completions as well");
            }
            return auto();
        }
        Path direct = Path.of(value);
        if (Files.isRegularFile(direct)) {
            return new LocalFile(direct);
        }
        if (Files.isDirectory(direct)) {
            try (Stream<Path> walk = Files.list(direct)) {
                List<String> names = walk.map(p -> p.getFileName().toString()).toList();
                return new LocalFile(direct.resolve(GgufSelection.entry(GgufSelection.select(names, null, config.quantization()))));
            } catch (GgufSelection.NoMatch e) {
                throw new IOException("lma.llm.model=" + value + ": " + e.getMessage());
            }
        }
        return hubSource(value);
    }

    static Source parseHub(String value, String quantization) {
        String quant = quantization;
        String file = null;
        String repo = value;
        int colon = value.lastIndexOf(':');
        if (colon > 0 && !value.substring(colon + 1).contains("/")) {
            quant = value.substring(colon + 1);
            repo = value.substring(0, colon);
        }
        String[] parts = repo.split("/", 3);
        if (parts.length == 3 && parts[2].toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            file = parts[2];
            repo = parts[0] + "/" + parts[1];
        }
        var ref = HubRef.parse(repo);
        return ref.isPresent() ? new Hub(ref.get(), file, quant) : null;
    }

    private Source hubSource(String value) throws IOException {
        Source s = parseHub(value, config.quantization());
        if (s == null) {
            throw new IOException("lma.llm.model=" + value + " is not auto, none, a .gguf file, a folder, or a Hugging Face repository"
                    + " (org/name[@revision], org/name:Q4_K_M, org/name/file.gguf)");
        }
        return s;
    }

    private Source auto() {
        if (onGpu()) {
            OptionalLong free = freeGpuMib();
            if (free.isEmpty() || free.getAsLong() >= config.autoLargeGpuMib()) {
                return new Hub(HubRef.parse(GPU_DEFAULT).orElseThrow(), null, config.quantization());
            }
        }
        return new Hub(HubRef.parse(availableRamMib() >= config.autoLargeCpuMib() ? CPU_DEFAULT : SMALL_CPU_DEFAULT).orElseThrow(), null,
                config.quantization());
    }

    /** Fetches a Hub source (progress into {@code progress}) and answers the file to open. */
    public Path locate(Source source, DownloadProgress progress) throws IOException {
        if (source instanceof LocalFile f) {
            return f.file();
        }
        if (!(source instanceof Hub h)) {
            throw new IllegalStateException("no LLM to locate");
        }
        String[] entry = new String[1];
        Path snapshot = hub.fetch(h.ref(), available -> {
            List<String> files = select(available, h);
            entry[0] = GgufSelection.entry(files);
            return files;
        }, progress);
        return snapshot.resolve(entry[0]);
    }

    /** A Hub source already complete in the cache (no request); null when not. */
    public Path cached(Hub h) {
        return hub.cached(h.ref(), available -> select(available, h));
    }

    private static List<String> select(Collection<String> available, Hub h) throws HubException {
        try {
            return GgufSelection.select(available, h.file(), h.quantization());
        } catch (GgufSelection.NoMatch e) {
            throw new HubException(HubException.Kind.NOT_FOUND, h.ref() + ": " + e.getMessage(),
                    "pick another quantisation (lma.llm.quantization, or org/name:Q5_K_M) or name the file (org/name/file.gguf)");
        }
    }

    /** Memory the model may take on CPU: what the OS says is available (MemAvailable), else the machine's total. */
    static long availableRamMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getFreeMemorySize() >> 20;
        }
        return 0;
    }

    /** Free memory of GPU 0 as nvidia-smi reports it; empty where it cannot tell. */
    static OptionalLong freeGpuMib() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return OptionalLong.empty();
            }
            String first = new String(p.getInputStream().readAllBytes()).strip().lines().findFirst().orElse("");
            return p.exitValue() == 0 && first.matches("\\d+") ? OptionalLong.of(Long.parseLong(first)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }
}
