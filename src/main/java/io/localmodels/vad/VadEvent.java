package io.localmodels.vad;

/** What a stream reports, in seconds since its first sample. */
public sealed interface VadEvent {

    record SpeechStarted(double start) implements VadEvent {
    }

    record SpeechStopped(Utterance utterance) implements VadEvent {
    }
}
