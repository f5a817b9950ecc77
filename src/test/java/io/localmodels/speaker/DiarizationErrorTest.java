package io.localmodels.speaker;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The DER the speaker tests report, on cases worked out by hand. */
class DiarizationErrorTest {

    private static final List<DiarizationError.Turn> REF = List.of(new DiarizationError.Turn("A", 0, 10), new DiarizationError.Turn("B", 10, 20));

    private static double der(double collar, DiarizationError.Turn... hyp) {
        return DiarizationError.score(REF, List.of(hyp), collar).der();
    }

    @Test
    void handWorkedCases() {
        assertEquals(0.0, der(0, new DiarizationError.Turn("x", 0, 10), new DiarizationError.Turn("y", 10, 20)), 1e-9, "perfect");
        assertEquals(0.0, der(0, new DiarizationError.Turn("y", 0, 10), new DiarizationError.Turn("x", 10, 20)), 1e-9, "names do not matter");
        assertEquals(0.5, der(0, new DiarizationError.Turn("x", 0, 20)), 1e-9, "one speaker for two: half confused");
        assertEquals(0.75, der(0, new DiarizationError.Turn("x", 0, 5)), 1e-9, "15 of 20 s missed");
        assertEquals(0.25, der(0, new DiarizationError.Turn("x", 0, 10), new DiarizationError.Turn("y", 10, 25)), 1e-9, "5 s false alarm");
        assertEquals(0.25, der(0, new DiarizationError.Turn("x", 0, 10), new DiarizationError.Turn("y", 10, 15),
                new DiarizationError.Turn("z", 15, 20)), 1e-9, "three labels for two speakers: one of them is left unmapped, 5 s confused");
        // a 1 s collar takes 9-11 s (and the edges) out: the 1 s late change is not counted
        assertEquals(0.0, der(1, new DiarizationError.Turn("x", 0, 11), new DiarizationError.Turn("y", 11, 20)), 1e-9, "within the collar");
        assertEquals(1 / 16.0, der(1, new DiarizationError.Turn("x", 0, 12), new DiarizationError.Turn("y", 12, 20)), 1e-9,
                "1 s confused of 16 s scored");
    }
}
