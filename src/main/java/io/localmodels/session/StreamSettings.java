package io.localmodels.session;

import io.localmodels.audio.StreamFormat;
import io.localmodels.vad.VadParameters;

/** What a client's config message asks for, validated. {@code interim}: captions while speech is open (interim_result). */
public record StreamSettings(String sessionId, StreamFormat format, String language, VadParameters vad, boolean interim) {

    public StreamSettings(String sessionId, StreamFormat format, String language, VadParameters vad) {
        this(sessionId, format, language, vad, false);
    }
}
