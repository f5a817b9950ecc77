package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.Failures;
import io.localmodels.asr.AsrBusyException;
import io.localmodels.asr.AsrConfig;
import io.localmodels.asr.AsrRequest;
import io.localmodels.asr.AsrService;
import io.localmodels.asr.AsrUnavailableException;
import io.localmodels.asr.FileTranscriber;
import io.localmodels.asr.LanguageUnsupportedException;
import io.localmodels.asr.TranscriptSegment;
import io.localmodels.audio.AudioFiles;
import io.localmodels.audio.WavFile;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/** OpenAI-compatible speech-to-text: {@code POST /v1/audio/transcriptions} (and {@code /translations}). */
@Path("/v1/audio")
public class TranscriptionResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FORMATS = List.of("json", "text", "verbose_json", "srt", "vtt");

    private final FileTranscriber transcriber;
    private final AsrService asr;
    private final AsrConfig config;

    public TranscriptionResource(FileTranscriber transcriber, AsrService asr, AsrConfig config) {
        this.transcriber = transcriber;
        this.asr = asr;
        this.config = config;
    }

    @POST
    @Path("/transcriptions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Transcribe a WAV file (or raw PCM16 with sample_rate); OpenAI-compatible")
    public Uni<Response> transcriptions(@RestForm("file") FileUpload file, @RestForm("model") String model,
                                        @RestForm("language") String language, @RestForm("prompt") String prompt,
                                        @RestForm("response_format") String responseFormat,
                                        @RestForm("temperature") String temperature,
                                        @RestForm("timestamp_granularities[]") List<String> granularities,
                                        @RestForm("sample_rate") String sampleRate) {
        return run(AsrRequest.Task.TRANSCRIBE, file, language, prompt, responseFormat, temperature, granularities, sampleRate);
    }

    @POST
    @Path("/translations")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Translate speech in a WAV file to English text; OpenAI-compatible")
    public Uni<Response> translations(@RestForm("file") FileUpload file, @RestForm("model") String model,
                                      @RestForm("prompt") String prompt, @RestForm("response_format") String responseFormat,
                                      @RestForm("temperature") String temperature, @RestForm("sample_rate") String sampleRate) {
        return run(AsrRequest.Task.TRANSLATE, file, null, prompt, responseFormat, temperature, null, sampleRate);
    }

    private Uni<Response> run(AsrRequest.Task task, FileUpload file, String language, String prompt, String responseFormat,
                              String temperature, List<String> granularities, String sampleRate) {
        String format = responseFormat == null || responseFormat.isBlank() ? "json" : responseFormat.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new ApiException(400, "invalid_request", "response_format must be one of " + FORMATS + ", got '" + responseFormat + "'");
        }
        if (granularities != null) {
            for (String g : granularities) {
                if (!g.equals("segment")) {
                    throw new ApiException(400, "invalid_request", "timestamp_granularities[] supports only \"segment\", got '" + g + "'");
                }
            }
        }
        if (temperature != null && !temperature.isBlank()) {
            try {
                double t = Double.parseDouble(temperature);
                if (t != 0) {
                    throw new ApiException(400, "invalid_request", "only temperature 0 (greedy) is served; the fallback temperatures are"
                            + " configured with lma.asr.temperature-fallback");
                }
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid_request", "temperature must be a number");
            }
        }
        String lang = language == null || language.isBlank() ? null : language.strip().toLowerCase(Locale.ROOT);
        if (asr.loading()) {
            throw new ApiException(503, "asr_loading", "speech recognition is not ready yet: " + asr.reason(), Duration.ofSeconds(10));
        }
        if (asr.state() != AsrService.State.READY) {
            throw new ApiException(503, "asr_unavailable", "speech recognition is unavailable: " + asr.reason(), Duration.ofSeconds(30));
        }
        try {
            asr.refuseUnsupported(lang, task);
        } catch (LanguageUnsupportedException e) {
            throw new ApiException(400, LanguageUnsupportedException.CODE, e.getMessage());
        }
        if (lang != null && !asr.knowsLanguage(lang)) {
            throw new ApiException(400, "invalid_language", "language '" + language + "' is not one the Whisper model knows");
        }
        if (file == null) {
            throw new ApiException(400, "missing_file", "the multipart form has no \"file\" part");
        }
        WavFile.Decoded audio = decode(file, sampleRate, config.maxFileDuration().toMillis() / 1000.0);
        boolean timestamps = !format.equals("json") && !format.equals("text");
        return Uni.createFrom().completionStage(() -> transcriber.transcribe(audio.mono16k(), lang, task, timestamps, prompt))
                .onFailure().transform(TranscriptionResource::toApi)
                .map(t -> render(format, task, t));
    }

    private static WavFile.Decoded decode(FileUpload file, String sampleRate, double maxSeconds) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.uploadedFile());
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "the uploaded file could not be read: " + e.getMessage());
        }
        OptionalInt rate = OptionalInt.empty();
        if (sampleRate != null && !sampleRate.isBlank()) {
            try {
                rate = OptionalInt.of(Integer.parseInt(sampleRate.strip()));
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid_request", "sample_rate must be an integer");
            }
        }
        try {
            return AudioFiles.decode(bytes, rate, maxSeconds);
        } catch (AudioFiles.TooLongException e) {
            throw new ApiException(413, "audio_too_long", String.format(Locale.ROOT, "the audio lasts %.1f s; at most %.0f s"
                    + " (lma.asr.max-file-duration)", e.seconds(), maxSeconds));
        } catch (AudioFiles.UnknownContainerException e) {
            throw new ApiException(415, "unsupported_audio", "the file is neither WAV nor Ogg Opus; send one of those, or raw"
                    + " PCM16 (mono, little-endian) with a sample_rate field");
        } catch (WavFile.UnsupportedAudioException e) {
            throw new ApiException(400, "invalid_audio", e.getMessage());
        }
    }

    private static Throwable toApi(Throwable failure) {
        Throwable e = Failures.cause(failure);
        if (e instanceof AsrBusyException) {
            return new ApiException(503, "busy", e.getMessage(), Duration.ofSeconds(2));
        }
        if (e instanceof AsrUnavailableException) {
            return new ApiException(503, "asr_unavailable", e.getMessage(), Duration.ofSeconds(30));
        }
        if (e instanceof LanguageUnsupportedException) {
            return new ApiException(400, LanguageUnsupportedException.CODE, e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return new ApiException(400, "invalid_request", e.getMessage());
        }
        return e;
    }

    private static Response render(String format, AsrRequest.Task task, FileTranscriber.FileTranscript t) {
        return switch (format) {
            case "text" -> Response.ok(t.text() + "\n", MediaType.TEXT_PLAIN + ";charset=utf-8").build();
            case "srt" -> Response.ok(subtitles(t.segments(), false), MediaType.TEXT_PLAIN + ";charset=utf-8").build();
            case "vtt" -> Response.ok(subtitles(t.segments(), true), "text/vtt;charset=utf-8").build();
            case "verbose_json" -> Response.ok(verbose(task, t), MediaType.APPLICATION_JSON).build();
            default -> Response.ok(JSON.createObjectNode().put("text", t.text()), MediaType.APPLICATION_JSON).build();
        };
    }

    private static ObjectNode verbose(AsrRequest.Task task, FileTranscriber.FileTranscript t) {
        ObjectNode o = JSON.createObjectNode().put("task", task == AsrRequest.Task.TRANSLATE ? "translate" : "transcribe")
                .put("language", t.language()).put("duration", round(t.duration())).put("text", t.text());
        ArrayNode segments = o.putArray("segments");
        int id = 0;
        for (TranscriptSegment s : t.segments()) {
            ObjectNode seg = segments.addObject().put("id", id++).put("seek", (int) Math.round(s.start() * 100))
                    .put("start", round(s.start())).put("end", round(s.end())).put("text", s.text());
            ArrayNode tokens = seg.putArray("tokens");
            for (int tok : s.tokens()) {
                tokens.add(tok);
            }
            seg.put("temperature", s.temperature()).put("avg_logprob", s.avgLogprob())
                    .put("compression_ratio", s.compressionRatio()).put("no_speech_prob", s.noSpeechProb());
        }
        o.put("dropped_windows", t.droppedWindows());
        return o;
    }

    static String subtitles(List<TranscriptSegment> segments, boolean vtt) {
        StringBuilder b = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        int n = 1;
        for (TranscriptSegment s : segments) {
            if (!vtt) {
                b.append(n).append('\n');
            }
            b.append(clock(s.start(), vtt)).append(" --> ").append(clock(s.end(), vtt)).append('\n')
                    .append(s.text().strip()).append("\n\n");
            n++;
        }
        return b.toString();
    }

    private static String clock(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                vtt ? "." : ",", ms % 1000);
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
