package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.audio.SampleArrays;
import io.localmodels.tts.SpeechService;
import io.localmodels.tts.SpokenAnswer;

import java.util.Base64;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A Live answer spoken: its sentences as {@code modelTurn} parts of 24 kHz PCM16 {@code inlineData},
 * each sentence's text first as {@code outputTranscription} when the setup asked for it.
 */
final class GeminiLiveVoice {

    /** About 100 ms of audio per message: a tenth of a second is as late as an interruption leaves audio in flight. */
    static final int AUDIO_CHUNK_SAMPLES = SpeechService.SAMPLE_RATE / 10;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private GeminiLiveVoice() {
    }

    /**
     * @param heardLanguage the language Whisper heard in the wearer's last spoken turn (may be null): the voice's
     *                      language unless the setup names one
     * @param send where each server message goes
     */
    static SpokenAnswer open(SpeechService speech, GeminiLiveSetup setup, String heardLanguage, Consumer<ObjectNode> send,
                             BooleanSupplier cancelled) {
        String voice = GeminiSpeech.checked(setup.generation().speech(), speech, heardLanguage);
        return new SpokenAnswer(speech, voice, 1.0, new SpokenAnswer.Listener() {
            @Override
            public void sentence(String text) {
                if (setup.outputTranscription()) {
                    ObjectNode m = JSON.objectNode();
                    m.putObject("serverContent").putObject("outputTranscription").put("text", text);
                    send.accept(m);
                }
            }

            @Override
            public void audio(short[] pcm) {
                send.accept(audioTurn(pcm));
            }
        }, cancelled, AUDIO_CHUNK_SAMPLES);
    }

    static ObjectNode audioTurn(short[] pcm) {
        ObjectNode m = JSON.objectNode();
        m.putObject("serverContent").putObject("modelTurn").putArray("parts").addObject().putObject("inlineData")
                .put("mimeType", "audio/pcm;rate=" + SpeechService.SAMPLE_RATE)
                .put("data", Base64.getEncoder().encodeToString(SampleArrays.littleEndian(pcm)));
        return m;
    }
}
