package io.localmodels.llm;

import io.localmodels.testing.ChildJvm;
import io.localmodels.testing.LlamaFixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JSON schemas that llama.cpp's converter cannot take are refused in Java, naming the part, and never reach
 * native code; the schemas clients really send still become grammars that llama.cpp reads. Everything that
 * touches the converter runs in a child JVM: a regression kills that JVM, not the test suite.
 */
class SchemaGuardTest {

    record Refused(String schema, String part, String nativeOutcome) {
    }

    static List<Refused> refused() throws IOException {
        List<Refused> out = new ArrayList<>();
        for (String line : resource("refused.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            out.add(new Refused(f[0], f[1], f[2]));
        }
        return out;
    }

    static List<String> accepted() throws IOException {
        return resource("accepted.jsonl").lines().filter(l -> !l.isBlank()).toList();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SchemaGuardTest.class.getResourceAsStream("/schemas/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everySchemaTheConverterCannotTakeIsRefusedInJavaNamingThePart() throws Exception {
        List<Refused> cases = refused();
        StringBuilder stdin = new StringBuilder();
        cases.forEach(c -> stdin.append(c.schema()).append('\n'));
        ChildJvm.Result r = ChildJvm.run(SchemaProbe.class, List.of("guarded"), stdin.toString(), 120);
        assertEquals(0, r.exitCode(), "the guarded child died (the last SCHEMA line is the one that killed it):\n" + r.output());
        List<String> answers = r.output().lines().filter(l -> l.startsWith("REFUSED ") || l.startsWith("OK ")).toList();
        assertEquals(cases.size(), answers.size(), r.output());
        for (int i = 0; i < cases.size(); i++) {
            String a = answers.get(i);
            assertTrue(a.startsWith("REFUSED " + (i + 1) + " "), "not refused: " + cases.get(i).schema() + " -> " + a);
            assertTrue(a.contains(cases.get(i).part()), "the refusal of " + cases.get(i).schema() + " should name " + cases.get(i).part() + ": " + a);
        }
    }

    /** The cases marked abort, segv or hang really end a process when handed to the bare converter. */
    @Test
    void theBareConverterKillsItsProcessOnThem() throws Exception {
        List<Refused> fatal = refused().stream().filter(c -> !c.nativeOutcome().equals("lenient") && !c.nativeOutcome().equals("grammar")).toList();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ChildJvm.Result>> runs = new ArrayList<>();
            for (Refused c : fatal) {
                runs.add(pool.submit(() -> ChildJvm.run(SchemaProbe.class, List.of("raw"), c.schema() + "\n", c.nativeOutcome().equals("hang") ? 8 : 60)));
            }
            for (int i = 0; i < fatal.size(); i++) {
                Refused c = fatal.get(i);
                ChildJvm.Result r = runs.get(i).get();
                assertTrue(r.crashed() && !r.output().contains("DONE"), "the bare converter survived " + c.schema() + ":\n" + r.output());
                assertEquals(c.nativeOutcome().equals("hang"), r.timedOut(), c.schema() + ":\n" + r.output());
                if (c.nativeOutcome().equals("abort")) {
                    assertTrue(r.output().contains("terminate called"), c.schema() + ":\n" + r.output());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSchemasClientsSendBecomeGrammarsLlamaCppReads() throws Exception {
        List<String> schemas = accepted();
        Path gguf = LlamaFixtures.modelOrNull();
        List<String> args = new ArrayList<>(List.of("guarded"));
        if (gguf != null) {
            args.add(gguf.toString());
        } else {
            System.out.println("SchemaGuardTest: no fixture GGUF (see LlamaFixtures): the grammars are converted but not generated with");
        }
        ChildJvm.Result r = ChildJvm.run(SchemaProbe.class, args, String.join("\n", schemas) + "\n", 300);
        assertEquals(0, r.exitCode(), r.output());
        for (int i = 1; i <= schemas.size(); i++) {
            int n = i;
            assertTrue(r.output().lines().anyMatch(l -> l.startsWith("OK " + n + " ")), "refused: " + schemas.get(i - 1) + "\n" + r.output());
            if (gguf != null) {
                assertTrue(r.output().lines().anyMatch(l -> l.startsWith("GENERATED " + n + " ")), "no answer under " + schemas.get(i - 1) + "\n" + r.output());
            }
        }
    }
}
