package io.localmodels.api.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.http.StrictBase64;
import io.localmodels.vision.ImageRejectedException;
import io.localmodels.vision.VisionBusyException;
import io.localmodels.vision.VisionConfig;
import io.localmodels.vision.VisionRequest;
import io.localmodels.vision.VisionResult;
import io.localmodels.vision.VisionService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

@Path("/vision")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "vision", description = "What is in front of the wearer, and what could hurt them")
public class VisionResource {

    private static final Set<String> LANGUAGES = Set.of("es", "en");
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final VisionService vision;
    private final VisionConfig config;

    public VisionResource(VisionService vision, VisionConfig config) {
        this.vision = vision;
        this.config = config;
    }

    public record FrameB64(@JsonProperty("session_id") String sessionId, @JsonProperty("image_b64") String imageB64,
                           Map<String, Object> metadata, String language, String prompt) {
    }

    @POST
    @Path("/frame")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Analyse one photo (multipart: file, session_id, timestamp, language, prompt)")
    public Uni<VisionResult> frame(@RestForm("file") FileUpload file, @RestForm("session_id") String sessionId,
                                   @RestForm("timestamp") String timestamp, @RestForm("language") String language,
                                   @RestForm("prompt") String prompt) {
        if (file == null) {
            throw new ApiException(400, "missing_file", "the multipart form has no \"file\" part");
        }
        if (file.size() > config.maxBytes()) {
            throw tooLarge(file.size());
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.uploadedFile());
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "the uploaded file could not be read: " + e.getMessage());
        }
        return analyse(new VisionRequest(sessionId(sessionId), bytes, language(language), prompt, timestamp(timestamp)));
    }

    @POST
    @Path("/frame_b64")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Analyse one photo sent as base64 JSON (image_b64, optional data: URL prefix)")
    public Uni<VisionResult> frameB64(FrameB64 body) {
        if (body == null || body.imageB64() == null || body.imageB64().isBlank()) {
            throw new ApiException(400, "missing_image", "the body needs an \"image_b64\" string");
        }
        String b64 = body.imageB64();
        // URL schemes are case-insensitive (RFC 3986), so DATA: is a data URL too
        if (b64.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = b64.indexOf(',');
            if (comma < 0 || !b64.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw new ApiException(400, "invalid_base64", "a data: URL must be data:image/...;base64,<data>");
            }
            b64 = b64.substring(comma + 1);
        }
        if ((long) b64.length() * 3 / 4 > config.maxBytes() + 3L) {
            throw tooLarge((long) b64.length() * 3 / 4);
        }
        byte[] bytes;
        try {
            bytes = StrictBase64.decode(b64);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_base64", "image_b64 is not valid base64: " + e.getMessage());
        }
        Long ts = null;
        if (body.metadata() != null && body.metadata().get("timestamp") instanceof Number n) {
            ts = n.longValue();
        }
        return analyse(new VisionRequest(sessionId(body.sessionId()), bytes, language(body.language()), body.prompt(), ts));
    }

    @GET
    @Path("/frames/{frame_id}")
    @Operation(summary = "A result fetched later, while it is kept (lma.vision.result-ttl)")
    public VisionResult result(@PathParam("frame_id") String frameId) {
        return vision.result(frameId).orElseThrow(() -> ApiException.notFound("no result for frame " + frameId
                + " (unknown, or older than lma.vision.result-ttl)"));
    }

    @GET
    @Path("/sessions/{session_id}/frames")
    @Operation(summary = "The kept results of one session, oldest first")
    public List<VisionResult> sessionResults(@PathParam("session_id") String sessionId) {
        return vision.sessionResults(sessionId(sessionId));
    }

    private Uni<VisionResult> analyse(VisionRequest request) {
        try {
            // A corrupt image is found by the worker's full decode: same error as the early checks.
            return Uni.createFrom().completionStage(vision.submit(request)).onFailure(ImageRejectedException.class)
                    .transform(e -> rejection((ImageRejectedException) e));
        } catch (ImageRejectedException e) {
            throw rejection(e);
        } catch (VisionBusyException e) {
            throw new ApiException(503, "busy", e.getMessage(), Duration.ofSeconds(1));
        }
    }

    private static ApiException rejection(ImageRejectedException e) {
        int status = switch (e.reason()) {
            case "too_large", "too_many_pixels" -> 413;
            case "unsupported_type" -> 415;
            default -> 400;
        };
        String code = switch (e.reason()) {
            case "too_large" -> "payload_too_large";
            case "too_many_pixels" -> "too_many_pixels";
            case "unsupported_type" -> "unsupported_media_type";
            default -> "invalid_image";
        };
        return new ApiException(status, code, e.getMessage());
    }

    private ApiException tooLarge(long size) {
        return new ApiException(413, "payload_too_large", "image of " + size + " bytes is over the " + config.maxBytes()
                + " byte limit (lma.vision.max-bytes)");
    }

    private String language(String language) {
        if (language == null || language.isBlank()) {
            return config.defaultLanguage();
        }
        if (!LANGUAGES.contains(language)) {
            throw new ApiException(400, "invalid_language", "language must be one of " + LANGUAGES);
        }
        return language;
    }

    private static Long timestamp(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", "timestamp must be an integer, got " + s);
        }
    }

    /** Absent, or the same form as an audio session_id (it is echoed back and used as a key). */
    private static String sessionId(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (!SESSION_ID.matcher(s).matches()) {
            throw new ApiException(400, "invalid_session_id", "session_id must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
        return s;
    }
}
