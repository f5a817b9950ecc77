package io.localmodels.models.hub;

import io.localmodels.asr.WhisperModelFiles;
import io.localmodels.asr.WhisperSelection;
import io.localmodels.testing.FakeHub;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hub client against a loopback Hub serving the v2 fixture Whisper as onnx-community/whisper-tiny
 * (with decoy files of other precisions): the Hugging Face cache layout it writes, what it fetches,
 * offline use, resume, checksum refusal, lock-sharing replicas, and the errors with their fixes.
 */
class HubFetcherTest {

    private static final String REPO = "onnx-community/whisper-tiny";
    private static final HubRef REF = HubRef.parse(REPO).orElseThrow();
    private static final List<String> FP32 = List.of("fp32");

    @TempDir
    Path tmp;
    private FakeHub hub;
    private String commit;
    private Path fixture;
    private byte[] decoy;

    @BeforeEach
    void start() throws Exception {
        fixture = WhisperFixtures.model("v2-merged");
        hub = new FakeHub();
        decoy = new byte[200_000];
        new Random(3).nextBytes(decoy);
        commit = hub.serve(REPO, fixture, Map.of("onnx/encoder_model_fp16.onnx", decoy, "onnx/decoder_model_merged_fp16.onnx", decoy,
                "README.md", "# whisper-tiny\n".getBytes()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubSettings settings(boolean offline, String token) {
        return new HubSettings(hub.endpoint(), tmp.resolve("hub"), Optional.ofNullable(token), offline);
    }

    private HubFetcher fetcher(HubSettings s, int retries) {
        return new HubFetcher(s, new HubClient(s, Duration.ofSeconds(2), Duration.ofSeconds(5)), retries, Duration.ofMillis(10),
                Duration.ofSeconds(2), null);
    }

    private HubFetcher fetcher() {
        return fetcher(settings(false, null), 3);
    }

    private static HubFetcher.FileSelector whisper(List<String> precisions) {
        return available -> {
            try {
                return WhisperSelection.choose(available, precisions, WhisperModelFiles.Layout.AUTO).files();
            } catch (WhisperSelection.NotAnExport e) {
                throw new HubException(HubException.Kind.NOT_FOUND, e.getMessage(), "pick another precision");
            }
        };
    }

    private byte[] fixtureBytes(String path) throws Exception {
        return Files.readAllBytes(fixture.resolve(path));
    }

    @Test
    void fetchesOnlyTheChosenPrecisionIntoTheHuggingFaceCacheLayout() throws Exception {
        DownloadProgress progress = new DownloadProgress();
        Path snapshot = fetcher().fetch(REF, whisper(FP32), progress);
        Path repo = tmp.resolve("hub/models--onnx-community--whisper-tiny");
        assertEquals(repo.resolve("snapshots").resolve(commit), snapshot);
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
        for (String f : List.of("onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx", "config.json", "tokenizer.json")) {
            Path link = snapshot.resolve(f);
            assertTrue(Files.isSymbolicLink(link), f + " is a link into blobs/");
            byte[] bytes = fixtureBytes(f);
            String etag = FakeHub.lfs(f, bytes) ? FakeHub.sha256(bytes) : FakeHub.gitBlobId(bytes);
            // huggingface_hub's links are relative: ../../blobs/<etag>, one more ../ per folder inside the repo
            String expectedTarget = "../".repeat(2 + (int) f.chars().filter(c -> c == '/').count()) + "blobs/" + etag;
            assertEquals(expectedTarget, Files.readSymbolicLink(link).toString().replace('\\', '/'), f);
            assertArrayEquals(bytes, Files.readAllBytes(link), f);
        }
        List<String> asked = hub.requests().stream().map(FakeHub.Request::path).toList();
        assertTrue(asked.stream().noneMatch(p -> p.contains("fp16") || p.contains("README")), "only what the engine needs: " + asked);
        assertTrue(asked.get(0).startsWith("/api/models/onnx-community/whisper-tiny/revision/main"), asked.get(0));
        assertTrue(asked.stream().anyMatch(p -> p.startsWith("/repos/")), "the .onnx files came through the CDN redirect: " + asked);
        assertEquals(Files.size(fixture.resolve("onnx/encoder_model.onnx")) + Files.size(fixture.resolve("onnx/decoder_model_merged.onnx")),
                progress.totalBytes() - sideFilesSize(snapshot), "progress counts the bytes to fetch");
        assertEquals(100, progress.percent());
        try (var files = Files.walk(repo.resolve("blobs"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
        // the result loads as an export folder
        WhisperModelFiles.find(snapshot, "fp32", WhisperModelFiles.Layout.AUTO);
    }

    private long sideFilesSize(Path snapshot) throws Exception {
        long n = 0;
        try (var walk = Files.walk(snapshot)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (!p.toString().endsWith(".onnx")) {
                    n += Files.size(p);
                }
            }
        }
        return n;
    }

    @Test
    void offlineMakesNoRequestAndUsesTheCachedSnapshot() throws Exception {
        Path first = fetcher().fetch(REF, whisper(FP32), new DownloadProgress());
        hub.clearRequests();
        Path again = fetcher(settings(true, null), 3).fetch(REF, whisper(FP32), new DownloadProgress());
        assertEquals(first, again);
        assertEquals(List.of(), hub.requests(), "HF_HUB_OFFLINE: no request at all");
        HubException e = assertThrows(HubException.class, () -> fetcher(settings(true, null), 3)
                .fetch(HubRef.parse("onnx-community/whisper-base").orElseThrow(), whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.OFFLINE, e.kind());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE") && e.hint().contains("huggingface-cli download"), e.describe());
    }

    @Test
    void aCacheLaidOutByHandAsHuggingfaceHubDoesIsUsedAsItIs() throws Exception {
        Path repo = tmp.resolve("hub/models--onnx-community--whisper-tiny");
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        try (var walk = Files.walk(fixture)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = fixture.relativize(p).toString();
                byte[] bytes = Files.readAllBytes(p);
                String etag = FakeHub.lfs(rel, bytes) ? FakeHub.sha256(bytes) : FakeHub.gitBlobId(bytes);
                Path blob = repo.resolve("blobs").resolve(etag);
                Files.createDirectories(blob.getParent());
                Files.write(blob, bytes);
                Path link = snapshot.resolve(rel);
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, link.getParent().relativize(blob));
            }
        }
        assertEquals(snapshot, fetcher(settings(true, null), 3).fetch(REF, whisper(FP32), new DownloadProgress()));
        assertEquals(List.of(), hub.requests());
        DownloadProgress online = new DownloadProgress();
        assertEquals(snapshot, fetcher().fetch(REF, whisper(FP32), online));
        assertEquals(1, hub.requests().size(), "online: the listing only, every file already there: " + hub.requests());
        assertEquals(0, online.totalBytes(), "nothing of the hand-laid snapshot counts as still to fetch");
    }

    @Test
    void anInterruptedDownloadResumesFromWhereItStopped() throws Exception {
        byte[] encoder = fixtureBytes("onnx/encoder_model.onnx");
        hub.cutShort(encoder, 20_000, 1);
        fetcher().fetch(REF, whisper(FP32), new DownloadProgress());
        String sha = FakeHub.sha256(encoder);
        List<String> ranges = hub.requests().stream().filter(r -> r.path().startsWith("/repos/" + sha)).map(r -> String.valueOf(r.range())).toList();
        assertEquals(List.of("null", "bytes=20000-"), ranges, "the second request asks only for what is missing");
        assertArrayEquals(encoder, Files.readAllBytes(tmp.resolve("hub/models--onnx-community--whisper-tiny/blobs").resolve(sha)));
    }

    @Test
    void aDownloadCutAcrossRestartsResumesTooAndNeverAppearsComplete() throws Exception {
        byte[] encoder = fixtureBytes("onnx/encoder_model.onnx");
        String sha = FakeHub.sha256(encoder);
        hub.cutShort(encoder, 30_000, 1);
        HubException e = assertThrows(HubException.class, () -> fetcher(settings(false, null), 0).fetch(REF, whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.FAILED, e.kind(), e.describe());
        Path blobs = tmp.resolve("hub/models--onnx-community--whisper-tiny/blobs");
        assertFalse(Files.exists(blobs.resolve(sha)), "a partial file never has the final name");
        assertEquals(30_000, Files.size(blobs.resolve(sha + ".incomplete")));
        assertNull(fetcher().cached(REF, whisper(FP32)), "an incomplete snapshot is not offered as cached");
        hub.clearRequests();
        fetcher().fetch(REF, whisper(FP32), new DownloadProgress());
        assertEquals(List.of("bytes=30000-"), hub.requests().stream().filter(r -> r.path().startsWith("/repos/" + sha))
                .map(r -> String.valueOf(r.range())).toList());
        assertArrayEquals(encoder, Files.readAllBytes(blobs.resolve(sha)));
    }

    @Test
    void aFileWithTheWrongSha256IsRefusedAndFetchedAgainThenTheFetchFailsWithBothSums() throws Exception {
        byte[] decoder = fixtureBytes("onnx/decoder_model_merged.onnx");
        String sha = FakeHub.sha256(decoder);
        hub.corrupt(decoder, 1);
        fetcher().fetch(REF, whisper(FP32), new DownloadProgress());
        assertEquals(2, hub.requests().stream().filter(r -> r.path().startsWith("/repos/" + sha)).count(), "fetched again after the mismatch");
        Path blobs = tmp.resolve("hub/models--onnx-community--whisper-tiny/blobs");
        assertArrayEquals(decoder, Files.readAllBytes(blobs.resolve(sha)));

        FakeHub other = new FakeHub();
        try {
            other.serve(REPO, fixture, Map.of());
            other.corrupt(decoder, 10);
            HubSettings s = new HubSettings(other.endpoint(), tmp.resolve("hub2"), Optional.empty(), false);
            HubException e = assertThrows(HubException.class, () -> fetcher(s, 3).fetch(REF, whisper(FP32), new DownloadProgress()));
            assertEquals(HubException.Kind.CHECKSUM, e.kind());
            assertTrue(e.getMessage().contains("expected " + sha) && e.getMessage().contains("actual "), e.getMessage());
            try (var files = Files.walk(tmp.resolve("hub2"))) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(sha) && !p.toString().endsWith(".lock")),
                        "nothing of the bad copy is kept");
            }
        } finally {
            other.close();
        }
    }

    @Test
    void aResolveThatAnnouncesOtherBytesThanTheListingIsRefusedBeforeDownloading() throws Exception {
        byte[] encoder = fixtureBytes("onnx/encoder_model.onnx");
        hub.announce(encoder, "0".repeat(64));
        HubException e = assertThrows(HubException.class, () -> fetcher().fetch(REF, whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.CHECKSUM, e.kind());
        assertTrue(e.getMessage().contains("serves " + "0".repeat(64)), e.getMessage());
    }

    @Test
    void anInterruptedFetchStopsWithoutRetryingAndKeepsThePartialFile() throws Exception {
        byte[] encoder = fixtureBytes("onnx/encoder_model.onnx");
        hub.delay(encoder, 800);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                fetcher().fetch(REF, whisper(FP32), new DownloadProgress());
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        Thread.sleep(300);
        t.interrupt();  // what the service does at shutdown
        Throwable e = outcome.get(30, TimeUnit.SECONDS);
        assertTrue(e instanceof HubException h && h.getMessage().contains("interrupted"), String.valueOf(e));
        String sha = FakeHub.sha256(encoder);
        assertEquals(1, hub.requests().stream().filter(r -> r.path().startsWith("/repos/" + sha)).count(), "no retry after an interrupt");
        assertFalse(Files.exists(tmp.resolve("hub/models--onnx-community--whisper-tiny/blobs").resolve(sha)));
    }

    @Test
    void twoReplicasOnOneVolumeFetchEachBlobOnce() throws Exception {
        byte[] encoder = fixtureBytes("onnx/encoder_model.onnx");
        hub.delay(encoder, 700);  // both are inside the fetch while the first holds the blob's lock
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Path>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HubFetcher f = fetcher();
            CompletableFuture<Path> run = new CompletableFuture<>();
            runs.add(run);
            Thread t = new Thread(() -> {
                try {
                    together.await();
                    run.complete(f.fetch(REF, whisper(FP32), new DownloadProgress()));
                } catch (Exception e) {
                    run.completeExceptionally(e);
                }
            });
            t.start();
        }
        assertEquals(runs.get(0).get(), runs.get(1).get());
        String sha = FakeHub.sha256(encoder);
        assertEquals(1, hub.requests().stream().filter(r -> r.path().startsWith("/repos/" + sha)).count(),
                "the second replica waits on the lock and finds the blob: " + hub.requests());
    }

    @Test
    void gatedRepositoriesNeedATokenThatNeverTravelsToTheCdn() throws Exception {
        hub.serveGated("org/gated-whisper", fixture, "hf_granted");
        HubRef gated = HubRef.parse("org/gated-whisper").orElseThrow();
        HubException none = assertThrows(HubException.class, () -> fetcher().fetch(gated, whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.UNAUTHORIZED, none.kind());
        assertTrue(none.hint().contains("accept its licence") && none.hint().contains("HF_TOKEN"), none.describe());
        HubException wrong = assertThrows(HubException.class, () -> fetcher(settings(false, "hf_other"), 3).fetch(gated, whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.UNAUTHORIZED, wrong.kind());
        assertTrue(wrong.getMessage().contains("403"), wrong.getMessage());
        assertFalse(wrong.describe().contains("hf_other"), "the token is never in a message");
        hub.clearRequests();
        fetcher(settings(false, "hf_granted"), 3).fetch(gated, whisper(FP32), new DownloadProgress());
        for (FakeHub.Request r : hub.requests()) {
            assertEquals(r.server().equals("hub") ? "Bearer hf_granted" : null, r.authorization(), r.toString());
        }
    }

    @Test
    void notFoundSaysWhatIsMissingAndWhichPrecisionsExist() {
        HubException repo = assertThrows(HubException.class, () -> fetcher().fetch(HubRef.parse("nobody/nothing").orElseThrow(),
                whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.NOT_FOUND, repo.kind());
        assertTrue(repo.getMessage().contains("RepoNotFound") && repo.hint().contains("/nobody/nothing"), repo.describe());
        HubException revision = assertThrows(HubException.class, () -> fetcher().fetch(HubRef.parse(REPO + "@v9").orElseThrow(),
                whisper(FP32), new DownloadProgress()));
        assertTrue(revision.hint().contains("no revision 'v9'"), revision.describe());
        HubException precision = assertThrows(HubException.class, () -> fetcher().fetch(REF, whisper(List.of("q4")), new DownloadProgress()));
        assertEquals(HubException.Kind.NOT_FOUND, precision.kind());
        assertTrue(precision.getMessage().contains("fp32, fp16"), "lists the precisions the repo has: " + precision.getMessage());
    }

    @Test
    void anUnreachableHubSaysSoWithTheOfflineFixAndFallsBackToTheCache() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        HubSettings unreachable = new HubSettings(URI.create("http://127.0.0.1:" + closed), tmp.resolve("hub"), Optional.empty(), false);
        HubException e = assertThrows(HubException.class, () -> fetcher(unreachable, 0).fetch(REF, whisper(FP32), new DownloadProgress()));
        assertEquals(HubException.Kind.OFFLINE, e.kind());
        assertTrue(e.hint().contains("HF_HUB_OFFLINE") && e.hint().contains("HF_ENDPOINT"), e.describe());
        Path cached = fetcher().fetch(REF, whisper(FP32), new DownloadProgress());
        assertEquals(cached, fetcher(unreachable, 0).fetch(REF, whisper(FP32), new DownloadProgress()));
    }

    @Test
    void bytesAreCounted() throws Exception {
        AtomicLong bytes = new AtomicLong();
        HubSettings s = settings(false, null);
        new HubFetcher(s, new HubClient(s, Duration.ofSeconds(2), Duration.ofSeconds(5)), 0, Duration.ZERO, Duration.ofSeconds(2),
                bytes::addAndGet).fetch(REF, whisper(FP32), new DownloadProgress());
        assertEquals(Files.size(fixture.resolve("onnx/encoder_model.onnx")) + Files.size(fixture.resolve("onnx/decoder_model_merged.onnx"))
                + sideFilesSize(tmp.resolve("hub/models--onnx-community--whisper-tiny/snapshots").resolve(commit)), bytes.get());
    }
}
