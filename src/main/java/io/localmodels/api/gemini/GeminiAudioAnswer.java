package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.Failures;
import io.localmodels.audio.SampleArrays;
import io.localmodels.llm.Generation;
import io.localmodels.tts.SpeechService;
import io.localmodels.tts.SpokenAnswer;
import io.localmodels.tts.TtsException;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A generateContent answer with {@code responseModalities: ["AUDIO"]}: the text (the LLM's answer as
 * it streams, or, for a speech model, the text given) spoken into {@code audio/L16;codec=pcm;rate=24000}
 * parts, as Google's speech models answer; streamed chunk by chunk on streamGenerateContent, one part
 * for generateContent. It holds one of the places of {@code lma.tts.max-streams} until closed.
 */
final class GeminiAudioAnswer implements SpokenAnswer.Listener, AutoCloseable {

    /** Google's mime type for its speech models' audio. */
    static final String MIME_TYPE = "audio/L16;codec=pcm;rate=" + SpeechService.SAMPLE_RATE;
    /** A streamed event carries about half a second of audio. */
    private static final int STREAM_CHUNK_SAMPLES = SpeechService.SAMPLE_RATE / 2;

    private final SpokenAnswer voice;
    private final GeminiStream sse;
    private final ByteArrayOutputStream whole;
    private final SpeechService.Slot slot;

    /**
     * Refuses at once what cannot be spoken: speech output not ready (503, or 501 when it is off or
     * missing), an unknown voice or language (400), all places taken (429).
     *
     * @param sse the stream the audio goes out on; null to gather it for one answer
     */
    GeminiAudioAnswer(SpeechService speech, GeminiSpeech config, GeminiStream sse, BooleanSupplier gone) {
        String name = GeminiSpeech.readyVoice(config, speech);
        this.sse = sse;
        this.whole = sse == null ? new ByteArrayOutputStream() : null;
        this.voice = new SpokenAnswer(speech, name, 1.0, this, gone, sse == null ? SpeechService.SAMPLE_RATE : STREAM_CHUNK_SAMPLES);
        try {
            this.slot = speech.admit();
        } catch (TtsException e) {
            throw new ApiException(429, "RESOURCE_EXHAUSTED", e.getMessage());
        }
    }

    /** The next piece of the text to speak. */
    void text(String piece) {
        voice.text(piece);
    }

    /**
     * The text is complete: once all of it was spoken, the answer ends (on {@code context}): the last
     * event of a stream, or the whole response with {@code text} before the audio when not null.
     * {@code g}: the LLM's answer, for usage (null for a speech model).
     */
    void finish(RoutingContext rc, String id, String model, Generation g, String text, Context context) {
        voice.finish().whenComplete((ok, failure) -> context.runOnContext(v -> {
            Throwable cause = Failures.cause(failure);
            if (cause != null) {
                fail(rc, sse, cause);
            } else if (sse != null) {
                sse.finishSpoken(g);
            } else {
                List<ObjectNode> parts = new ArrayList<>();
                if (text != null) {
                    parts.add(GeminiStream.textPart(text));
                }
                parts.add(GeminiStream.audioPart(whole.toByteArray()));
                rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(GeminiStream.response(id, model, parts, g, true).toString());
            }
        }));
    }

    /** Speech that failed after the request was taken, in Google's shape (on the stream once it started). */
    private static void fail(RoutingContext rc, GeminiStream sse, Throwable cause) {
        int status = cause instanceof TtsException e ? switch (e.kind()) {
            case INVALID -> 400;
            case BUSY -> 429;
            case UNAVAILABLE -> 503;
            case FAILED -> 500;
        } : 500;
        if (sse != null && sse.started()) {
            sse.error(status, cause.getMessage());
        } else {
            GeminiRoute.reply(rc, status, cause.getMessage());
        }
    }

    @Override
    public void sentence(String text) {
        // generateContent has no transcription of its audio
    }

    @Override
    public void audio(short[] pcm) {
        byte[] bytes = SampleArrays.littleEndian(pcm);
        if (sse != null) {
            sse.audio(bytes);
        } else {
            whole.write(bytes, 0, bytes.length);
        }
    }

    @Override
    public void close() {
        slot.close();
    }

    /** Google's speech-generation models (gemini-2.5-flash-preview-tts, …): they speak the text they are given. */
    static boolean isSpeechModel(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return m.endsWith("-tts") || m.contains("-tts-") || m.contains("-tts@");
    }

    /**
     * What a speech model says: the text of the last user turn; with several speakers, a line that
     * starts with a speaker's name and a colon is said without them (this server has one voice per language).
     */
    static String script(List<GeminiRequests.Turn> turns, Map<String, String> speakers, int maxChars) {
        GeminiRequests.Turn last = null;
        for (GeminiRequests.Turn t : turns) {
            if (t.role().equals("user")) {
                last = t;
            }
        }
        List<String> texts = new ArrayList<>();
        if (last != null) {
            for (GeminiRequests.Part p : last.parts()) {
                if (p instanceof GeminiRequests.Part.Text t) {
                    texts.add(t.text());
                } else {
                    throw GeminiRequests.invalid("a speech model speaks text: the last user turn holds inlineData");
                }
            }
        }
        String text = String.join("\n", texts);
        if (text.isBlank()) {
            throw GeminiRequests.invalid("a speech model needs text to speak in the last user turn");
        }
        if (text.length() > maxChars) {
            throw GeminiRequests.invalid("the text to speak has " + text.length() + " characters; at most " + maxChars
                    + " (lma.tts.max-input-chars)");
        }
        if (speakers.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            boolean labelled = colon > 0 && speakers.containsKey(line.substring(0, colon).strip());
            out.append(labelled ? line.substring(colon + 1).strip() : line).append('\n');
        }
        return out.toString();
    }
}
