package io.localmodels.asr;

/** The ASR queue is full; the caller should retry later (HTTP 503, WebSocket {@code asr_busy}). */
public class AsrBusyException extends RuntimeException {
    public AsrBusyException(String message) {
        super(message);
    }
}
