package io.localmodels.models.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Hub is and where its cache lives, resolved as huggingface_hub resolves them, so a model
 * fetched by huggingface-cli, transformers or optimum is found here and the other way round:
 * cache {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}
 * ({@code XDG_CACHE_HOME} moves {@code ~/.cache}); endpoint {@code HF_ENDPOINT}; token
 * {@code HF_TOKEN}, else the file huggingface-cli login writes; {@code HF_HUB_OFFLINE=1}.
 * Explicit {@code lma.models.hub.*} settings win over the environment.
 */
public record HubSettings(URI endpoint, Path cacheDir, Optional<String> token, boolean offline) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        String e = endpoint.toString();
        endpoint = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        token = token.filter(t -> !t.isBlank()).map(String::strip);
    }

    public static HubSettings resolve(HubConfig config, Map<String, String> env) {
        Path home = env.containsKey("HF_HOME") && !env.get("HF_HOME").isBlank() ? Path.of(env.get("HF_HOME"))
                : Path.of(nonBlank(env.get("XDG_CACHE_HOME")).orElse(System.getProperty("user.home") + "/.cache"), "huggingface");
        Path cache = config.cacheDir().orElseGet(() -> nonBlank(env.get("HF_HUB_CACHE")).map(Path::of).orElse(home.resolve("hub")));
        URI endpoint = URI.create(config.endpoint().or(() -> nonBlank(env.get("HF_ENDPOINT"))).orElse(DEFAULT_ENDPOINT));
        Optional<String> token = config.token().or(() -> nonBlank(env.get("HF_TOKEN")))
                .or(() -> readToken(nonBlank(env.get("HF_TOKEN_PATH")).map(Path::of).orElse(home.resolve("token"))));
        boolean offline = config.offline().orElseGet(() -> truthy(env.get("HF_HUB_OFFLINE")));
        return new HubSettings(endpoint, cache, token, offline);
    }

    private static Optional<String> readToken(Path file) {
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    /** huggingface_hub's _is_true: 1, ON, YES, TRUE in any case. */
    static boolean truthy(String v) {
        return v != null && switch (v.strip().toUpperCase(Locale.ROOT)) {
            case "1", "ON", "YES", "TRUE" -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        // never the token itself
        return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token=" + (token.isPresent() ? "set" : "none")
                + ", offline=" + offline + "]";
    }
}
