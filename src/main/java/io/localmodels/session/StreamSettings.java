package io.localmodels.session;

import io.localmodels.audio.StreamFormat;
import io.localmodels.vad.VadParameters;

/**
 * What a client's config message asks for, validated. {@code interim}: captions while speech is open
 * (interim_result); {@code speakers}: speaker labels, null where the client did not say (then
 * lma.speakers.enabled decides).
 */
public record StreamSettings(String sessionId, StreamFormat format, String language, VadParameters vad, boolean interim, Boolean speakers) {

    public StreamSettings(String sessionId, StreamFormat format, String language, VadParameters vad) {
        this(sessionId, format, language, vad, false, null);
    }
}
