package io.localmodels.llm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files of a GGUF repository one model is, by the file lists of Qwen's and bartowski's repositories. */
class GgufSelectionTest {

    // Qwen/Qwen2.5-7B-Instruct-GGUF: the larger quantisations are split by gguf-split
    private static final List<String> QWEN_7B = List.of(".gitattributes", "LICENSE", "README.md",
            "qwen2.5-7b-instruct-fp16-00001-of-00004.gguf", "qwen2.5-7b-instruct-fp16-00002-of-00004.gguf",
            "qwen2.5-7b-instruct-fp16-00003-of-00004.gguf", "qwen2.5-7b-instruct-fp16-00004-of-00004.gguf",
            "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf",
            "qwen2.5-7b-instruct-q5_k_m-00001-of-00002.gguf", "qwen2.5-7b-instruct-q5_k_m-00002-of-00002.gguf",
            "qwen2.5-7b-instruct-q8_0-00001-of-00003.gguf", "qwen2.5-7b-instruct-q8_0-00002-of-00003.gguf",
            "qwen2.5-7b-instruct-q8_0-00003-of-00003.gguf", "qwen2.5-7b-instruct-q2_k.gguf");
    private static final List<String> BARTOWSKI = List.of("README.md", "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", "Qwen2.5-1.5B-Instruct-Q4_K_S.gguf",
            "Qwen2.5-1.5B-Instruct-Q4_0.gguf", "Qwen2.5-1.5B-Instruct-IQ4_XS.gguf", "Qwen2.5-1.5B-Instruct-f16.gguf",
            "Qwen2.5-1.5B-Instruct.imatrix");

    @Test
    void aSplitQuantisationIsAllItsPartsFirstPartFirst() throws Exception {
        List<String> files = GgufSelection.select(QWEN_7B, null, "Q4_K_M");
        assertEquals(List.of("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf"), files);
        assertEquals("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", GgufSelection.entry(files));
        assertEquals(3, GgufSelection.select(QWEN_7B, null, "q8_0").size());
    }

    @Test
    void aSingleFileIsPickedByItsTagInAnyCaseAndNotByAPrefixOfAnotherTag() throws Exception {
        assertEquals(List.of("Qwen2.5-1.5B-Instruct-Q4_K_M.gguf"), GgufSelection.select(BARTOWSKI, null, "q4_k_m"));
        assertEquals(List.of("Qwen2.5-1.5B-Instruct-Q4_0.gguf"), GgufSelection.select(BARTOWSKI, null, "Q4_0"));
        assertEquals(List.of("qwen2.5-7b-instruct-q2_k.gguf"), GgufSelection.select(QWEN_7B, null, "Q2_K"));
        GgufSelection.NoMatch e = assertThrows(GgufSelection.NoMatch.class, () -> GgufSelection.select(BARTOWSKI, null, "Q4_K"));
        assertTrue(e.getMessage().contains("IQ4_XS") && e.getMessage().contains("Q4_K_S") && e.getMessage().contains("F16"), e.getMessage());
    }

    @Test
    void aNamedFileIsTakenAsItIsWithItsOtherPartsWhenSplit() throws Exception {
        assertEquals(List.of("Qwen2.5-1.5B-Instruct-f16.gguf"), GgufSelection.select(BARTOWSKI, "Qwen2.5-1.5B-Instruct-f16.gguf", "Q4_K_M"));
        assertEquals(2, GgufSelection.select(QWEN_7B, "qwen2.5-7b-instruct-q5_k_m-00001-of-00002.gguf", "Q4_K_M").size());
        GgufSelection.NoMatch e = assertThrows(GgufSelection.NoMatch.class, () -> GgufSelection.select(BARTOWSKI, "nope.gguf", "Q4_K_M"));
        assertTrue(e.getMessage().contains("nope.gguf"), e.getMessage());
    }

    @Test
    void aSplitModelWithAMissingPartIsRefused() {
        List<String> broken = List.of("m-q4_k_m-00001-of-00003.gguf", "m-q4_k_m-00003-of-00003.gguf");
        GgufSelection.NoMatch e = assertThrows(GgufSelection.NoMatch.class, () -> GgufSelection.select(broken, null, "Q4_K_M"));
        assertTrue(e.getMessage().contains("m-q4_k_m-00002-of-00003.gguf"), e.getMessage());
    }

    @Test
    void modelValuesNameRepositoriesQuantisationsAndFiles() {
        assertEquals("Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M", LlmLocator.parseHub("Qwen/Qwen2.5-7B-Instruct-GGUF", "Q4_K_M").toString());
        LlmLocator.Hub q = (LlmLocator.Hub) LlmLocator.parseHub("bartowski/Qwen2.5-1.5B-Instruct-GGUF@main:Q5_K_M", "Q4_K_M");
        assertEquals("bartowski/Qwen2.5-1.5B-Instruct-GGUF", q.ref().repo());
        assertEquals("Q5_K_M", q.quantization());
        LlmLocator.Hub f = (LlmLocator.Hub) LlmLocator.parseHub("Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf", "Q4_K_M");
        assertEquals("qwen2.5-0.5b-instruct-q8_0.gguf", f.file());
        assertEquals(null, LlmLocator.parseHub("not a repo", "Q4_K_M"));
    }
}
