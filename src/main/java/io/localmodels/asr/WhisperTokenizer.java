package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whisper's byte-level BPE tokenizer read from a Hugging Face {@code tokenizer.json}: the GPT-2
 * pre-tokenizer regex, the byte-to-unicode table and the merge ranks. Pure Java so it runs in a
 * native image and needs no extracted library; checked token-for-token against the Hugging Face
 * tokenizers binding in the tests. BPE dropout in the file (a training setting some fine-tunes leave
 * behind) is ignored: inference must be deterministic. Thread-safe.
 */
public final class WhisperTokenizer {

    // The GPT-2 / tiktoken "r50k" pattern; UNICODE_CHARACTER_CLASS makes \s Unicode-aware as in Rust's regex.
    private static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final int CACHE_LIMIT = 50_000;
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final boolean[] special;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private WhisperTokenizer(Map<String, Integer> vocab, String[] idToToken, boolean[] special, Map<String, Integer> mergeRanks) {
        this.vocab = vocab;
        this.idToToken = idToToken;
        this.special = special;
        this.mergeRanks = mergeRanks;
    }

    public static WhisperTokenizer load(Path tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(tokenizerJson + ": expected a BPE model, found " + model.path("type").asText());
        }
        Map<String, Integer> vocab = new HashMap<>();
        int maxId = -1;
        for (var it = model.path("vocab").fields(); it.hasNext(); ) {
            var e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
            maxId = Math.max(maxId, e.getValue().asInt());
        }
        Map<Integer, String> added = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.put(t.path("id").asInt(), t.path("content").asText());
            maxId = Math.max(maxId, t.path("id").asInt());
        }
        String[] idToToken = new String[maxId + 1];
        boolean[] special = new boolean[maxId + 1];
        vocab.forEach((token, id) -> idToToken[id] = token);
        added.forEach((id, content) -> {
            idToToken[id] = content;
            special[id] = true;
            vocab.put(content, id);
        });
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (JsonNode m : model.path("merges")) {
            String pair = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
            ranks.put(pair, rank++);
        }
        return new WhisperTokenizer(vocab, idToToken, special, ranks);
    }

    public int size() {
        return idToToken.length;
    }

    /** The id of a token written as in tokenizer.json (e.g. {@code <|es|>}), if the vocabulary has it. */
    public Optional<Integer> id(String token) {
        return Optional.ofNullable(vocab.get(token));
    }

    /**
     * The language tokens {@code <|xx|>} strictly between two ids (Whisper lists its languages right
     * after {@code <|startoftranscript|>}, up to the task tokens), code → id.
     */
    public Map<String, Integer> languageTokens(int after, int before) {
        Map<String, Integer> out = new HashMap<>();
        for (int id = after + 1; id < before && id < idToToken.length; id++) {
            String t = idToToken[id];
            if (special[id] && t != null && t.matches("<\\|[a-z]{2,3}\\|>")) {
                out.put(t.substring(2, t.length() - 2), id);
            }
        }
        return out;
    }

    public Optional<String> token(int id) {
        return id >= 0 && id < idToToken.length ? Optional.ofNullable(idToToken[id]) : Optional.empty();
    }

    /** Text of the ordinary (non-special) tokens among {@code ids}, decoded as UTF-8 once over all their bytes. */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= idToToken.length || special[id] || idToToken[id] == null) {
                continue;
            }
            String token = idToToken[id];
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                if (b >= 0) {
                    bytes.write(b);
                } else {
                    byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    bytes.write(raw, 0, raw.length);
                }
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ordinary tokens of {@code text}, as tiktoken encodes it (no prefix space is added). */
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = PRE_TOKENIZER.matcher(text);
        while (m.find()) {
            String piece = m.group();
            int[] ids = cache.get(piece);
            if (ids == null) {
                ids = bpe(piece);
                if (cache.size() < CACHE_LIMIT) {
                    cache.put(piece, ids);
                }
            }
            for (int id : ids) {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] bpe(String piece) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            parts.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
        }
        while (parts.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < parts.size() - 1; i++) {
                Integer rank = mergeRanks.get(parts.get(i) + " " + parts.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String merged = parts.get(best) + parts.get(best + 1);
            parts.set(best, merged);
            parts.remove(best + 1);
        }
        int[] ids = new int[parts.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(parts.get(i));
            if (id == null) {
                throw new IllegalStateException("BPE produced a piece outside the vocabulary: " + parts.get(i));
            }
            ids[i] = id;
        }
        return ids;
    }
}
