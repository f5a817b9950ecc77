package io.localmodels.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.models.StallRule;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two Hub requests the service makes, with the endpoints and headers huggingface_hub uses:
 * the model info with file metadata ({@code GET /api/models/{repo}/revision/{rev}?blobs=true}) and
 * a file at a commit ({@code GET /{repo}/resolve/{commit}/{path}}), which answers large files with a
 * redirect to a CDN. Redirects are followed here, the token only to the Hub's own host.
 */
public final class HubClient {

    /**
     * The body of one file response, positioned where the caller asked to resume; {@code etag} is
     * what the resolve response announced (X-Linked-Etag for LFS files, else ETag), null if nothing.
     */
    public record Body(InputStream in, long start, String etag, HttpURLConnection connection) implements AutoCloseable {
        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection goes anyway
            } finally {
                connection.disconnect();
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final StallRule stall;

    public HubClient(HubSettings settings, Duration connectTimeout, Duration readTimeout) {
        this(settings, connectTimeout, readTimeout, StallRule.DEFAULT);
    }

    public HubClient(HubSettings settings, Duration connectTimeout, Duration readTimeout, StallRule stall) {
        this.settings = settings;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.stall = stall;
    }

    /** How slow a body may come before the attempt counts as stalled. */
    StallRule stall() {
        return stall;
    }

    /** The commit {@code ref} names and every file in it, with sizes and LFS sha256s. */
    public HubListing listing(HubRef ref) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + ref.repo() + "/revision/" + encode(ref.revision()) + "?blobs=true");
        HttpURLConnection c = open(uri, -1);
        try {
            int status = c.getResponseCode();
            if (status != 200) {
                throw failure(status, c, ref, "the file list of " + ref);
            }
            JsonNode info;
            try (InputStream in = c.getInputStream()) {
                info = JSON.readTree(in);
            }
            String commit = info.path("sha").asText("");
            if (!commit.matches("[0-9a-f]{40}")) {
                throw new HubException(HubException.Kind.FAILED, uri + " answered without a commit sha", "check HF_ENDPOINT points at a Hugging Face Hub or mirror");
            }
            List<HubFile> files = new ArrayList<>();
            for (JsonNode s : info.path("siblings")) {
                JsonNode lfs = s.path("lfs");
                String sha = lfs.path("sha256").asText(lfs.path("oid").asText(null));
                long size = lfs.isObject() && lfs.has("size") ? lfs.get("size").asLong() : s.path("size").asLong(-1);
                if (size < 0) {
                    throw new HubException(HubException.Kind.FAILED, uri + " lists " + s.path("rfilename").asText() + " without a size",
                            "check HF_ENDPOINT points at a Hugging Face Hub or mirror");
                }
                files.add(new HubFile(s.path("rfilename").asText(), size, s.path("blobId").asText(null), sha));
            }
            return new HubListing(ref, commit, files);
        } finally {
            c.disconnect();
        }
    }

    /**
     * Opens {@code file} at {@code commit} from byte {@code from} on (a Range request when above 0).
     * The answer may start at 0 when a server ignores the range; {@link Body#start()} says where.
     */
    public Body open(HubRef ref, String commit, HubFile file, long from) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/" + ref.repo() + "/resolve/" + commit + "/" + encodePath(file.path()));
        String etag = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = open(uri, from);
            int status = c.getResponseCode();
            if (etag == null) {
                etag = etag(c);
            }
            if (status >= 300 && status < 400 && c.getHeaderField("Location") != null) {
                uri = uri.resolve(c.getHeaderField("Location"));
                c.disconnect();
                continue;
            }
            if (status == 200) {
                return new Body(c.getInputStream(), 0, etag, c);
            }
            if (status == 206) {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(c.getHeaderField("Content-Range")).trim());
                if (!m.matches()) {
                    c.disconnect();
                    throw new IOException("HTTP 206 without a usable Content-Range from " + uri);
                }
                return new Body(c.getInputStream(), Long.parseLong(m.group(1)), etag, c);
            }
            if (status == 416) {
                c.disconnect();
                return null;  // nothing past what is on disk: the caller starts over
            }
            try {
                throw failure(status, c, ref, file.path() + " of " + ref);
            } finally {
                c.disconnect();
            }
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects fetching " + file.path() + " of " + ref);
    }

    /** huggingface_hub's rule: X-Linked-Etag (the LFS sha256) before ETag; quotes and a weak prefix removed. */
    private static String etag(HttpURLConnection c) {
        String e = c.getHeaderField("X-Linked-Etag");
        if (e == null) {
            e = c.getHeaderField("ETag");
        }
        if (e == null) {
            return null;
        }
        e = e.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    private HttpURLConnection open(URI uri, long from) throws IOException {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "local-models-api; hf_hub/compatible");
            c.setRequestProperty("Accept-Encoding", "identity");
            // the token goes to the Hub only, never to the CDN a large file redirects to
            if (settings.token().isPresent() && sameOrigin(uri, settings.endpoint())) {
                c.setRequestProperty("Authorization", "Bearer " + settings.token().get());
            }
            if (from > 0) {
                c.setRequestProperty("Range", "bytes=" + from + "-");
            }
            c.connect();
            return c;
        } catch (UnknownHostException | ConnectException | NoRouteToHostException | SocketTimeoutException e) {
            throw new HubException(HubException.Kind.OFFLINE, "cannot reach " + uri.getScheme() + "://" + uri.getAuthority()
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", offlineHint(), e);
        }
    }

    static String offlineHint() {
        return "check the network or proxy (HTTPS_PROXY), set HF_ENDPOINT to a reachable mirror, or copy a Hugging Face"
                + " cache that has the model onto this machine (HF_HUB_CACHE) and set HF_HUB_OFFLINE=1";
    }

    private HubException failure(int status, HttpURLConnection c, HubRef ref, String what) {
        String code = c.getHeaderField("X-Error-Code");
        String message = c.getHeaderField("X-Error-Message");
        String detail = "HTTP " + status + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
        String page = settings.endpoint() + "/" + ref.repo();
        if (status == 401 || status == 403) {
            String hint = "GatedRepo".equals(code) || status == 403
                    ? "the repository is gated: accept its licence at " + page + " and set HF_TOKEN to a token of that account"
                    : "the repository is private or gated, or the id is misspelt: check " + page
                    + (settings.token().isPresent() ? " and that HF_TOKEN has access to it" : ", accept its licence there and set HF_TOKEN");
            return new HubException(HubException.Kind.UNAUTHORIZED, what + ": " + detail, hint);
        }
        if (status == 404) {
            String hint = "RevisionNotFound".equals(code) ? "no revision '" + ref.revision() + "' in " + page + " (a branch, tag or commit)"
                    : "EntryNotFound".equals(code) ? "the repository has no such file at that revision"
                    : "check the repository id at " + page;
            return new HubException(HubException.Kind.NOT_FOUND, what + ": " + detail, hint);
        }
        return new HubException(HubException.Kind.FAILED, what + ": " + detail, "the Hub may be having trouble; the fetch is retried at the next start");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("/")) {
            sb.append(sb.length() == 0 ? "" : "/").append(encode(part));
        }
        return sb.toString();
    }
}
