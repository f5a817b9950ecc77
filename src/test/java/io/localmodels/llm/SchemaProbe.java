package io.localmodels.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.kherud.llama.LlamaModel;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM entry point: one JSON schema a line on stdin; per line prints "SCHEMA n" before the call, then
 * "OK n elements" or "REFUSED n message". Mode {@code guarded} goes through {@link LlmGrammars}; mode
 * {@code raw} hands the schema straight to llama.cpp's converter (what the service did before the check),
 * so a test can show which schemas kill a process; {@code guarded <gguf>} also generates a few tokens under
 * each accepted grammar, so llama.cpp's own grammar parser reads it ("GENERATED n").
 */
public final class SchemaProbe {

    public static void main(String[] args) throws Exception {
        boolean raw = args.length > 0 && args[0].equals("raw");
        LlmService llm = args.length > 1 ? TestLlm.open(Path.of(args[1]), 2048, 2) : null;
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            n++;
            System.out.println("SCHEMA " + n);
            System.out.flush();
            JsonNode schema = json.readTree(line);
            try {
                String grammar = raw ? rawConvert(schema.toString()) : LlmGrammars.fromJsonSchema(schema);
                System.out.println("OK " + n + " " + GrammarSize.elements(grammar));
                if (llm != null) {
                    Generation g = llm.generate(GenerationRequest.of(List.of(new ChatMessage("user", "hi")), 1.0, 8, grammar, n)).get();
                    System.out.println("GENERATED " + n + " " + g.completionTokens());
                }
            } catch (SchemaRefusedException e) {
                System.out.println("REFUSED " + n + " " + e.getMessage().replace('\n', ' '));
            }
            System.out.flush();
        }
        if (llm != null) {
            llm.close();
        }
        System.out.println("DONE");
        System.out.flush();
        System.exit(0); // llama.cpp's own threads are not daemons
    }

    private static String rawConvert(String schema) {
        LlamaNatives.prepare();
        return LlamaModel.jsonSchemaToGrammar(schema);
    }
}
