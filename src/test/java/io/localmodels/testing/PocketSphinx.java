package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PocketSphinx with its en-us model, held to a JSGF grammar of candidate sentences: an
 * independent check that synthesized speech says what it was asked to (open-vocabulary PocketSphinx
 * cannot read espeak-ng's voice; a closed set of sentences it can).
 */
public final class PocketSphinx {

    private static final Path BINARY = Path.of("/usr/bin/pocketsphinx_continuous");
    private static final Path MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");

    private PocketSphinx() {
    }

    /** Skips (with the reason printed) unless the recogniser and its English model are installed. */
    public static void requireInstalled() {
        if (!Files.isExecutable(BINARY) || !Files.isDirectory(MODEL.resolve("en-us"))) {
            String reason = "SKIPPED: needs PocketSphinx and its en-us model (apt-get install pocketsphinx pocketsphinx-en-us)";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
    }

    /** The sentence of {@code sentences} heard in {@code wav16k} (16 kHz mono PCM16), as PocketSphinx writes it; empty if none. */
    public static String recognise(Path wav16k, List<String> sentences) throws IOException, InterruptedException {
        Path grammar = wav16k.resolveSibling("sentences.jsgf");
        Files.writeString(grammar, "#JSGF V1.0;\ngrammar s;\npublic <s> = " + String.join(" | ", sentences) + ";\n",
                StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(BINARY.toString(), "-infile", wav16k.toString(), "-jsgf", grammar.toString(),
                "-hmm", MODEL.resolve("en-us").toString(), "-dict", MODEL.resolve("cmudict-en-us.dict").toString(),
                "-logfn", "/dev/null").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("pocketsphinx_continuous failed on " + wav16k + ": " + out);
        }
        return String.join(" ", out.strip().split("\\s+")).strip();
    }
}
