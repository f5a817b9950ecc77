package io.localmodels.asr;

import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.OnnxRuntime;
import io.localmodels.models.ModelCatalog;
import io.localmodels.models.ModelSpec;
import io.localmodels.models.ModelsConfig;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubRef;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns {@code lma.asr.model} into a folder holding a Whisper export: {@code none}; {@code auto}
 * (a default chosen by the hardware); a catalog id ({@code whisper-small}); a Hub repository
 * ({@code org/name}, {@code org/name@revision}); a folder path; or a folder name looked up in the
 * model cache and the mirrors. Hub models are fetched into the Hugging Face cache, only the files of
 * the precision that will be loaded.
 */
@Singleton
public class WhisperLocator {

    /** The defaults of {@code auto}: catalog ids. */
    public static final String CUDA_DEFAULT = "whisper-large-v3-turbo";
    public static final String CPU_DEFAULT = "whisper-small";

    public sealed interface Source permits None, Folder, Hub {
    }

    public record None() implements Source {
    }

    public record Folder(Path dir) implements Source {
    }

    /** @param catalogId the catalog entry naming this repository, or null */
    public record Hub(HubRef ref, String catalogId) implements Source {
    }

    /** A folder with a loadable export, the precision chosen in it, and what to call it in logs. */
    public record Located(Path dir, String precision, String label) {
    }

    private final AsrConfig config;
    private final ModelsConfig models;
    private final ModelCatalog catalog;
    private final HubFetcher hub;
    private final OnnxRuntime runtime;

    public WhisperLocator(AsrConfig config, ModelsConfig models, ModelCatalog catalog, HubFetcher hub, OnnxRuntime runtime) {
        this.config = config;
        this.models = models;
        this.catalog = catalog;
        this.hub = hub;
        this.runtime = runtime;
    }

    /** The Hub this service fetches from (HF_ENDPOINT or the Hub itself). */
    public String endpoint() {
        return hub.settings().endpoint().toString();
    }

    public boolean onCuda() {
        return runtime.choiceFor(AsrService.MODEL_ID).provider() == ExecutionProvider.CUDA;
    }

    public Source source() throws IOException {
        String value = config.model().strip();
        if (value.equals("none") || value.isEmpty()) {
            return new None();
        }
        if (value.equals("auto")) {
            return hubEntry(onCuda() ? CUDA_DEFAULT : CPU_DEFAULT);
        }
        Path direct = Path.of(value);
        if (Files.isDirectory(direct)) {
            return new Folder(direct);
        }
        // a folder of that name in the model cache or a mirror wins over the catalog id of the same
        // name: installs that copied an export there before the Hub client existed keep working
        List<Path> tried = new ArrayList<>();
        if (value.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            tried.add(models.cacheDir().resolve(value));
            models.mirrors().orElse(List.of()).forEach(m -> tried.add(m.resolve(value)));
            for (Path p : tried) {
                if (Files.isDirectory(p)) {
                    return new Folder(p);
                }
            }
        }
        if (catalog.find(value).filter(ModelSpec::fromHub).isPresent()) {
            return hubEntry(value);
        }
        var ref = HubRef.parse(value);
        if (ref.isPresent()) {
            String id = catalog.all().stream().filter(m -> ref.get().repo().equals(m.hub())).map(ModelSpec::id).findFirst().orElse(null);
            return new Hub(ref.get(), id);
        }
        throw new IOException("lma.asr.model=" + value + " is not auto, none, a catalog id (" + String.join(", ", whisperIds())
                + "), a Hugging Face repository (org/name[@revision]) or a folder" + (tried.isEmpty() ? "" : " (looked in " + tried + ")"));
    }

    private Hub hubEntry(String id) {
        ModelSpec spec = catalog.require(id);
        return new Hub(HubRef.parse(spec.hub()).orElseThrow(), id);
    }

    private List<String> whisperIds() {
        return catalog.all().stream().filter(m -> m.role().equals("asr")).map(ModelSpec::id).toList();
    }

    /** Fetches what a Hub source needs (progress into {@code progress}), then picks the precision. */
    public Located locate(Source source, DownloadProgress progress) throws IOException {
        List<String> precisions = WhisperSelection.preference(config.precision(), onCuda());
        if (source instanceof Folder f) {
            WhisperSelection.Choice choice = choose(files(f.dir()), precisions, f.dir().toString());
            return new Located(f.dir(), choice.precision(), f.dir().toString());
        }
        if (!(source instanceof Hub h)) {
            throw new IllegalStateException("no Whisper model to locate");
        }
        String[] chosen = new String[1];
        Path snapshot = hub.fetch(h.ref(), available -> {
            WhisperSelection.Choice choice = choose(available, precisions, h.ref().toString());
            chosen[0] = choice.precision();
            return choice.files();
        }, progress);
        if (chosen[0] == null) {
            chosen[0] = choose(files(snapshot), precisions, h.ref().toString()).precision();
        }
        return new Located(snapshot, chosen[0], h.ref() + " (" + snapshot.getFileName() + ")");
    }

    /** A Hub source already complete in the cache (no request); null when not. */
    public Path cached(Hub h) {
        List<String> precisions = WhisperSelection.preference(config.precision(), onCuda());
        return hub.cached(h.ref(), available -> choose(available, precisions, h.ref().toString()).files());
    }

    private WhisperSelection.Choice choose(Collection<String> available, List<String> precisions, String where) throws HubException {
        try {
            return WhisperSelection.choose(available, precisions, config.decoderLayout());
        } catch (WhisperSelection.NotAnExport e) {
            throw new HubException(HubException.Kind.NOT_FOUND, where + ": " + e.getMessage(),
                    "pick another precision (lma.asr.precision) or another repository (lma.asr.model)");
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).toList();
        }
    }
}
