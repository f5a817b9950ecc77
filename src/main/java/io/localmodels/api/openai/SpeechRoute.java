package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.JsonErrors;
import io.localmodels.api.errors.RouteErrors;
import io.localmodels.api.http.StrictJson;
import io.localmodels.audio.OggOpusWriter;
import io.localmodels.audio.SampleArrays;
import io.localmodels.tts.SpeechService;
import io.localmodels.tts.SpeechSink;
import io.localmodels.tts.TtsException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * OpenAI-compatible speech: {@code POST /v1/audio/speech} ({@code input}, {@code voice}, {@code
 * response_format} wav, pcm or opus, {@code speed}) and, as an extension, {@code GET /v1/audio/voices}.
 * The body streams while it is synthesized: 24 kHz 16-bit mono, as OpenAI's pcm; a WAV's header
 * says "length unknown" (0xFFFFFFFF), as a streamed WAV must.
 */
@ApplicationScoped
public class SpeechRoute {

    private static final Logger LOG = Logger.getLogger(SpeechRoute.class);
    private static final long MAX_BODY = 1 << 20;
    /** What a request without response_format gets: OpenAI's default (mp3) needs an encoder this service does not ship. */
    static final String DEFAULT_FORMAT = "wav";
    static final List<String> FORMATS = List.of("wav", "pcm", "opus");
    /** Opus at 32 kb/s: speech at 24 kHz sounds as it does uncompressed, at a twelfth of PCM's bytes. */
    private static final int OPUS_BITRATE = 32000;

    private final SpeechService speech;

    public SpeechRoute(SpeechService speech) {
        this.speech = speech;
    }

