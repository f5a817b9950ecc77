package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the engine needs from config.json, generation_config.json and the tokenizer's special tokens.
 * Fine-tunes often ship a minimal generation_config.json ({@code _from_model_config}): every id it
 * lacks comes from config.json or the tokenizer, never from a hard-coded table.
 */
public record WhisperConfig(int mels, int vocabSize, int decoderLayers, int decoderHeads, int dModel, int maxTargetPositions,
                            boolean multilingual, SpecialTokens specials) {

    /** openai/whisper's rule: the multilingual vocabulary has 51865 tokens (51866 for large-v3), English-only 51864. */
    static final int MULTILINGUAL_VOCAB = 51865;

    public int headDim() {
        return dModel / decoderHeads;
    }

    public static WhisperConfig load(WhisperModelFiles files, WhisperTokenizer tokenizer) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(files.config().toFile());
        JsonNode gen = json.readTree(files.generationConfig().toFile());
        int vocab = required(config, "vocab_size", files.config());
        int eot = id(gen, config, "eos_token_id", tokenizer, "<|endoftext|>");
        int sot = id(gen, config, "decoder_start_token_id", tokenizer, "<|startoftranscript|>");
        int noTimestamps = id(gen, null, "no_timestamps_token_id", tokenizer, "<|notimestamps|>");
        boolean multilingual = gen.path("is_multilingual").isBoolean() ? gen.get("is_multilingual").asBoolean()
                : vocab >= MULTILINGUAL_VOCAB;
        Map<String, Integer> languages = new HashMap<>();
        gen.path("lang_to_id").fields().forEachRemaining(e -> {
            String token = e.getKey();
            languages.put(token.substring(2, token.length() - 2), e.getValue().asInt());
        });
        JsonNode tasks = gen.path("task_to_id");
        int transcribe = tasks.has("transcribe") ? tasks.get("transcribe").asInt() : token(tokenizer, "<|transcribe|>");
        int translate = tasks.has("translate") ? tasks.get("translate").asInt() : token(tokenizer, "<|translate|>");
        if (!multilingual) {
            // English-only: the prompt carries no language token, whatever the tokenizer lists
            languages.clear();
        } else if (languages.isEmpty()) {
            languages.putAll(tokenizer.languageTokens(sot, Math.min(transcribe, translate)));
            if (languages.isEmpty()) {
                throw new IOException(files.generationConfig() + " has no lang_to_id and the tokenizer has no <|xx|> language"
                        + " tokens between <|startoftranscript|> and <|translate|>: not a multilingual Whisper tokenizer");
            }
        }
        int sotLm = token(tokenizer, "<|startoflm|>");
        int sotPrev = token(tokenizer, "<|startofprev|>");
        int noSpeech = tokenizer.id("<|nospeech|>").or(() -> tokenizer.id("<|nocaptions|>"))
                .orElseThrow(() -> new IOException("tokenizer has neither <|nospeech|> nor <|nocaptions|>"));
        int timestampBegin = tokenizer.id("<|0.00|>").orElse(noTimestamps + 1);
        TreeSet<Integer> suppress = new TreeSet<>();
        gen.path("suppress_tokens").forEach(n -> suppress.add(n.asInt()));
        // openai/whisper suppresses these specials on top of the configured list
        suppress.addAll(List.of(transcribe, translate, sot, sotPrev, sotLm, noSpeech));
        TreeSet<Integer> beginSuppress = new TreeSet<>();
        gen.path("begin_suppress_tokens").forEach(n -> beginSuppress.add(n.asInt()));
        if (!gen.has("begin_suppress_tokens")) {
            beginSuppress.add(tokenizer.encode(" ")[0]);
            beginSuppress.add(eot);
        }
        SpecialTokens specials = new SpecialTokens(eot, sot, transcribe, translate, sotPrev, sotLm, noSpeech, noTimestamps,
                timestampBegin, languages, suppress.stream().mapToInt(Integer::intValue).toArray(),
                beginSuppress.stream().mapToInt(Integer::intValue).toArray());
        int dModel = required(config, "d_model", files.config());
        int heads = required(config, "decoder_attention_heads", files.config());
        return new WhisperConfig(required(config, "num_mel_bins", files.config()), vocab,
                required(config, "decoder_layers", files.config()), heads, dModel,
                config.path("max_target_positions").asInt(448), multilingual, specials);
    }

    /** A token id from generation_config.json, else config.json, else the tokenizer's token of that name. */
    private static int id(JsonNode gen, JsonNode config, String field, WhisperTokenizer tokenizer, String token) throws IOException {
        for (JsonNode source : new JsonNode[]{gen, config}) {
            JsonNode v = source == null ? null : source.path(field);
            if (v != null && v.isArray() && !v.isEmpty()) {
                v = v.get(0);  // eos_token_id may be a list
            }
            if (v != null && v.isNumber()) {
                return v.asInt();
            }
        }
        return tokenizer.id(token).orElseThrow(() -> new IOException("neither generation_config.json nor config.json has "
                + field + " and the tokenizer has no " + token));
    }

    private static int required(JsonNode node, String field, Path file) throws IOException {
        if (!node.path(field).isNumber()) {
            throw new IOException(file + " lacks the number '" + field + "'");
        }
        return node.get(field).asInt();
    }

    private static int token(WhisperTokenizer tokenizer, String token) throws IOException {
        return tokenizer.id(token).orElseThrow(() -> new IOException("tokenizer lacks " + token));
    }
}
