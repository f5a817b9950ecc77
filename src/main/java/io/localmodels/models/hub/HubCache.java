package io.localmodels.models.hub;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Hugging Face cache layout, as huggingface_hub writes it:
 * <pre>
 * &lt;cache&gt;/models--org--name/refs/&lt;revision&gt;          the commit a branch or tag resolved to
 * &lt;cache&gt;/models--org--name/blobs/&lt;etag&gt;              file bytes, named by sha256 (LFS) or git blob id
 * &lt;cache&gt;/models--org--name/snapshots/&lt;commit&gt;/&lt;path&gt;  relative symlinks to the blobs
 * &lt;cache&gt;/.locks/models--org--name/&lt;etag&gt;.lock       held while a blob is written
 * </pre>
 * A blob is written as {@code <etag>.incomplete} and renamed only once verified.
 */
public final class HubCache {

    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path repoDir(HubRef ref) {
        return root.resolve(ref.folderName());
    }

    public Path snapshot(HubRef ref, String commit) {
        return repoDir(ref).resolve("snapshots").resolve(commit);
    }

    public Path blob(HubRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag);
    }

    public Path incomplete(HubRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag + ".incomplete");
    }

    public Path lockFile(HubRef ref, String etag) {
        return root.resolve(".locks").resolve(ref.folderName()).resolve(etag + ".lock");
    }

    /** The commit the cache knows for this revision: the revision itself when pinned, else {@code refs/<revision>}. */
    public Optional<String> cachedCommit(HubRef ref) {
        if (ref.pinned()) {
            return Files.isDirectory(snapshot(ref, ref.revision())) ? Optional.of(ref.revision()) : Optional.empty();
        }
        Path refFile = repoDir(ref).resolve("refs").resolve(ref.revision());
        try {
            if (Files.isRegularFile(refFile)) {
                String commit = Files.readString(refFile).strip();
                if (commit.matches("[0-9a-f]{40}") && Files.isDirectory(snapshot(ref, commit))) {
                    return Optional.of(commit);
                }
            }
        } catch (IOException e) {
            // unreadable ref: as if absent
        }
        return Optional.empty();
    }

    public void writeRef(HubRef ref, String commit) throws IOException {
        if (ref.pinned()) {
            return;
        }
        Path refFile = repoDir(ref).resolve("refs").resolve(ref.revision());
        Files.createDirectories(refFile.getParent());
        if (Files.isRegularFile(refFile) && Files.readString(refFile).strip().equals(commit)) {
            return;
        }
        // a temporary name of its own: another thread or replica may be writing the same ref
        Path tmp = Files.createTempFile(refFile.getParent(), refFile.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, commit);
            Files.move(tmp, refFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True when the snapshot already has this file with the listed size (a blob behind a link, or a plain copy). */
    public boolean present(HubRef ref, String commit, HubFile file) {
        Path p = snapshot(ref, commit).resolve(file.path());
        try {
            return Files.isRegularFile(p) && Files.size(p) == file.size();
        } catch (IOException e) {
            return false;
        }
    }

    /** Points {@code snapshots/<commit>/<path>} at the file's blob (a relative symlink, a copy where links are refused). */
    public void link(HubRef ref, String commit, HubFile file) throws IOException {
        Path target = snapshot(ref, commit).resolve(file.path());
        Path blob = blob(ref, file.etag());
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            // huggingface_hub does the same on file systems without symlinks (some Windows set-ups)
            Path tmp = target.resolveSibling(target.getFileName() + ".copy");
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every file path under a cached snapshot, relative and with '/' separators. */
    public List<String> snapshotFiles(HubRef ref, String commit) throws IOException {
        Path dir = snapshot(ref, commit);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
        }
        return out;
    }
}
