package io.localmodels.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files a precision and a layout pick in an onnx-community-style folder, and what a gap says. */
class WhisperModelFilesTest {

    private static Path folder(Path dir, String... onnx) throws IOException {
        Files.createDirectories(dir.resolve("onnx"));
        for (String f : onnx) {
            Files.writeString(dir.resolve("onnx").resolve(f), "x");
        }
        for (String f : new String[]{"config.json", "generation_config.json", "tokenizer.json"}) {
            Files.writeString(dir.resolve(f), "{}");
        }
        return dir;
    }

    @Test
    void precisionPicksTheSuffixAndAutoPrefersTheMergedDecoder(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp, "encoder_model.onnx", "decoder_model_merged.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx",
                "encoder_model_quantized.onnx", "decoder_model_merged_quantized.onnx", "encoder_model_fp16.onnx",
                "decoder_model_fp16.onnx", "decoder_with_past_model_fp16.onnx");
        WhisperModelFiles fp32 = WhisperModelFiles.find(dir, "fp32", WhisperModelFiles.Layout.AUTO);
        assertEquals("encoder_model.onnx", fp32.encoder().getFileName().toString());
        assertTrue(fp32.merged());
        WhisperModelFiles split = WhisperModelFiles.find(dir, "fp32", WhisperModelFiles.Layout.SPLIT);
        assertFalse(split.merged());
        assertEquals("decoder_with_past_model.onnx", split.decoderWithPast().orElseThrow().getFileName().toString());
        assertEquals("decoder_model_merged_quantized.onnx",
                WhisperModelFiles.find(dir, "quantized", WhisperModelFiles.Layout.AUTO).mergedDecoder().orElseThrow().getFileName().toString());
        WhisperModelFiles fp16 = WhisperModelFiles.find(dir, "fp16", WhisperModelFiles.Layout.AUTO);
        assertFalse(fp16.merged(), "no merged fp16 file: the split pair is used");
        assertEquals("decoder_model_fp16.onnx", fp16.decoder().orElseThrow().getFileName().toString());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp, "encoder_model.onnx", "decoder_model.onnx");
        IOException e = assertThrows(IOException.class, () -> WhisperModelFiles.find(dir, "fp32", WhisperModelFiles.Layout.AUTO));
        assertTrue(e.getMessage().contains("decoder_model_merged.onnx") && e.getMessage().contains("decoder_with_past_model.onnx"), e.getMessage());
        IOException q4 = assertThrows(IOException.class, () -> WhisperModelFiles.find(dir, "q4", WhisperModelFiles.Layout.MERGED));
        assertTrue(q4.getMessage().contains("encoder_model_q4.onnx"), q4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WhisperModelFiles.find(dir, "fp8", WhisperModelFiles.Layout.AUTO));
    }
}
