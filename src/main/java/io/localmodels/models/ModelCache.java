package io.localmodels.models;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves catalog models to verified files under {@code <cacheDir>/<model-id>/}: the cache first,
 * then each mirror folder ({@code <mirror>/<model-id>/<file>}), then the catalog URLs. Every copy is
 * written under a temporary name, checked against the pinned size and sha256, and renamed into
 * place atomically; a copy that fails the check is deleted and the next source is tried.
 */
public final class ModelCache {

    private static final Logger LOG = Logger.getLogger(ModelCache.class);

    private final Path cacheDir;
    private final List<Path> mirrors;
    private final HttpModelDownloader downloader;
    private final boolean rehash;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** @param downloader null when downloads are disabled */
    public ModelCache(Path cacheDir, List<Path> mirrors, HttpModelDownloader downloader, boolean rehash) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.mirrors = mirrors.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.downloader = downloader;
        this.rehash = rehash;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public Path modelDir(String modelId) {
        return cacheDir.resolve(modelId);
    }

    /** The model if every file is already verified in the cache; never copies or downloads. */
    public Optional<ResolvedModel> lookup(ModelSpec spec) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (ModelFile f : spec.files()) {
            Path target = modelDir(spec.id()).resolve(f.name());
            try {
                if (!Files.isRegularFile(target) || !isVerified(f, target)) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            files.put(f.name(), target);
        }
        return Optional.of(new ResolvedModel(spec, modelDir(spec.id()), files));
    }

    /** Makes every file of {@code spec} present and verified, fetching what is missing. */
    public ResolvedModel resolve(ModelSpec spec) throws ModelUnavailableException {
        synchronized (locks.computeIfAbsent(spec.id(), k -> new Object())) {
            Path dir = modelDir(spec.id());
            List<String> attempts = new ArrayList<>();
            Map<String, Path> files = new LinkedHashMap<>();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                attempts.add("cannot create " + dir + ": " + e.getMessage());
                throw new ModelUnavailableException(spec.id(), attempts, hint(spec));
            }
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                for (ModelFile f : spec.files()) {
                    Path target = dir.resolve(f.name());
                    if (resolveFile(spec, f, target, attempts)) {
                        files.put(f.name(), target);
                    }
                }
            } catch (IOException e) {
                attempts.add("cannot lock " + dir + ": " + e.getMessage());
            }
            if (files.size() != spec.files().size()) {
                throw new ModelUnavailableException(spec.id(), attempts, hint(spec));
            }
            return new ResolvedModel(spec, dir, files);
        }
    }

    private boolean resolveFile(ModelSpec spec, ModelFile f, Path target, List<String> attempts) {
        String label = spec.id() + "/" + f.name();
        try {
            Files.createDirectories(target.getParent());
            if (Files.isRegularFile(target)) {
                if (isVerified(f, target)) {
                    return true;
                }
                String actual = Sha256.of(target);
                long size = Files.size(target);
                if (size == f.size() && actual.equals(f.sha256())) {
                    markVerified(f, target);
                    return true;
                }
                String msg = "cached " + target + ": sha256 mismatch, expected " + f.sha256() + ", actual " + actual
                        + " (" + size + " bytes); removed";
                LOG.warn(msg);
                Files.delete(target);
                Files.deleteIfExists(marker(target));
                attempts.add(msg);
            }
        } catch (IOException e) {
            attempts.add("cache " + target + ": " + e.getMessage());
        }

        for (Path mirror : mirrors) {
            Path candidate = mirror.resolve(spec.id()).resolve(f.name());
            if (!Files.isRegularFile(candidate)) {
                continue;
            }
            try {
                copyVerified(f, candidate, target);
                markVerified(f, target);
                LOG.infof("%s: copied from mirror %s", label, candidate);
                return true;
            } catch (IOException e) {
                String msg = "mirror copy " + e.getMessage();
                LOG.warn(label + ": " + msg);
                attempts.add(msg);
            }
        }
        if (mirrors.isEmpty()) {
            attempts.add("no mirror folders configured (lma.models.mirrors)");
        } else {
            attempts.add("not in mirrors " + mirrors);
        }

        if (downloader == null) {
            attempts.add("downloads disabled (lma.models.download.enabled=false)");
            return false;
        }
        if (f.urls().isEmpty()) {
            attempts.add(f.name() + ": the catalog lists no download URL");
            return false;
        }
        for (URI url : f.urls()) {
            try {
                downloader.download(url, f, target, label);
                markVerified(f, target);
                return true;
            } catch (IOException e) {
                attempts.add("download " + url + ": " + e.getMessage());
            }
        }
        return false;
    }

    private static void copyVerified(ModelFile f, Path source, Path target) throws IOException {
        Path part = HttpModelDownloader.partFile(target);
        MessageDigest digest = Sha256.newDigest();
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(part)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                digest.update(buf, 0, r);
                out.write(buf, 0, r);
                n += r;
            }
        }
        String actual = Sha256.hex(digest);
        if (n != f.size() || !actual.equals(f.sha256())) {
            Files.deleteIfExists(part);
            if (n != f.size()) {
                throw ModelIntegrityException.size(source.toString(), f.size(), n);
            }
            throw ModelIntegrityException.sha256(source.toString(), f.sha256(), actual);
        }
        HttpModelDownloader.publish(part, target);
    }

    /** A marker beside each verified file records size and mtime, so a restart does not re-hash gigabytes. */
    private static Path marker(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".verified");
    }

    private boolean isVerified(ModelFile f, Path target) throws IOException {
        if (rehash) {
            return false;
        }
        Path m = marker(target);
        if (!Files.isRegularFile(m)) {
            return false;
        }
        String expected = stamp(f, target);
        return expected.equals(Files.readString(m).trim());
    }

    private static void markVerified(ModelFile f, Path target) throws IOException {
        Files.writeString(marker(target), stamp(f, target));
    }

    private static String stamp(ModelFile f, Path target) throws IOException {
        return f.sha256() + " " + Files.size(target) + " " + Files.getLastModifiedTime(target).toMillis();
    }

    private String hint(ModelSpec spec) {
        StringBuilder sb = new StringBuilder("place ");
        for (int i = 0; i < spec.files().size(); i++) {
            ModelFile f = spec.files().get(i);
            sb.append(i == 0 ? "" : ", ").append(f.name()).append(" (").append(f.size()).append(" bytes, sha256 ")
                    .append(f.sha256()).append(")");
        }
        sb.append(" in ").append(modelDir(spec.id())).append("/ or in <mirror>/").append(spec.id())
                .append("/ of a folder listed in lma.models.mirrors, or run once with -Dlma.models.fetch-only=true"
                        + " on a machine with network access and copy the model cache over");
        return sb.toString();
    }
}
