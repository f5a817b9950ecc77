package io.localmodels.models.hub;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub model repository and a revision: {@code org/name}, optionally
 * {@code org/name@revision} (a branch, a tag or a 40-hex commit); {@code main} when none is given.
 */
public record HubRef(String repo, String revision) {

    // the Hub's own rule for repo ids: namespace/name, letters, digits, '-', '_', '.'; no "--" or ".." inside
    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]{0,95})/([A-Za-z0-9][A-Za-z0-9_.-]{0,95})(?:@([^\\s@]{1,200}))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HubRef {
        if (repo.contains("--") || repo.contains("..")) {
            throw new IllegalArgumentException("'" + repo + "' is not a Hub repository id ('--' and '..' are not allowed)");
        }
        revision = revision == null || revision.isBlank() ? "main" : revision;
    }

    /** The reference {@code text} names, if it has the {@code org/name[@revision]} form. */
    public static Optional<HubRef> parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches() || text.contains("--") || text.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(new HubRef(m.group(1) + "/" + m.group(2), m.group(3)));
    }

    public boolean pinned() {
        return COMMIT.matcher(revision).matches();
    }

    /** The cache folder name huggingface_hub uses: {@code models--org--name}. */
    public String folderName() {
        return "models--" + repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return revision.equals("main") ? repo : repo + "@" + revision;
    }
}
