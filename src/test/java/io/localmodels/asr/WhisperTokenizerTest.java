package io.localmodels.asr;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pure-Java tokenizer against the maintained Hugging Face tokenizers binding (DJL) on the real
 * multilingual Whisper tokenizer: same ids for Spanish, English and awkward text, round trips, and
 * the special ids generation_config.json names.
 */
class WhisperTokenizerTest {

    private static WhisperTokenizer tokenizer;
    private static Path dir;

    @BeforeAll
    static void load() throws Exception {
        dir = SharedFiles.require("models/whisper-tokenizer/tokenizer.json").getParent();
        tokenizer = WhisperTokenizer.load(dir.resolve("tokenizer.json"));
    }

    static List<String> corpus() throws Exception {
        List<String> texts = new ArrayList<>(List.of(
                " Las arenas son blanquecinas de grano medio y tiene muy poca asistencia.",
                " Este será el audio de prueba que voy a estar usando durante todo el desarrollo.",
                " ¿Qué hora es? ¡Cuidado con el escalón! Año, niño, pingüino, acción.",
                " And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
                " It's 3:45pm — we'll meet at 221B Baker St. (don't be late!!)",
                "   leading spaces\tand\ttabs\nnew lines\n\n",
                " 日本語のテキストと中文混合, emoji 🎉👍, Ελληνικά, русский текст",
                " ",
                " a"));
        Path seeds = SharedFiles.path("seeds");
        if (Files.isDirectory(seeds)) {
            try (var files = Files.list(seeds)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    String s = Files.readString(f);
                    texts.add(" " + s.substring(0, Math.min(s.length(), 4000)));
                }
            }
        }
        Random random = new Random(5);
        String alphabet = "abcñáéíóúü ABC 0123456789 .,;:!?¿¡'\"-_()[]{}@#$%&*+=/\\ \t\n€日本🎉";
        for (int i = 0; i < 200; i++) {
            StringBuilder b = new StringBuilder(" ");
            int n = 1 + random.nextInt(40);
            for (int j = 0; j < n; j++) {
                b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            texts.add(b.toString());
        }
        return texts;
    }

    @Test
    void encodesLikeHuggingFaceTokenizers() throws Exception {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(withoutDropout())
                .optAddSpecialTokens(false).optTruncation(false).optMaxLength(1_000_000).build()) {
            int checked = 0;
            for (String text : corpus()) {
                long[] expected = hf.encode(text, false, false).getIds();
                int[] actual = tokenizer.encode(text);
                assertArrayEquals(Arrays.stream(expected).mapToInt(x -> (int) x).toArray(), actual, "text: " + text);
                assertEquals(text, tokenizer.decode(actual), "round trip");
                assertEquals(hf.decode(expected, true), tokenizer.decode(actual), "decode of " + text);
                checked++;
            }
            System.out.println("tokenizer: " + checked + " texts encoded identically to the Hugging Face binding");
        }
    }

    @Test
    void decodesCharactersSplitAcrossTokens() {
        // "🎉" is four UTF-8 bytes spread over several byte-level tokens; decoding token by token would break it
        int[] ids = tokenizer.encode(" ¡fiesta 🎉!");
        assertEquals(" ¡fiesta 🎉!", tokenizer.decode(ids));
        StringBuilder perToken = new StringBuilder();
        for (int id : ids) {
            perToken.append(tokenizer.decode(new int[]{id}));
        }
        Assertions.assertNotEquals(" ¡fiesta 🎉!", perToken.toString());
    }

    @Test
    void specialIdsMatchGenerationConfig() throws Exception {
        JsonNode gen = new ObjectMapper().readTree(dir.resolve("generation_config.json").toFile());
        assertEquals(gen.path("decoder_start_token_id").asInt(), tokenizer.id("<|startoftranscript|>").orElseThrow());
        assertEquals(gen.path("eos_token_id").asInt(), tokenizer.id("<|endoftext|>").orElseThrow());
        assertEquals(gen.path("lang_to_id").path("<|es|>").asInt(), tokenizer.id("<|es|>").orElseThrow());
        assertEquals(gen.path("lang_to_id").path("<|en|>").asInt(), tokenizer.id("<|en|>").orElseThrow());
        assertEquals(gen.path("task_to_id").path("transcribe").asInt(), tokenizer.id("<|transcribe|>").orElseThrow());
        assertEquals(gen.path("no_timestamps_token_id").asInt(), tokenizer.id("<|notimestamps|>").orElseThrow());
        assertEquals(gen.path("no_timestamps_token_id").asInt() + 1, tokenizer.id("<|0.00|>").orElseThrow());
        WhisperConfig config = WhisperConfig.load(new WhisperModelFiles(dir, "fp32", dir, Optional.empty(),
                Optional.empty(), Optional.empty(), writeConfig(), dir.resolve("generation_config.json"),
                dir.resolve("tokenizer.json")), tokenizer);
        SpecialTokens sp = config.specials();
        assertEquals(50257, sp.eot());
        assertEquals(50258, sp.sot());
        assertEquals(50359, sp.transcribe());
        assertEquals(50358, sp.translate());
        assertEquals(50362, sp.noSpeech());
        assertEquals(50363, sp.noTimestamps());
        assertEquals(50364, sp.timestampBegin());
        assertEquals(99, sp.languages().size());
        assertEquals(Map.of("es", 50262), Map.of("es", sp.language("es").orElseThrow()));
    }

    /**
     * The shared tokenizer.json comes from a fine-tune and still carries BPE dropout 0.1 from its
     * training, which makes the Hugging Face encoder random; inference tokenizers have none (and the
     * Java one never drops merges), so the oracle gets a copy with dropout off.
     */
    private static Path withoutDropout() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(dir.resolve("tokenizer.json").toFile());
        ((ObjectNode) root.path("model")).putNull("dropout");
        Path copy = Files.createTempDirectory("whisper-tokenizer").resolve("tokenizer.json");
        json.writeValue(copy.toFile(), root);
        copy.toFile().deleteOnExit();
        copy.getParent().toFile().deleteOnExit();
        return copy;
    }

    private static Path writeConfig() throws Exception {
        Path f = Files.createTempFile("whisper-config", ".json");
        Files.writeString(f, "{\"d_model\":384,\"decoder_attention_heads\":6,\"num_mel_bins\":80,\"vocab_size\":51865,\"decoder_layers\":4}");
        f.toFile().deleteOnExit();
        return f;
    }
}
