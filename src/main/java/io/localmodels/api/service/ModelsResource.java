package io.localmodels.api.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.localmodels.api.errors.ApiException;
import io.localmodels.asr.AsrService;
import io.localmodels.asr.WhisperLocator;
import io.localmodels.inference.ConfiguredModel;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.ModelState;
import io.localmodels.models.ModelCatalog;
import io.localmodels.models.ModelSpec;
import io.localmodels.models.hub.HubRef;
import io.localmodels.tts.SpeechService;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models", description = "The model catalog and what is loaded")
public class ModelsResource {

    public record FileView(String name, long size, String sha256) {
    }

    /** Bytes of a running fetch. */
    public record ProgressView(@JsonProperty("done_bytes") long doneBytes,
                               @JsonProperty("total_bytes") long totalBytes, int percent, String file) {
    }

    /**
     * {@code state}: for catalog files not_configured, missing, loading, loaded, failed; for Hub
     * repositories (hub set) not_downloaded, downloaded, downloading (with progress), loading, loaded, failed.
     * {@code voices}: a speech voice's names, which requests may use (null for other models).
     */
    public record ModelView(String id, String role, String description, String licence, boolean isDefault,
                            boolean configured, boolean required, String state, String provider, String reason,
                            String hint, List<FileView> files, String hub, String download, ProgressView progress,
                            List<String> voices) {
    }

    /** The built-in voice's entry. */
    static final String BUILT_IN_VOICE = "espeak-ng";

    private final ModelCatalog catalog;
    private final ModelRegistry registry;
    private final AsrService asr;
    private final WhisperLocator whisper;
    private final SpeechService speech;

    public ModelsResource(ModelCatalog catalog, ModelRegistry registry, AsrService asr, WhisperLocator whisper, SpeechService speech) {
        this.speech = speech;
        this.catalog = catalog;
        this.registry = registry;
        this.asr = asr;
        this.whisper = whisper;
    }

    @GET
    @Operation(summary = "Every model in the catalog, with the state of the configured ones")
    public List<ModelView> list() {
        Map<String, ConfiguredModel> configured = registry.configured().stream()
                .collect(Collectors.toMap(ConfiguredModel::id, Function.identity()));
        List<ModelView> all = new ArrayList<>(catalog.all().stream().map(m -> view(m, configured.get(m.id()))).toList());
        all.add(voiceView());
        return all;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One catalog model")
    public ModelView get(@PathParam("id") String id) {
        if (id.equals(BUILT_IN_VOICE)) {
            return voiceView();
        }
        ModelSpec spec = catalog.find(id).orElseThrow(() -> ApiException.notFound("unknown model id '" + id + "'"));
        return view(spec, configured(id));
    }

    @POST
    @Path("/{id}/load")
    @Blocking
    @Operation(summary = "Fetch and open a configured model now (after supplying a missing file, say)")
    public ModelView load(@PathParam("id") String id) {
        if (id.equals(BUILT_IN_VOICE)) {
            throw new ApiException(409, "not_configured", "the built-in voice opens at start (lma.tts.voice=auto or espeak)");
        }
        ModelSpec spec = catalog.find(id).orElseThrow(() -> ApiException.notFound("unknown model id '" + id + "'"));
        if (spec.fromHub()) {
            throw new ApiException(409, "not_configured", "model " + id + " is a " + spec.role() + " model; it loads when named"
                    + " in lma.asr.model (lma.asr.model=" + id + ") and the service restarts");
        }
        ConfiguredModel cm = configured(id);
        if (cm == null) {
            throw new ApiException(409, "not_configured", "model " + id
                    + " is not configured; add it to lma.models.required or lma.models.optional");
        }
        registry.load(id);
        return view(spec, cm);
    }

    private ConfiguredModel configured(String id) {
        return registry.configured().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }

    private ModelView hubView(ModelSpec m) {
        HubRef ref = HubRef.parse(m.hub()).orElseThrow();
        boolean inUse = asr.hubRef().map(r -> r.repo().equals(ref.repo())).orElse(false);
        String state;
        String reason = null;
        String hint = null;
        ProgressView progress = null;
        if (inUse) {
            AsrService.State s = asr.state();
            state = switch (s) {
                case READY -> "loaded";
                case DOWNLOADING -> "downloading";
                case LOADING -> "loading";
                case FAILED -> "failed";
                case DISABLED -> "not_configured";
            };
            reason = asr.reason();
            hint = asr.hint();
            if (s == AsrService.State.DOWNLOADING) {
                var p = asr.progress();
                progress = new ProgressView(p.doneBytes(), p.totalBytes(), p.percent(), p.currentFile());
            }
        } else {
            state = whisper.cached(new WhisperLocator.Hub(ref, m.id())) != null ? "downloaded" : "not_downloaded";
        }
        return new ModelView(m.id(), m.role(), m.description(), m.licence(), m.isDefault(), inUse, false, state, null,
                reason, hint, List.of(), m.hub(), m.download(), progress, null);
    }

    private ModelView view(ModelSpec m, ConfiguredModel cm) {
        if (m.fromHub()) {
            return hubView(m);
        }
        ModelState state = cm == null ? null : registry.state(m.id());
        String provider = state == null || state.provider() == null ? null : state.provider().label();
        String reason = state == null ? null : state.reason();
        String hint = state == null ? null : state.hint();
        return new ModelView(m.id(), m.role(), m.description(), m.licence(), m.isDefault(), cm != null,
                cm != null && cm.required(), state == null ? "not_configured" : state.label(), provider, reason, hint,
                m.files().stream().map(f -> new FileView(f.name(), f.size(), f.sha256())).toList(), null, null, null, null);
    }

    /** The built-in voice (speech output), with the voice names a request may use. */
    private ModelView voiceView() {
        SpeechService.State s = speech.state();
        String state = switch (s) {
            case READY -> "loaded";
            case LOADING -> "loading";
            case UNAVAILABLE -> "failed";
            case OFF -> "not_configured";
        };
        return new ModelView(BUILT_IN_VOICE, "tts", "espeak-ng's own synthesizer, built in (the system's libespeak-ng): robotic but "
                + "intelligible, about 130 voices, no download; /v1/audio/speech and Gemini's AUDIO answers speak with it",
                "GPL-3.0-or-later", true, s != SpeechService.State.OFF, false, state, s == SpeechService.State.READY ? "cpu" : null,
                speech.reason(), s == SpeechService.State.UNAVAILABLE ? "apt-get install libespeak-ng1 espeak-ng-data" : null,
                List.of(), null, null, null, List.copyOf(new TreeSet<>(speech.voices())));
    }
}
