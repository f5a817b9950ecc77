package io.localmodels.api.gemini;

import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.Failures;
import io.localmodels.asr.AsrBusyException;
import io.localmodels.asr.AsrConfig;
import io.localmodels.asr.AsrRequest;
import io.localmodels.asr.AsrService;
import io.localmodels.asr.AsrUnavailableException;
import io.localmodels.asr.FileTranscriber;
import io.localmodels.audio.AudioFiles;
import io.localmodels.audio.WavFile;
import io.localmodels.llm.ChatMessage;
import io.localmodels.vision.ImageRejectedException;
import io.localmodels.vision.Risk;
import io.localmodels.vision.VisionBusyException;
import io.localmodels.vision.VisionRequest;
import io.localmodels.vision.VisionResult;
import io.localmodels.vision.VisionService;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the LLM reads for a Gemini request's inline media: an audio part becomes its Whisper
 * transcript, an image part the detector's objects and risks with the scene description. The text
 * model cannot see or hear; it reads what the service's own models made of the media.
 */
@ApplicationScoped
public class GeminiMedia {

    private final VisionService vision;
    private final FileTranscriber transcriber;
    private final AsrService asr;
    private final AsrConfig asrConfig;

    public GeminiMedia(VisionService vision, FileTranscriber transcriber, AsrService asr, AsrConfig asrConfig) {
        this.vision = vision;
        this.transcriber = transcriber;
        this.asr = asr;
        this.asrConfig = asrConfig;
    }

    /**
     * The conversation with every media part replaced by its text, parts joined in order; with
     * {@code keepImages} (a vision-capable LLM server answers) each image also stays with its turn.
     * Fails with an {@link ApiException}.
     */
    CompletionStage<List<ChatMessage>> messages(List<GeminiRequests.Turn> turns, boolean keepImages) {
        CompletionStage<List<ChatMessage>> done = CompletableFuture.completedFuture(new ArrayList<>());
        for (GeminiRequests.Turn turn : turns) {
            CompletionStage<StringBuilder> text = CompletableFuture.completedFuture(new StringBuilder());
            List<ChatMessage.Image> images = new ArrayList<>();
            for (GeminiRequests.Part part : turn.parts()) {
                if (keepImages && part instanceof GeminiRequests.Part.Media m && m.kind() == GeminiRequests.Part.Kind.IMAGE) {
                    images.add(new ChatMessage.Image(m.mimeType().equals("image/jpg") ? "image/jpeg" : m.mimeType(), m.data()));
                }
                text = text.thenCompose(b -> asText(part).thenApply(t -> b.append(b.isEmpty() || t.isEmpty() ? "" : "\n").append(t)));
            }
            CompletionStage<StringBuilder> whole = text;
            done = done.thenCompose(list -> whole.thenApply(b -> {
                list.add(new ChatMessage(turn.role(), b.toString(), images));
                return list;
            }));
        }
        return done;
    }

    private CompletionStage<String> asText(GeminiRequests.Part part) {
        if (part instanceof GeminiRequests.Part.Text t) {
            return CompletableFuture.completedFuture(t.text());
        }
        GeminiRequests.Part.Media m = (GeminiRequests.Part.Media) part;
        try {
            return m.kind() == GeminiRequests.Part.Kind.IMAGE ? image(m) : audio(m);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<String> image(GeminiRequests.Part.Media m) {
        try {
            return vision.submit(new VisionRequest(null, m.data(), "en", null, null)).thenApply(GeminiMedia::describe);
        } catch (ImageRejectedException e) {
            throw new ApiException(400, "INVALID_ARGUMENT", "the " + m.mimeType() + " part was refused: " + e.getMessage());
        } catch (VisionBusyException e) {
            throw new ApiException(429, "RESOURCE_EXHAUSTED", e.getMessage());
        }
    }

    private CompletionStage<String> audio(GeminiRequests.Part.Media m) {
        if (asr.state() != AsrService.State.READY) {
            throw new ApiException(503, "UNAVAILABLE", "speech recognition is " + asr.state().name().toLowerCase(Locale.ROOT)
                    + (asr.reason() != null ? ": " + asr.reason() : "") + "; an audio part cannot be transcribed now");
        }
        double max = asrConfig.maxFileDuration().toMillis() / 1000.0;
        WavFile.Decoded audio;
        try {
            audio = AudioFiles.decode(m.data(), m.pcmRate() > 0 ? OptionalInt.of(m.pcmRate()) : OptionalInt.empty(), max);
        } catch (AudioFiles.TooLongException e) {
            throw new ApiException(400, "INVALID_ARGUMENT", String.format(Locale.ROOT, "an audio part of %.1f s; at most %.0f s"
                    + " (lma.asr.max-file-duration)", e.seconds(), max));
        } catch (WavFile.UnsupportedAudioException e) {
            throw new ApiException(400, "INVALID_ARGUMENT", "the " + m.mimeType() + " part cannot be decoded: " + e.getMessage());
        }
        return transcriber.transcribe(audio.mono16k(), null, AsrRequest.Task.TRANSCRIBE, false, null)
                .thenApply(GeminiMedia::describe)
                .exceptionally(failure -> {
                    Throwable e = Failures.cause(failure);
                    if (e instanceof AsrBusyException) {
                        throw new ApiException(429, "RESOURCE_EXHAUSTED", e.getMessage());
                    }
                    if (e instanceof AsrUnavailableException) {
                        throw new ApiException(503, "UNAVAILABLE", e.getMessage());
                    }
                    throw new ApiException(500, "INTERNAL", "transcribing an audio part failed: " + e.getMessage());
                });
    }

    /** An image as the LLM reads it. */
    static String describe(VisionResult r) {
        StringBuilder b = new StringBuilder("[Image. Objects seen:");
        if (r.objects().isEmpty()) {
            b.append(" none");
        }
        for (VisionResult.DetectedObject o : r.objects()) {
            double cx = o.box().x() + o.box().w() / 2;
            b.append(' ').append(o.label()).append(" (").append(cx < 0.33 ? "left" : cx > 0.67 ? "right" : "centre")
                    .append(String.format(Locale.ROOT, ", %.0f%% of the picture", o.box().area() * 100)).append(");");
        }
        if (!r.risks().isEmpty()) {
            b.append(" Risks:");
            for (Risk risk : r.risks()) {
                b.append(' ').append(risk.level().name()).append(": ").append(risk.message()).append(';');
            }
        }
        if (r.description() != null && !r.description().isBlank()) {
            b.append(" Description: ").append(r.description().strip());
        }
        return b.append(']').toString();
    }

    /** An audio part as the LLM reads it. */
    static String describe(FileTranscriber.FileTranscript t) {
        String text = t.text().strip();
        return "[Audio, " + String.format(Locale.ROOT, "%.1f s", t.duration()) + (t.language() != null ? ", language " + t.language() : "")
                + ". Transcript: " + (text.isEmpty() ? "(no speech)" : text) + "]";
    }
}
