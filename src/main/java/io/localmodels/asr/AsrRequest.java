package io.localmodels.asr;

/**
 * One piece of 16 kHz mono audio (at most 30 s) to recognise. {@code language} null or "auto" asks
 * for detection; {@code offsetSeconds} is where the audio starts in its session, added to every time.
 */
public record AsrRequest(float[] audio, String language, Task task, boolean timestamps, String prompt, double offsetSeconds) {

    public enum Task { TRANSCRIBE, TRANSLATE }

    public AsrRequest {
        if (audio.length > LogMelSpectrogram.CHUNK_SAMPLES) {
            throw new IllegalArgumentException("one request holds at most 30 s of audio (" + audio.length + " samples)");
        }
        if (language != null && (language.isBlank() || language.equals("auto"))) {
            language = null;
        }
        task = task == null ? Task.TRANSCRIBE : task;
        prompt = prompt == null || prompt.isBlank() ? null : prompt;
    }

    public double durationSeconds() {
        return audio.length / (double) LogMelSpectrogram.SAMPLE_RATE;
    }
}
