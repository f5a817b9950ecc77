package io.localmodels.asr;

/**
 * A language or task the loaded Whisper model cannot serve: another language than English, or
 * translation, on an English-only ({@code .en}) model. Transcribing such audio as English would
 * look like success and be wrong.
 */
public class LanguageUnsupportedException extends IllegalArgumentException {

    public static final String CODE = "language_unsupported";

    public LanguageUnsupportedException(String message) {
        super(message);
    }
}
