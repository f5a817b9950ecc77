package io.localmodels.asr;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which files of a Whisper export an engine needs, chosen from the files a folder or a Hub
 * revision has: the encoder and the decoder(s) of the first precision (in the order asked) that
 * is complete, the external-data files beside them ({@code *.onnx_data}), and the JSON side files.
 * Only these are downloaded: an onnx-community repository holds every precision, gigabytes of them.
 */
public final class WhisperSelection {

    /** What the engine reads; the others travel along when present (tools expect a full tokenizer folder). */
    static final List<String> REQUIRED_SIDE = List.of("config.json", "generation_config.json", "tokenizer.json");
    static final List<String> OPTIONAL_SIDE = List.of("preprocessor_config.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "normalizer.json");
    static final List<String> PRECISIONS = List.of("fp32", "fp16", "quantized", "int8", "uint8", "q4", "q4f16", "bnb4");

    public record Choice(String precision, List<String> files) {
    }

    /** Thrown with the precisions the export does have, so the message can offer them. */
    public static final class NotAnExport extends Exception {
        public NotAnExport(String message) {
            super(message);
        }
    }

    private WhisperSelection() {
    }

    /** The precisions to try for {@code configured}: itself, or for {@code auto} fp16 first on CUDA, quantized first on CPU. */
    public static List<String> preference(String configured, boolean cuda) {
        if (!configured.equals("auto")) {
            WhisperModelFiles.suffix(configured);  // rejects unknown names
            return List.of(configured);
        }
        return cuda ? List.of("fp16", "fp32") : List.of("quantized", "fp32");
    }

    public static Choice choose(Collection<String> available, List<String> precisions, WhisperModelFiles.Layout layout) throws NotAnExport {
        Set<String> have = new LinkedHashSet<>(available);
        String dir = have.stream().anyMatch(p -> p.startsWith("onnx/")) ? "onnx/" : "";
        List<String> missingSide = REQUIRED_SIDE.stream().filter(f -> !have.contains(f)).toList();
        for (String precision : precisions) {
            String sfx = WhisperModelFiles.suffix(precision);
            String encoder = dir + "encoder_model" + sfx + ".onnx";
            String merged = dir + "decoder_model_merged" + sfx + ".onnx";
            String plain = dir + "decoder_model" + sfx + ".onnx";
            String withPast = dir + "decoder_with_past_model" + sfx + ".onnx";
            List<String> graphs;
            if (!have.contains(encoder)) {
                continue;
            }
            if (layout != WhisperModelFiles.Layout.SPLIT && have.contains(merged)) {
                graphs = List.of(encoder, merged);
            } else if (layout != WhisperModelFiles.Layout.MERGED && have.contains(plain) && have.contains(withPast)) {
                graphs = List.of(encoder, plain, withPast);
            } else {
                continue;
            }
            if (!missingSide.isEmpty()) {
                throw new NotAnExport("the export lacks " + String.join(", ", missingSide));
            }
            List<String> files = new ArrayList<>(graphs);
            for (String g : graphs) {
                // external data: model.onnx_data (optimum, transformers.js), model.onnx.data, model.onnx_data_1 ...
                have.stream().filter(p -> p.startsWith(g + "_data") || p.startsWith(g + ".data")).sorted().forEach(files::add);
            }
            REQUIRED_SIDE.forEach(files::add);
            OPTIONAL_SIDE.stream().filter(have::contains).forEach(files::add);
            return new Choice(precision, files);
        }
        List<String> present = present(have, dir, layout);
        throw new NotAnExport(present.isEmpty()
                ? "no Whisper ONNX export here (no " + dir + "encoder_model*.onnx with a " + layoutName(layout) + " decoder)"
                : "no " + String.join(" or ", precisions) + " files with a " + layoutName(layout) + " decoder; this export has "
                + String.join(", ", present) + " (set lma.asr.precision to one of them)");
    }

    private static List<String> present(Set<String> have, String dir, WhisperModelFiles.Layout layout) {
        List<String> out = new ArrayList<>();
        for (String p : PRECISIONS) {
            String sfx = WhisperModelFiles.suffix(p);
            boolean merged = have.contains(dir + "decoder_model_merged" + sfx + ".onnx");
            boolean split = have.contains(dir + "decoder_model" + sfx + ".onnx") && have.contains(dir + "decoder_with_past_model" + sfx + ".onnx");
            if (have.contains(dir + "encoder_model" + sfx + ".onnx")
                    && (layout == WhisperModelFiles.Layout.MERGED ? merged : layout == WhisperModelFiles.Layout.SPLIT ? split : merged || split)) {
                out.add(p);
            }
        }
        return out;
    }

    private static String layoutName(WhisperModelFiles.Layout layout) {
        return switch (layout) {
            case AUTO -> "merged or split";
            case MERGED -> "merged";
            case SPLIT -> "split";
        };
    }
}
