package io.localmodels.session;

import io.localmodels.audio.StreamFormat;
import io.localmodels.vad.VadParameters;

/** What a client's config message asks for, validated. */
public record StreamSettings(String sessionId, StreamFormat format, String language, VadParameters vad) {
}
