package io.localmodels.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A loopback server that behaves like the Hugging Face Hub for the requests huggingface_hub makes:
 * {@code GET /api/models/{repo}/revision/{rev}?blobs=true} (sha, siblings with size, blobId and lfs
 * sha256), {@code GET /{repo}/resolve/{rev}/{path}} answering small files itself (ETag = git blob
 * id, X-Repo-Commit) and LFS files (every .onnx, .onnx_data and anything over 10 kB) with a 302 to a
 * second server standing in for the CDN (another port, so another origin: a token must not follow),
 * with X-Linked-Etag / X-Linked-Size; Range on both; X-Error-Code on errors (RepoNotFound,
 * RevisionNotFound, EntryNotFound, GatedRepo). Faults on demand: cut a file's body short, serve
 * corrupt bytes. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {

    public record Request(String server, String method, String path, String range, String authorization) {
    }

    private record Repo(String id, String commit, Map<String, byte[]> files, boolean gated, String grantedToken) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/([^?]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, long[]> cuts = new ConcurrentHashMap<>();      // sha256 -> {after bytes, times left}
    private final Map<String, AtomicInteger> corrupt = new ConcurrentHashMap<>();  // sha256 -> times left
    private final Map<String, Long> delays = new ConcurrentHashMap<>();  // sha256 -> millis before the body
    private final Map<String, String> announced = new ConcurrentHashMap<>();  // sha256 -> X-Linked-Etag to send instead
    private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();  // sha256 -> released when

    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        hub.createContext("/", e -> handle("hub", e));
        cdn.createContext("/", e -> handle("cdn", e));
        hub.setExecutor(Executors.newCachedThreadPool(daemon("fake-hub")));
        cdn.setExecutor(Executors.newCachedThreadPool(daemon("fake-hub-cdn")));
        hub.start();
        cdn.start();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    /** Serves every file under {@code dir} (plus {@code extra}) as repository {@code repoId} at one commit. */
    public String serve(String repoId, Path dir, Map<String, byte[]> extra) throws IOException {
        return serve(repoId, dir, extra, false, null);
    }

    /** A gated repository: 401 without a token, 403 with another token than {@code granted}. */
    public String serveGated(String repoId, Path dir, String granted) throws IOException {
        return serve(repoId, dir, Map.of(), true, granted);
    }

    private String serve(String repoId, Path dir, Map<String, byte[]> extra, boolean gated, String granted) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith(".")) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        files.putAll(extra);
        MessageDigest d = sha("SHA-1");
        files.forEach((k, v) -> {
            d.update(k.getBytes(StandardCharsets.UTF_8));
            d.update(v);
        });
        String commit = HexFormat.of().formatHex(d.digest());
        repos.put(repoId, new Repo(repoId, commit, files, gated, granted));
        files.forEach((k, v) -> blobs.put(sha256(v), v));
        return commit;
    }

    public static boolean lfs(String path, byte[] bytes) {
        return path.endsWith(".onnx") || path.contains(".onnx_data") || bytes.length > 10_000;
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha("SHA-256").digest(bytes));
    }

    /** git's blob id: sha1 of "blob <size>\0" and the bytes. */
    public static String gitBlobId(byte[] bytes) {
        MessageDigest d = sha("SHA-1");
        d.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
        d.update(bytes);
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code times} responses for the file with these bytes stop after {@code afterBytes} body bytes. */
    public void cutShort(byte[] file, long afterBytes, int times) {
        cuts.put(sha256(file), new long[]{afterBytes, times});
    }

    /** The next {@code times} responses for the file with these bytes carry other bytes of the same length. */
    public void corrupt(byte[] file, int times) {
        corrupt.put(sha256(file), new AtomicInteger(times));
    }

    /** Every response for the file with these bytes waits {@code millis} before its body (a slow link). */
    public void delay(byte[] file, long millis) {
        delays.put(sha256(file), millis);
    }

    /** Responses for the file with these bytes wait, before their body, until {@link #release()}: a download in progress. */
    public void hold(byte[] file) {
        held.put(sha256(file), new CountDownLatch(1));
    }

    public void release() {
        held.values().forEach(CountDownLatch::countDown);
    }

    /** The resolve response of this file announces another sha256 than the listing (the revision moved in between). */
    public void announce(byte[] file, String otherSha256) {
        announced.put(sha256(file), otherSha256);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    private void handle(String server, HttpExchange e) throws IOException {
        String path = e.getRequestURI().getRawPath();
        String query = e.getRequestURI().getRawQuery();
        requests.add(new Request(server, e.getRequestMethod(), path + (query == null ? "" : "?" + query),
                e.getRequestHeaders().getFirst("Range"), e.getRequestHeaders().getFirst("Authorization")));
        try (e) {
            if (server.equals("cdn")) {
                String sha = path.substring(path.lastIndexOf('/') + 1);
                byte[] bytes = blobs.get(sha);
                if (bytes == null) {
                    error(e, 404, "EntryNotFound", "no such object");
                    return;
                }
                body(e, bytes, sha);
                return;
            }
            Matcher api = API.matcher(path);
            if (api.matches()) {
                Repo repo = access(e, api.group(1), decode(api.group(2)));
                if (repo != null) {
                    listing(e, repo);
                }
                return;
            }
            Matcher resolve = RESOLVE.matcher(path);
            if (resolve.matches()) {
                Repo repo = access(e, resolve.group(1), decode(resolve.group(2)));
                if (repo == null) {
                    return;
                }
                String file = decode(resolve.group(3));
                byte[] bytes = repo.files().get(file);
                if (bytes == null) {
                    error(e, 404, "EntryNotFound", file + " does not exist on \"" + resolve.group(2) + "\"");
                    return;
                }
                e.getResponseHeaders().add("X-Repo-Commit", repo.commit());
                if (lfs(file, bytes)) {
                    String sha = sha256(bytes);
                    e.getResponseHeaders().add("X-Linked-Etag", "\"" + announced.getOrDefault(sha, sha) + "\"");
                    e.getResponseHeaders().add("X-Linked-Size", Long.toString(bytes.length));
                    e.getResponseHeaders().add("ETag", "\"" + gitBlobId(bytes) + "\"");
                    e.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/repos/"
                            + sha + "?X-Amz-Signature=fake");
                    e.sendResponseHeaders(302, -1);
                    return;
                }
                e.getResponseHeaders().add("ETag", "\"" + gitBlobId(bytes) + "\"");
                body(e, bytes, sha256(bytes));
                return;
            }
            error(e, 404, null, "not a Hub path");
        }
    }

    private Repo access(HttpExchange e, String repoId, String revision) throws IOException {
        Repo repo = repos.get(repoId);
        if (repo == null) {
            error(e, 404, "RepoNotFound", "Repository Not Found for url: " + e.getRequestURI());
            return null;
        }
        String auth = e.getRequestHeaders().getFirst("Authorization");
        if (repo.gated()) {
            if (auth == null) {
                error(e, 401, "GatedRepo", "Access to model " + repoId + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
                return null;
            }
            if (!auth.equals("Bearer " + repo.grantedToken())) {
                error(e, 403, "GatedRepo", "Access to model " + repoId + " is restricted and you are not in the authorized list.");
                return null;
            }
        }
        if (!revision.equals("main") && !revision.equals(repo.commit())) {
            error(e, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return null;
        }
        return repo;
    }

    private static void listing(HttpExchange e, Repo repo) throws IOException {
        ObjectNode info = JSON.createObjectNode().put("id", repo.id()).put("modelId", repo.id()).put("sha", repo.commit());
        ArrayNode siblings = info.putArray("siblings");
        repo.files().forEach((path, bytes) -> {
            ObjectNode s = siblings.addObject().put("rfilename", path).put("size", bytes.length).put("blobId", gitBlobId(bytes));
            if (lfs(path, bytes)) {
                s.putObject("lfs").put("sha256", sha256(bytes)).put("size", bytes.length).put("pointerSize", 134);
            }
        });
        byte[] out = JSON.writeValueAsBytes(info);
        e.getResponseHeaders().add("Content-Type", "application/json");
        e.sendResponseHeaders(200, out.length);
        e.getResponseBody().write(out);
    }

    private void body(HttpExchange e, byte[] bytes, String sha) throws IOException {
        long from = 0;
        String range = e.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                from = Long.parseLong(m.group(1));
                if (from >= bytes.length) {
                    e.getResponseHeaders().add("Content-Range", "bytes */" + bytes.length);
                    e.sendResponseHeaders(416, -1);
                    return;
                }
            }
        }
        CountDownLatch gate = held.get(sha);
        if (gate != null) {
            try {
                gate.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        Long wait = delays.get(sha);
        if (wait != null) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] served = bytes;
        AtomicInteger bad = corrupt.get(sha);
        if (bad != null && bad.getAndDecrement() > 0) {
            served = bytes.clone();
            served[served.length / 2] ^= 0x5a;
        }
        long length = bytes.length - from;
        if (from > 0) {
            e.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        e.getResponseHeaders().add("Accept-Ranges", "bytes");
        e.sendResponseHeaders(from > 0 ? 206 : 200, length);
        long[] cut = cuts.get(sha);
        long limit = length;
        if (cut != null && cut[1] > 0) {
            cut[1]--;
            limit = Math.max(0, Math.min(length, cut[0] - from));
        }
        OutputStream out = e.getResponseBody();
        out.write(served, (int) from, (int) limit);
        out.flush();
        if (limit < length) {
            // a connection that drops mid-body: the client sees fewer bytes than Content-Length
            throw new IOException("cut short on purpose");
        }
    }

    private static void error(HttpExchange e, int status, String code, String message) throws IOException {
        if (code != null) {
            e.getResponseHeaders().add("X-Error-Code", code);
        }
        e.getResponseHeaders().add("X-Error-Message", message);
        byte[] out = JSON.writeValueAsBytes(Map.of("error", message));
        e.getResponseHeaders().add("Content-Type", "application/json");
        e.sendResponseHeaders(status, out.length);
        e.getResponseBody().write(out);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        release();
        hub.stop(0);
        cdn.stop(0);
    }
}
