package io.localmodels.audio;

import java.util.Locale;
import java.util.Optional;

/** How the client's audio bytes are encoded. */
public enum AudioEncoding {
    /** Signed 16-bit little-endian PCM, interleaved when stereo. */
    PCM16,
    /** One Opus packet per message (Ogg framing removed), as Opus encoders on phones emit them. */
    OPUS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AudioEncoding> fromWire(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (AudioEncoding e : values()) {
            if (e.wireName().equals(s)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
