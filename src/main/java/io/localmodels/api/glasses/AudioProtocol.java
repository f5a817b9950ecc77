package io.localmodels.api.glasses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.JsonErrors;
import io.localmodels.api.http.StrictBase64;
import io.localmodels.api.http.StrictJson;
import io.localmodels.asr.WhisperLanguages;
import io.localmodels.audio.AudioEncoding;
import io.localmodels.audio.StreamFormat;
import io.localmodels.session.Recognition;
import io.localmodels.session.SessionEvent;
import io.localmodels.session.StreamSettings;
import io.localmodels.vad.VadParameters;

import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The JSON messages of {@code /ws/audio} (see docs/protocol.md): parsing client messages, writing server ones. */
final class AudioProtocol {

    /** Strict: a repeated key or anything after the object is a malformed message, not something to guess at. */
    static final ObjectMapper JSON = StrictJson.MAPPER;
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Set<String> CONFIG_FIELDS = Set.of("type", "session_id", "sample_rate", "encoding", "language",
            "channels", "vad", "interim", "speakers");
    private static final Set<String> VAD_FIELDS = Set.of("threshold", "min_silence_ms", "speech_pad_ms", "min_speech_ms",
            "max_speech_s");

    private AudioProtocol() {
    }

    /** A client message that breaks the protocol; {@code code} is the documented error code. */
    static final class ProtocolError extends Exception {
        final String code;

        ProtocolError(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    sealed interface ClientMessage {
        record Config(JsonNode body) implements ClientMessage {
        }

        record AudioChunk(Long chunkId, byte[] data) implements ClientMessage {
        }

        record EndOfStream() implements ClientMessage {
        }

        /** After an overloaded refusal: the audio that follows continues at byte {@code receivedBytes}. */
        record ResumeAudio(long receivedBytes) implements ClientMessage {
        }
    }

    static ClientMessage parse(String text) throws ProtocolError {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolError("invalid_json", "text messages must be one JSON object: " + JsonErrors.describe(e));
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolError("invalid_json", "text messages must be a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolError("missing_type", "the message has no \"type\" string");
        }
        return switch (type.asText()) {
            case "config" -> new ClientMessage.Config(node);
            case "audio_chunk" -> audioChunk(node);
            case "end_of_stream" -> new ClientMessage.EndOfStream();
            case "resume_audio" -> resumeAudio(node);
            default -> throw new ProtocolError("unknown_type", "unknown message type \"" + type.asText()
                    + "\"; expected config, audio_chunk, resume_audio or end_of_stream");
        };
    }

    private static ClientMessage resumeAudio(JsonNode node) throws ProtocolError {
        JsonNode n = node.get("received_bytes");
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new ProtocolError("invalid_message", "resume_audio needs \"received_bytes\": the non-negative byte offset"
                    + " (from the overloaded error) at which the audio that follows starts");
        }
        return new ClientMessage.ResumeAudio(n.asLong());
    }

    private static ClientMessage audioChunk(JsonNode node) throws ProtocolError {
        JsonNode id = node.get("chunk_id");
        Long chunkId = null;
        if (id != null && !id.isNull()) {
            if (!id.canConvertToLong() || !id.isIntegralNumber() || id.asLong() < 0) {
                throw new ProtocolError("invalid_message", "chunk_id must be a non-negative integer");
            }
            chunkId = id.asLong();
        }
        JsonNode data = node.get("data_b64");
        if (data == null || !data.isTextual()) {
            throw new ProtocolError("invalid_base64", "audio_chunk needs a \"data_b64\" string");
        }
        try {
            return new ClientMessage.AudioChunk(chunkId, StrictBase64.decode(data.asText()));
        } catch (IllegalArgumentException e) {
            throw new ProtocolError("invalid_base64", "data_b64 is not valid base64: " + e.getMessage());
        }
    }

