package io.localmodels.llm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the GGUF file(s) of one model among a repository's files: a named file, or the file whose
 * name carries the quantisation ({@code Q4_K_M} in {@code qwen2.5-7b-instruct-q4_k_m.gguf}). A model
 * split by gguf-split ({@code -00001-of-00002.gguf}) is all of its parts; llama.cpp opens the first.
 */
public final class GgufSelection {

    private static final Pattern SPLIT = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    private GgufSelection() {
    }

    /** Not there: the message names what was looked for and what there is. */
    public static final class NoMatch extends Exception {
        NoMatch(String message) {
            super(message);
        }
    }

    /** The files to fetch, the file llama.cpp opens first. */
    public static List<String> select(Collection<String> available, String file, String quantization) throws NoMatch {
        List<String> ggufs = available.stream().filter(p -> p.toLowerCase(Locale.ROOT).endsWith(".gguf")).sorted().toList();
        String first;
        if (file != null) {
            if (!ggufs.contains(file)) {
                throw new NoMatch("no file " + file + " (GGUF files there: " + summary(ggufs) + ")");
            }
            first = file;
        } else {
            String q = quantization.toLowerCase(Locale.ROOT);
            Pattern tagged = Pattern.compile("(^|.*[-._/])" + Pattern.quote(q) + "([-.].*|$)"); // '_' would continue the tag: Q4_K is not Q4_K_M
            List<String> matches = ggufs.stream().filter(p -> tagged.matcher(p.toLowerCase(Locale.ROOT)).matches())
                    .filter(p -> !p.toLowerCase(Locale.ROOT).contains("mmproj")).toList();
            if (matches.isEmpty()) {
                throw new NoMatch("no " + quantization + " GGUF (quantisations there: " + String.join(", ", quantizations(ggufs)) + ")");
            }
            first = matches.stream().filter(p -> !isLaterPart(p)).findFirst().orElse(matches.get(0));
        }
        Matcher m = SPLIT.matcher(first);
        if (!m.matches()) {
            return List.of(first);
        }
        int count = Integer.parseInt(m.group(3));
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String part = String.format(Locale.ROOT, "%s-%05d-of-%05d.gguf", m.group(1), i, count);
            if (!available.contains(part)) {
                throw new NoMatch("split model " + first + " lacks its part " + part);
            }
            parts.add(part);
        }
        return parts;
    }

    /** The file llama.cpp is given: the one without a part number, or part 1. */
    public static String entry(List<String> selected) {
        return selected.get(0);
    }

    private static boolean isLaterPart(String p) {
        Matcher m = SPLIT.matcher(p);
        return m.matches() && Integer.parseInt(m.group(2)) != 1;
    }

    /** The quantisation tags in a list of GGUF names (Q4_K_M, Q8_0, F16, IQ4_XS, ...). */
    static List<String> quantizations(List<String> ggufs) {
        Pattern tag = Pattern.compile("(?i)(?:^|[-._])((?:i?q\\d(?:_[a-z0-9]+)*)|f16|bf16|f32)(?=[-._])");
        TreeSet<String> out = new TreeSet<>();
        for (String p : ggufs) {
            Matcher m = tag.matcher(p.substring(p.lastIndexOf('/') + 1));
            Optional<String> last = Optional.empty();
            while (m.find()) {
                last = Optional.of(m.group(1).toUpperCase(Locale.ROOT));
            }
            last.ifPresent(out::add);
        }
        return out.isEmpty() ? List.of("none") : List.copyOf(out);
    }

    private static String summary(List<String> ggufs) {
        return ggufs.isEmpty() ? "none" : ggufs.size() <= 6 ? String.join(", ", ggufs) : String.join(", ", ggufs.subList(0, 6)) + ", …";
    }
}
