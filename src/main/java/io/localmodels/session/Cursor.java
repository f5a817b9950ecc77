package io.localmodels.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** A listing position: the (created-at, id) of the last item of a page, opaque to clients. */
record Cursor(Instant createdAt, String id) {

    static String of(Instant createdAt, String id) {
        String raw = createdAt.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), raw.substring(colon + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid cursor");
        }
    }

    /** True when (createdAt, id) comes after this cursor. */
    boolean before(Instant otherCreated, String otherId) {
        int c = otherCreated.compareTo(createdAt);
        return c > 0 || (c == 0 && otherId.compareTo(id) > 0);
    }
}