    static StreamSettings settings(JsonNode body, VadParameters defaults, String defaultLanguage) throws ProtocolError {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!CONFIG_FIELDS.contains(f)) {
                throw new ProtocolError("invalid_config", "unknown config field \"" + f + "\"");
            }
        }
        String sessionId = optionalText(body, "session_id").orElse(null);
        if (sessionId != null && !SESSION_ID.matcher(sessionId).matches()) {
            throw new ProtocolError("invalid_config", "session_id must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
        int rate = optionalInt(body, "sample_rate").orElse(16000);
        String enc = optionalText(body, "encoding").orElse("pcm16");
        AudioEncoding encoding = AudioEncoding.fromWire(enc).orElseThrow(() ->
                new ProtocolError("invalid_config", "encoding \"" + enc + "\" is not supported; use \"pcm16\" or \"opus\""
                        + " (lower case)"));
        int channels = optionalInt(body, "channels").orElse(1);
        String asked = optionalText(body, "language").orElse(defaultLanguage);
        String language = WhisperLanguages.normalise(asked).orElse(null);
        if (language == null) {
            throw new ProtocolError("invalid_config", "language \"" + asked + "\" is not one Whisper knows; use an ISO 639-1"
                    + " code such as es or en (optionally with a region, es-ES), or auto");
        }
        StreamFormat format;
        try {
            format = new StreamFormat(rate, encoding, channels);
        } catch (IllegalArgumentException e) {
            throw new ProtocolError("invalid_config", e.getMessage());
        }
        VadParameters vad = defaults;
        JsonNode v = present(body, "vad");
        if (v != null) {
            if (!v.isObject()) {
                throw new ProtocolError("invalid_config", "vad must be an object");
            }
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!VAD_FIELDS.contains(f)) {
                    throw new ProtocolError("invalid_config", "unknown vad field \"" + f + "\"; expected " + VAD_FIELDS);
                }
            }
            try {
                vad = defaults.with(optionalDouble(v, "threshold"), optionalInt(v, "min_silence_ms").orElse(null),
                        optionalInt(v, "speech_pad_ms").orElse(null), optionalInt(v, "min_speech_ms").orElse(null),
                        optionalDouble(v, "max_speech_s"));
            } catch (IllegalArgumentException e) {
                throw new ProtocolError("invalid_config", e.getMessage());
            }
        }
        JsonNode interim = present(body, "interim");
        if (interim != null && !interim.isBoolean()) {
            throw new ProtocolError("invalid_config", "interim must be true or false");
        }
        JsonNode speakers = present(body, "speakers");
        if (speakers != null && !speakers.isBoolean()) {
            throw new ProtocolError("invalid_config", "speakers must be true or false");
        }
        return new StreamSettings(sessionId, format, language, vad, interim == null || interim.asBoolean(),
                speakers == null ? null : speakers.asBoolean());
    }

    /** The field, or null when absent; an explicit null is refused (leave the field out for its default). */
    private static JsonNode present(JsonNode n, String field) throws ProtocolError {
        JsonNode v = n.get(field);
        if (v != null && v.isNull()) {
            throw new ProtocolError("invalid_config", field + " is null; leave the field out to get its default");
        }
        return v;
    }

    private static Optional<String> optionalText(JsonNode n, String field) throws ProtocolError {
        JsonNode v = present(n, field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new ProtocolError("invalid_config", field + " must be a string");
        }
        return Optional.of(v.asText());
    }

    private static Optional<Integer> optionalInt(JsonNode n, String field) throws ProtocolError {
        JsonNode v = present(n, field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ProtocolError("invalid_config", field + " must be an integer");
        }
        return Optional.of(v.asInt());
    }

    private static Double optionalDouble(JsonNode n, String field) throws ProtocolError {
        JsonNode v = present(n, field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new ProtocolError("invalid_config", field + " must be a number");
        }
        return v.asDouble();
    }

    /** overloaded, resume_mismatch: the audio must continue from this position. */
    static String positioned(String code, String message, long receivedBytes, long receivedSamples, Long resumeChunkId) {
        ObjectNode o = JSON.createObjectNode().put("type", "error").put("code", code).put("message", message)
                .put("fatal", false).put("received_bytes", receivedBytes).put("received_samples", receivedSamples);
        if (resumeChunkId != null) {
            o.put("chunk_id", resumeChunkId);
        }
        return o.toString();
    }

    static String error(String code, String message, boolean fatal) {
        ObjectNode o = JSON.createObjectNode().put("type", "error").put("code", code).put("message", message)
                .put("fatal", fatal);
        return o.toString();
    }

    private static double round4(double x) {
        return Math.round(x * 10_000) / 10_000.0;
    }

    static String toJson(SessionEvent event) {
        ObjectNode o = JSON.createObjectNode();
        if (event instanceof SessionEvent.Attached a) {
            o.put("type", "config_ack").put("session_id", a.sessionId()).put("sample_rate", a.sampleRate())
                    .put("encoding", a.encoding()).put("channels", a.channels()).put("language", a.language())
                    .put("resumed", a.resumed()).put("received_seconds", a.receivedSeconds())
                    .put("received_samples", a.receivedSamples()).put("received_bytes", a.receivedBytes())
                    .put("last_chunk_id", a.lastChunkId()).put("audio_sha256", a.audioSha256());
        } else if (event instanceof SessionEvent.SpeechStarted s) {
            o.put("type", "speech_started").put("session_id", s.sessionId()).put("start", s.start());
        } else if (event instanceof SessionEvent.SpeechStopped s) {
            o.put("type", "speech_stopped").put("session_id", s.sessionId()).put("segment_id", s.segmentId())
                    .put("start", s.start()).put("end", s.end());
        } else if (event instanceof SessionEvent.Error e) {
            return error(e.code(), e.message(), e.fatal());
        } else if (event instanceof SessionEvent.FinalResult f) {
            o.put("type", "final_result");
            o.setAll((ObjectNode) JSON.valueToTree(f.document()));
        } else if (event instanceof SessionEvent.Reconnect r) {
            o.put("type", "reconnect").put("session_id", r.sessionId()).put("reason", r.reason())
                    .put("retry_after_ms", r.retryAfterMillis());
        } else if (event instanceof SessionEvent.Notice n) {
            o.put("type", "notice").put("session_id", n.sessionId()).put("code", n.code()).put("message", n.message());
        } else if (event instanceof SessionEvent.Interim i) {
            o.put("type", "interim_result").put("session_id", i.sessionId()).put("segment_id", i.segmentId()).put("start", i.start())
                    .put("text", i.text()).put("stable", i.stable()).put("unstable", i.unstable());
        } else if (event instanceof SessionEvent.PartialResult p) {
            Recognition r = p.recognition();
            o.put("type", "partial_result").put("session_id", p.sessionId()).put("segment_id", r.segmentId())
                    .put("start", r.start()).put("end", r.end()).put("speaker", r.speaker()).put("text", r.text()).put("language", r.language())
                    .put("avg_logprob", round4(r.avgLogprob())).put("no_speech_prob", round4(r.noSpeechProb()));
            if (r.dropped() != null) {
                o.put("dropped", r.dropped());
            }
            if (r.pieces().size() > 1) {
                var pieces = o.putArray("segments");
                for (Recognition.Piece piece : r.pieces()) {
                    pieces.addObject().put("start", piece.start()).put("end", piece.end()).put("text", piece.text());
                }
            }
            if (!r.turns().isEmpty()) {
                var turns = o.putArray("speaker_turns");
                for (Recognition.Turn t : r.turns()) {
                    turns.addObject().put("start", t.start()).put("end", t.end()).put("speaker", t.speaker());
                }
            }
        } else if (event instanceof SessionEvent.Ended e) {
            o.put("type", "stream_ended").put("session_id", e.sessionId()).put("received_seconds", e.receivedSeconds())
                    .put("received_samples", e.receivedSamples()).put("audio_sha256", e.audioSha256())
                    .put("segments", e.segments()).put("stored", e.stored());
        }
        return o.toString();
    }
}
