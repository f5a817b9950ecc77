package io.localmodels.llm;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the head of a GGUF file says (ggml's docs/gguf.md): read before llama.cpp opens it, so a
 * file that is not GGUF or an architecture the bundled llama.cpp cannot run fails with a reason
 * (llama.cpp itself only logs why and answers "could not load model").
 */
public record GgufInfo(int version, String architecture, String name, long contextLength, boolean chatTemplate, int splitCount) {

    /** The llama.cpp that java-llama.cpp 4.2.0 bundles: build b4916, commit c6af2161 (March 2025). */
    public static final String LLAMA_CPP_BUILD = "b4916 (c6af2161)";

    /** Every {@code general.architecture} that build loads (its llama-arch.cpp); no Qwen3, Llama 4 or Gemma 3n yet. */
    public static final Set<String> SUPPORTED_ARCHITECTURES = Set.of("llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox",
            "mpt", "baichuan", "starcoder", "refact", "bert", "nomic-bert", "jina-bert-v2", "bloom", "stablelm", "qwen", "qwen2",
            "qwen2moe", "qwen2vl", "phi2", "phi3", "phimoe", "plamo", "codeshell", "orion", "internlm2", "minicpm", "minicpm3", "gemma",
            "gemma2", "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2", "dbrx", "olmo", "olmo2", "olmoe", "openelm",
            "arctic", "deepseek", "deepseek2", "chatglm", "bitnet", "t5", "t5encoder", "jais", "nemotron", "exaone", "rwkv6",
            "rwkv6qwen2", "rwkv7", "arwkv7", "granite", "granitemoe", "chameleon", "wavtokenizer-dec");

    /** Architectures that build can load but that are no chat models (encoders, audio codecs). */
    private static final Set<String> NOT_GENERATIVE = Set.of("bert", "nomic-bert", "jina-bert-v2", "t5encoder", "wavtokenizer-dec");

    private static final int MAGIC = 0x46554747; // "GGUF" little-endian

    /** A file llama.cpp cannot run here; the message says why. */
    public static final class Unusable extends IOException {
        public Unusable(String message) {
            super(message);
        }
    }

    public static GgufInfo read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(new DataInputStream(new BufferedInputStream(in, 1 << 16)), file);
        } catch (EOFException e) {
            throw new Unusable(file.getFileName() + " is cut short: its GGUF header ends before its metadata does");
        }
    }

    /** Throws {@link Unusable} unless the bundled llama.cpp can generate text with it. */
    public GgufInfo requireRunnable(Path file) throws Unusable {
        if (!SUPPORTED_ARCHITECTURES.contains(architecture)) {
            throw new Unusable(file.getFileName() + " is a '" + architecture + "' model, an architecture the bundled llama.cpp "
                    + LLAMA_CPP_BUILD + " does not support (it runs llama, qwen2, phi3, gemma3, mistral/llama-based and others: see README)");
        }
        if (NOT_GENERATIVE.contains(architecture)) {
            throw new Unusable(file.getFileName() + " is a '" + architecture + "' model, which does not generate text");
        }
        return this;
    }

    private static GgufInfo read(DataInputStream in, Path file) throws IOException {
        if (u32(in) != MAGIC) {
            throw new Unusable(file.getFileName() + " is not a GGUF file (it does not start with \"GGUF\")");
        }
        int version = (int) u32(in);
        if (version < 2 || version > 3) {
            throw new Unusable(file.getFileName() + " is GGUF version " + version + "; llama.cpp reads versions 2 and 3");
        }
        u64(in); // tensor count
        long kvCount = u64(in);
        Map<String, Object> kv = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string(in);
            int type = (int) u32(in);
            Object value = value(in, type, key.equals("tokenizer.chat_template") || key.startsWith("general.") || key.startsWith("split.")
                    || key.endsWith(".context_length"));
            if (value != null) {
                kv.put(key, value);
            }
        }
        String arch = kv.get("general.architecture") instanceof String s ? s : null;
        if (arch == null) {
            throw new Unusable(file.getFileName() + " has no general.architecture: not a model GGUF");
        }
        long ctx = kv.get(arch + ".context_length") instanceof Number n ? n.longValue() : 0;
        int splits = kv.get("split.count") instanceof Number n ? n.intValue() : 1;
        return new GgufInfo(version, arch, kv.get("general.name") instanceof String s ? s : null, ctx,
                kv.containsKey("tokenizer.chat_template"), splits);
    }

    /** The value of one key; kept (returned) only when {@code keep}, otherwise skipped over. */
    private static Object value(DataInputStream in, int type, boolean keep) throws IOException {
        switch (type) {
            case 0, 1, 7 -> { int v = in.readUnsignedByte(); return keep ? v : null; }
            case 2, 3 -> { int v = Short.toUnsignedInt(Short.reverseBytes(in.readShort())); return keep ? v : null; }
            case 4, 5, 6 -> { long v = u32(in); return keep ? v : null; }
            case 10, 11, 12 -> { long v = u64(in); return keep ? v : null; }
            case 8 -> {
                if (keep) {
                    return string(in);
                }
                skip(in, u64(in));
                return null;
            }
            case 9 -> {
                int elementType = (int) u32(in);
                long count = u64(in);
                for (long i = 0; i < count; i++) {
                    value(in, elementType, false);
                }
                return null;
            }
            default -> throw new Unusable("unknown GGUF value type " + type + ": the file is damaged or not GGUF");
        }
    }

    private static String string(DataInputStream in) throws IOException {
        long n = u64(in);
        if (n < 0 || n > (64 << 20)) {
            throw new Unusable("a GGUF string of " + n + " bytes: the file is damaged");
        }
        byte[] bytes = new byte[(int) n];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void skip(DataInputStream in, long n) throws IOException {
        if (n < 0 || n > (1L << 32)) {
            throw new Unusable("a GGUF string of " + n + " bytes: the file is damaged");
        }
        in.skipNBytes(n);
    }

    private static long u32(DataInputStream in) throws IOException {
        return Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    }

    private static long u64(DataInputStream in) throws IOException {
        return Long.reverseBytes(in.readLong());
    }
}
