package io.localmodels.models.hub;

/**
 * One file of a repository at a commit, as the Hub lists it: its path, size, git blob id, and the
 * sha256 of its bytes when it is stored with LFS (every large file). In the cache a file's blob is
 * named by that sha256, else by the git blob id, as huggingface_hub names it.
 */
public record HubFile(String path, long size, String blobId, String sha256) {

    public HubFile {
        if (path == null || path.isBlank() || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
            throw new IllegalArgumentException("unsafe repository path: " + path);
        }
    }

    public boolean lfs() {
        return sha256 != null;
    }

    /** The blob name in the cache (huggingface_hub's etag). */
    public String etag() {
        return lfs() ? sha256 : blobId;
    }
}
