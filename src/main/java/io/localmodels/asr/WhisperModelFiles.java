package io.localmodels.asr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of one Hugging Face / Optimum Whisper export: {@code onnx/encoder_model*.onnx} plus
 * either the merged decoder ({@code decoder_model_merged*.onnx}, an If on {@code use_cache_branch})
 * or the pair {@code decoder_model*.onnx} + {@code decoder_with_past_model*.onnx}, for one precision
 * suffix, and the JSON side files.
 */
public record WhisperModelFiles(Path dir, String precision, Path encoder, Optional<Path> mergedDecoder,
                                Optional<Path> decoder, Optional<Path> decoderWithPast, Path config,
                                Path generationConfig, Path tokenizer) {

    public enum Layout { AUTO, MERGED, SPLIT }

    /** Precision name → file-name suffix, as the onnx-community exports name them. */
    static String suffix(String precision) {
        return switch (precision) {
            case "fp32" -> "";
            case "fp16" -> "_fp16";
            case "quantized" -> "_quantized";
            case "int8" -> "_int8";
            case "uint8" -> "_uint8";
            case "q4" -> "_q4";
            case "q4f16" -> "_q4f16";
            case "bnb4" -> "_bnb4";
            default -> throw new IllegalArgumentException("unknown Whisper precision '" + precision
                    + "' (fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4)");
        };
    }

    public static WhisperModelFiles find(Path dir, String precision, Layout layout) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Whisper model directory " + dir + " does not exist");
        }
        Path onnx = Files.isDirectory(dir.resolve("onnx")) ? dir.resolve("onnx") : dir;
        String sfx = suffix(precision);
        List<String> missing = new ArrayList<>();
        Path encoder = onnx.resolve("encoder_model" + sfx + ".onnx");
        if (!Files.isRegularFile(encoder)) {
            missing.add(dir.relativize(encoder).toString());
        }
        Path merged = onnx.resolve("decoder_model_merged" + sfx + ".onnx");
        Path plain = onnx.resolve("decoder_model" + sfx + ".onnx");
        Path withPast = onnx.resolve("decoder_with_past_model" + sfx + ".onnx");
        boolean hasMerged = Files.isRegularFile(merged);
        boolean hasSplit = Files.isRegularFile(plain) && Files.isRegularFile(withPast);
        Optional<Path> m = Optional.empty();
        Optional<Path> d = Optional.empty();
        Optional<Path> p = Optional.empty();
        if ((layout == Layout.MERGED || layout == Layout.AUTO) && hasMerged) {
            m = Optional.of(merged);
        } else if ((layout == Layout.SPLIT || layout == Layout.AUTO) && hasSplit) {
            d = Optional.of(plain);
            p = Optional.of(withPast);
        } else {
            missing.add(switch (layout) {
                case MERGED -> dir.relativize(merged).toString();
                case SPLIT -> dir.relativize(plain) + " and " + dir.relativize(withPast);
                case AUTO -> dir.relativize(merged) + " (or " + dir.relativize(plain) + " and " + dir.relativize(withPast) + ")";
            });
        }
        Path config = dir.resolve("config.json");
        Path generation = dir.resolve("generation_config.json");
        Path tokenizer = dir.resolve("tokenizer.json");
        for (Path f : List.of(config, generation, tokenizer)) {
            if (!Files.isRegularFile(f)) {
                missing.add(f.getFileName().toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("Whisper model directory " + dir + " (precision " + precision + ") lacks " + String.join(", ", missing));
        }
        return new WhisperModelFiles(dir, precision, encoder, m, d, p, config, generation, tokenizer);
    }

    public boolean merged() {
        return mergedDecoder.isPresent();
    }
}