    void install(@Observes Router router) {
        router.post("/v1/audio/speech").handler(RouteErrors.refuseBodiesOver(MAX_BODY, "/v1/audio/speech takes"));
        router.post("/v1/audio/speech").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::speak);
        router.get("/v1/audio/voices").handler(this::voices);
    }

    private void voices(RoutingContext rc) {
        ObjectNode body = StrictJson.MAPPER.createObjectNode().put("object", "list")
                .put("state", speech.state().name().toLowerCase(Locale.ROOT));
        var data = body.putArray("data");
        speech.voices().forEach(v -> data.addObject().put("id", v).put("object", "voice"));
        var openai = body.putArray("openai_names");
        SpeechService.openAiVoices().stream().sorted().forEach(openai::add);
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
    }

    /** What a request asked for, checked. */
    private record Ask(String input, String voice, String format, double speed) {
    }

    private void speak(RoutingContext rc) {
        Ask ask;
        try {
            ask = read(rc.body().asString("UTF-8"));
        } catch (TtsException e) {
            RouteErrors.reply(rc, 400, "invalid_request", e.getMessage());
            return;
        }
        HttpServerResponse response = rc.response();
        SpeechService.Slot slot;
        try {
            slot = speech.admit();
        } catch (TtsException e) {
            fail(rc, e);
            return;
        }
        Runnable release = slot::close;
        AtomicBoolean gone = new AtomicBoolean();
        response.closeHandler(v -> {
            gone.set(true);
            release.run();
        });
        Context context = Vertx.currentContext();
        OggOpusWriter opus = ask.format().equals("opus") ? new OggOpusWriter(SpeechService.SAMPLE_RATE, OPUS_BITRATE) : null;
        SpeechSink sink = new SpeechSink() {
            @Override
            public void audio(short[] pcm) {
                if (opus != null) {
                    write(Buffer.buffer(opus.write(pcm)));
                    return;
                }
                write(Buffer.buffer(SampleArrays.littleEndian(pcm)));
            }

            @Override
            public void done() {
                if (opus != null) {
                    write(Buffer.buffer(opus.finish()));
                }
            }

            private void write(Buffer chunk) {
                if (chunk.length() == 0) {
                    return;
                }
                context.runOnContext(v -> {
                    if (!gone.get()) {
                        response.write(chunk);
                    }
                });
            }

            @Override
            public boolean cancelled() {
                return gone.get();
            }
        };
        try {
            speech.speak(ask.input(), ask.voice(), ask.speed(), sink).whenComplete((ok, failure) -> context.runOnContext(v -> {
                if (gone.get()) {
                    return;
                }
                if (failure != null) {
                    // the status is out: cut the connection rather than end a body that looks whole
                    LOG.warnf("speech failed after its first bytes: %s", failure.getMessage());
                    response.reset();
                    release.run();
                    return;
                }
                // the count is released once the last byte reached the connection, not when the answer was queued
                response.end().onComplete(written -> release.run());
            }));
        } catch (TtsException e) {
            release.run();
            fail(rc, e);
            return;
        }
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, switch (ask.format()) {
            case "wav" -> "audio/wav";
            case "opus" -> "audio/ogg; codecs=opus";
            default -> "audio/pcm";
        });
        if (ask.format().equals("wav")) {
            response.write(streamedWavHeader());
        } else if (opus != null) {
            response.write(Buffer.buffer(opus.header()));
        }
    }

    private static void fail(RoutingContext rc, TtsException e) {
        switch (e.kind()) {
            case INVALID -> RouteErrors.reply(rc, 400, "invalid_request", e.getMessage());
            case BUSY -> {
                rc.response().putHeader("Retry-After", "2");
                RouteErrors.reply(rc, 503, "busy", e.getMessage());
            }
            case UNAVAILABLE -> {
                rc.response().putHeader("Retry-After", "30");
                RouteErrors.reply(rc, 503, "tts_unavailable", e.getMessage());
            }
            case FAILED -> RouteErrors.reply(rc, 500, "tts_failed", e.getMessage());
        }
    }

    private Ask read(String text) {
        JsonNode body;
        try {
            body = StrictJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw invalid("the body is not JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject()) {
            throw invalid("the body must be a JSON object with input, voice, response_format and speed");
        }
        JsonNode input = body.get("input");
        if (input == null || !input.isTextual()) {
            throw invalid("input must be a string: the text to speak");
        }
        String voice = optionalText(body, "voice");
        optionalText(body, "model");
        optionalText(body, "instructions");
        String format = optionalText(body, "response_format");
        format = format == null ? DEFAULT_FORMAT : format.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw invalid("response_format '" + JsonErrors.excerpt(format) + "' is not offered; " + String.join(", ", FORMATS)
                    + " are (24 kHz mono: 16-bit PCM, or Ogg Opus; without response_format the answer is " + DEFAULT_FORMAT + ")");
        }
        String streamFormat = optionalText(body, "stream_format");
        if (streamFormat != null && !streamFormat.equals("audio")) {
            throw invalid("stream_format '" + JsonErrors.excerpt(streamFormat) + "' is not offered; audio is (the body streams as it is made)");
        }
        double speed = 1.0;
        JsonNode s = body.get("speed");
        if (s != null && !s.isNull()) {
            if (!s.isNumber()) {
                throw invalid("speed must be a number from 0.25 to 4.0");
            }
            speed = s.asDouble();
        }
        return new Ask(input.textValue(), voice, format, speed);
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return v.textValue();
    }

    private static TtsException invalid(String message) {
        return new TtsException(TtsException.Kind.INVALID, message);
    }

    /** RIFF/WAVE, PCM 16-bit mono at 24 kHz, both sizes 0xFFFFFFFF: read to the end of the stream. */
    static Buffer streamedWavHeader() {
        int rate = SpeechService.SAMPLE_RATE;
        return Buffer.buffer(44).appendString("RIFF").appendIntLE(-1).appendString("WAVE")
                .appendString("fmt ").appendIntLE(16).appendShortLE((short) 1).appendShortLE((short) 1)
                .appendIntLE(rate).appendIntLE(rate * 2).appendShortLE((short) 2).appendShortLE((short) 16)
                .appendString("data").appendIntLE(-1);
    }
}
