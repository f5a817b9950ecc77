package io.localmodels.llm;

import de.kherud.llama.LlamaModel;

/**
 * Child-JVM entry point for {@link LlamaNativesTest}: {@code LibraryProbe TMPDIR LIBRARY_FOLDER} makes
 * TMPDIR the JVM's temporary folder, names LIBRARY_FOLDER in {@code lma.llm.library}, loads llama.cpp
 * through the service's preparation and prints "LOADED" with the folder java-llama.cpp took it from.
 */
public final class LibraryProbe {

    public static void main(String[] args) {
        System.setProperty("java.io.tmpdir", args[0]);
        System.setProperty("lma.llm.library", args[1]);
        LlamaNatives.prepare();
        String grammar = LlamaModel.jsonSchemaToGrammar("{\"type\":\"object\"}");
        System.out.println("LOADED " + System.getProperty("de.kherud.llama.lib.path") + " " + !grammar.isEmpty());
        System.out.flush();
        System.exit(0);
    }
}
