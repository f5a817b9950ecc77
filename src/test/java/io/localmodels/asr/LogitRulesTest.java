package io.localmodels.asr;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogitRulesTest {

    @Test
    void fastExpAgreesWithMathExp() {
        Random random = new Random(3);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = -random.nextDouble() * (i % 2 == 0 ? 40 : 700);
            double expected = Math.exp(x);
            worst = Math.max(worst, Math.abs(LogitRules.expNonPositive(x) - expected) / expected);
        }
        assertTrue(worst < 1e-10, "largest relative error " + worst);
        assertEquals(1.0, LogitRules.expNonPositive(0), 0);
        assertEquals(0.0, LogitRules.expNonPositive(Double.NEGATIVE_INFINITY), 0);
    }

    @Test
    void logSumExpSkipsSuppressedTokens() {
        float[] x = {0f, Float.NEGATIVE_INFINITY, (float) Math.log(3)};
        assertEquals(Math.log(4), LogitRules.logSumExp(x, 0, 3), 1e-7);
        assertEquals(Double.NEGATIVE_INFINITY, LogitRules.logSumExp(new float[]{Float.NEGATIVE_INFINITY}, 0, 1));
    }
}
