package io.localmodels.models;

import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCacheTest {

    @TempDir
    Path tmp;

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha(byte[] b) {
        var d = Sha256.newDigest();
        d.update(b);
        return Sha256.hex(d);
    }

    static ModelSpec spec(String id, String file, byte[] content, List<URI> urls) {
        return new ModelSpec(id, "test", false, "test model", "MIT", null,
                List.of(new ModelFile(file, content.length, sha(content), urls, null)));
    }

    private Path mirrorWith(String name, String id, String file, byte[] content) throws IOException {
        Path dir = tmp.resolve(name).resolve(id);
        Files.createDirectories(dir);
        Files.write(dir.resolve(file), content);
        return tmp.resolve(name);
    }

    @Test
    void realSileroModelResolvesFromTheSharedMirrorWithItsPinnedHash() throws Exception {
        Path mirrorFile = SharedFiles.require("models/silero-vad/silero_vad.onnx");
        ModelSpec silero = ModelCatalog.fromClasspath().require("silero-vad");
        ModelCache cache = new ModelCache(tmp.resolve("cache"), List.of(mirrorFile.getParent().getParent()), null, false);

        ResolvedModel m = cache.resolve(silero);

        Path cached = m.path("silero_vad.onnx");
        assertEquals(tmp.resolve("cache/silero-vad/silero_vad.onnx").toAbsolutePath(), cached);
        assertEquals(silero.files().get(0).sha256(), Sha256.of(cached));
        assertEquals(Files.size(mirrorFile), Files.size(cached));
    }

    @Test
    void copiesFromMirrorThenServesFromCacheWithoutTheMirror() throws Exception {
        byte[] content = randomBytes(300_000, 1);
        ModelSpec spec = spec("m1", "weights.onnx", content, List.of());
        Path mirror = mirrorWith("mirror", "m1", "weights.onnx", content);
        ModelCache cache = new ModelCache(tmp.resolve("cache"), List.of(mirror), null, false);

        assertTrue(cache.lookup(spec).isEmpty());
        cache.resolve(spec);
        // Remove the mirror: the second resolve must come from the verified cache alone.
        Files.delete(mirror.resolve("m1/weights.onnx"));
        ResolvedModel again = cache.resolve(spec);

        assertArrayEquals(content, Files.readAllBytes(again.path("weights.onnx")));
        assertTrue(cache.lookup(spec).isPresent());
        assertFalse(Files.exists(HttpModelDownloader.partFile(again.path("weights.onnx"))));
    }

    @Test
    void corruptedMirrorCopyIsRejectedNamingFileAndBothHashes() throws Exception {
        byte[] content = randomBytes(200_000, 2);
        byte[] corrupted = content.clone();
        corrupted[12345] ^= 0x01;
        ModelSpec spec = spec("m2", "weights.onnx", content, List.of());
        Path mirror = mirrorWith("bad-mirror", "m2", "weights.onnx", corrupted);
        ModelCache cache = new ModelCache(tmp.resolve("cache"), List.of(mirror), null, false);

        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> cache.resolve(spec));

        String msg = e.getMessage();
        assertTrue(msg.contains(mirror.resolve("m2/weights.onnx").toAbsolutePath().toString()), msg);
        assertTrue(msg.contains("sha256 mismatch"), msg);
        assertTrue(msg.contains("expected " + sha(content)), msg);
        assertTrue(msg.contains("actual " + sha(corrupted)), msg);
        assertTrue(e.sawCorruptCopy());
        Path target = tmp.resolve("cache/m2/weights.onnx");
        assertFalse(Files.exists(target), "a corrupt copy must never appear under the final name");
        assertFalse(Files.exists(HttpModelDownloader.partFile(target)), "no temporary file left behind");
        assertTrue(e.hint().contains("lma.models.mirrors"), e.hint());
    }

    @Test
    void skipsCorruptMirrorAndTakesTheNextGoodOne() throws Exception {
        byte[] content = randomBytes(100_000, 3);
        byte[] truncated = Arrays.copyOf(content, 50_000);
        ModelSpec spec = spec("m3", "w.onnx", content, List.of());
        Path bad = mirrorWith("bad", "m3", "w.onnx", truncated);
        Path good = mirrorWith("good", "m3", "w.onnx", content);
        ModelCache cache = new ModelCache(tmp.resolve("cache"), List.of(tmp.resolve("absent"), bad, good), null, false);

        ResolvedModel m = cache.resolve(spec);

        assertArrayEquals(content, Files.readAllBytes(m.path("w.onnx")));
    }

    @Test
    void tamperedCacheFileIsDetectedRemovedAndRefetched() throws Exception {
        byte[] content = randomBytes(100_000, 4);
        ModelSpec spec = spec("m4", "w.onnx", content, List.of());
        Path mirror = mirrorWith("mirror", "m4", "w.onnx", content);
        ModelCache cache = new ModelCache(tmp.resolve("cache"), List.of(mirror), null, false);
        Path cached = cache.resolve(spec).path("w.onnx");

        byte[] tampered = content.clone();
        tampered[0] ^= 0x7f;
        Files.write(cached, tampered);
        Files.setLastModifiedTime(cached, FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(cache.lookup(spec).isEmpty(), "a changed file no longer counts as verified");

        cache.resolve(spec);
        assertArrayEquals(content, Files.readAllBytes(cached));
    }

    @Test
    void missingEverywhereExplainsWhereItLookedAndHowToFixIt() {
        byte[] content = randomBytes(10, 5);
        ModelSpec spec = spec("m5", "w.onnx", content, List.of());
        ModelCache cache = new ModelCache(tmp.resolve("cache"), List.of(tmp.resolve("nowhere")), null, false);

        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> cache.resolve(spec));

        assertTrue(e.getMessage().contains("downloads disabled"), e.getMessage());
        assertTrue(e.hint().contains(sha(content)), e.hint());
        assertTrue(e.hint().contains("fetch-only"), e.hint());
        assertFalse(e.sawCorruptCopy());
    }
}
