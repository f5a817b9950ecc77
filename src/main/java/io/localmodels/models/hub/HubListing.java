package io.localmodels.models.hub;

import java.util.List;
import java.util.Optional;

/** A revision of a repository resolved to its commit, with every file in it. */
public record HubListing(HubRef ref, String commit, List<HubFile> files) {

    public HubListing {
        files = List.copyOf(files);
    }

    public Optional<HubFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }
}
