package io.localmodels.session;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** LocalAgreement-2 on hand-made hypotheses: what two decodes agree on is committed, and the committed text never shrinks. */
class InterimCaptionsTest {

    private static List<String> w(String text) {
        return InterimCaptions.words(text);
    }

    @Test
    void theLastTwoHypothesesCommitTheirCommonPrefix() {
        assertEquals(List.of(), InterimCaptions.agreed(List.of(), null, w("hola que")), "one hypothesis commits nothing");
        assertEquals(w("hola que"), InterimCaptions.agreed(List.of(), w("hola que tal"), w("hola que hay")));
        assertEquals(w("hola que tal"), InterimCaptions.agreed(w("hola que"), w("hola que tal estas"), w("hola que tal amigo")));
    }

    @Test
    void committedTextNeverShrinksOrChanges() {
        // the new pair agrees on less than was committed: the committed text stays
        assertEquals(w("hola que"), InterimCaptions.agreed(w("hola que"), w("hola x"), w("hola y")));
        // the new pair agrees on more, but contradicts what was committed: the committed text stays
        assertEquals(w("hola que"), InterimCaptions.agreed(w("hola que"), w("ola que tal"), w("ola que tal")));
        assertEquals(List.of(), InterimCaptions.words("  "));
    }
}
