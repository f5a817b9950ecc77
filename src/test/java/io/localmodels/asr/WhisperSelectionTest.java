package io.localmodels.asr;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files of an onnx-community-style listing the engine needs, by precision and layout. */
class WhisperSelectionTest {

    // what onnx-community/whisper-large-v3-turbo lists, abridged
    private static final List<String> TURBO = List.of(".gitattributes", "README.md", "config.json", "generation_config.json",
            "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
            "vocab.json", "merges.txt", "normalizer.json",
            "onnx/encoder_model.onnx", "onnx/encoder_model.onnx_data", "onnx/encoder_model_fp16.onnx", "onnx/encoder_model_fp16.onnx_data",
            "onnx/encoder_model_quantized.onnx", "onnx/decoder_model_merged.onnx", "onnx/decoder_model_merged_fp16.onnx",
            "onnx/decoder_model_merged_quantized.onnx", "onnx/decoder_model.onnx", "onnx/decoder_with_past_model.onnx");

    @Test
    void autoTakesFp16OnCudaAndQuantizedOnCpuWithTheirExternalData() throws Exception {
        WhisperSelection.Choice cuda = WhisperSelection.choose(TURBO, WhisperSelection.preference("auto", true), WhisperModelFiles.Layout.AUTO);
        assertEquals("fp16", cuda.precision());
        assertEquals(List.of("onnx/encoder_model_fp16.onnx", "onnx/decoder_model_merged_fp16.onnx", "onnx/encoder_model_fp16.onnx_data",
                "config.json", "generation_config.json", "tokenizer.json", "preprocessor_config.json", "tokenizer_config.json",
                "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "normalizer.json"), cuda.files());
        WhisperSelection.Choice cpu = WhisperSelection.choose(TURBO, WhisperSelection.preference("auto", false), WhisperModelFiles.Layout.AUTO);
        assertEquals("quantized", cpu.precision());
        assertTrue(cpu.files().stream().noneMatch(f -> f.contains("fp16") || f.endsWith("onnx_data") || f.equals("README.md")), cpu.files().toString());
    }

    @Test
    void autoFallsBackToFp32AndAnExplicitPrecisionIsThatOrNothing() throws Exception {
        List<String> fp32Only = List.of("config.json", "generation_config.json", "tokenizer.json", "onnx/encoder_model.onnx",
                "onnx/decoder_model.onnx", "onnx/decoder_with_past_model.onnx");
        WhisperSelection.Choice c = WhisperSelection.choose(fp32Only, WhisperSelection.preference("auto", false), WhisperModelFiles.Layout.AUTO);
        assertEquals("fp32", c.precision());
        assertTrue(c.files().containsAll(List.of("onnx/decoder_model.onnx", "onnx/decoder_with_past_model.onnx")), "the split pair");
        WhisperSelection.NotAnExport e = assertThrows(WhisperSelection.NotAnExport.class,
                () -> WhisperSelection.choose(fp32Only, WhisperSelection.preference("q4", false), WhisperModelFiles.Layout.AUTO));
        assertTrue(e.getMessage().contains("this export has fp32"), e.getMessage());
        assertThrows(WhisperSelection.NotAnExport.class,
                () -> WhisperSelection.choose(fp32Only, List.of("fp32"), WhisperModelFiles.Layout.MERGED));
        assertThrows(IllegalArgumentException.class, () -> WhisperSelection.preference("fp8", false));
    }

    @Test
    void anExportWithoutItsJsonFilesOrWithoutOnnxFilesIsNamed() {
        WhisperSelection.NotAnExport noTokenizer = assertThrows(WhisperSelection.NotAnExport.class, () -> WhisperSelection.choose(
                List.of("config.json", "generation_config.json", "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx"),
                List.of("fp32"), WhisperModelFiles.Layout.AUTO));
        assertTrue(noTokenizer.getMessage().contains("tokenizer.json"), noTokenizer.getMessage());
        WhisperSelection.NotAnExport pytorch = assertThrows(WhisperSelection.NotAnExport.class, () -> WhisperSelection.choose(
                List.of("config.json", "model.safetensors", "tokenizer.json"), List.of("fp32"), WhisperModelFiles.Layout.AUTO));
        assertTrue(pytorch.getMessage().contains("no Whisper ONNX export"), pytorch.getMessage());
    }
}
