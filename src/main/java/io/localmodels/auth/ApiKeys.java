package io.localmodels.auth;

import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys, each with a name (the name is what logs and limits see; a key itself is
 * never logged). Comparison is constant-time over the SHA-256 of the presented and stored keys.
 */
@Singleton
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    public static final String ANONYMOUS = "anonymous";

    private record Key(String name, byte[] digest) {
    }

    private final List<Key> keys = new ArrayList<>();

    public ApiKeys(AuthConfig config) {
        for (String entry : config.apiKeys().orElse(List.of())) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new IllegalStateException("lma.auth.api-keys entries are name:key; entry " + (keys.size() + 1)
                        + " has no name or no key (its value is not shown)");
            }
            String name = e.substring(0, colon);
            if (keys.stream().anyMatch(k -> k.name().equals(name))) {
                throw new IllegalStateException("lma.auth.api-keys names the key '" + name + "' twice");
            }
            keys.add(new Key(name, digest(e.substring(colon + 1))));
        }
        LOG.infof(keys.isEmpty() ? "API keys: none configured, every route is open" : "API keys: %d configured (%s)",
                keys.size(), String.join(", ", keys.stream().map(Key::name).toList()));
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** The name of the key presented, if it is one of ours. */
    public Optional<String> identify(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] d = digest(presented);
        String found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.digest(), d)) {
                found = k.name();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The key in an {@code Authorization: Bearer} header, or null. */
    public static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
