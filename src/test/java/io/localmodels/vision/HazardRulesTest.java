package io.localmodels.vision;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule fires on the detections it is for and stays quiet otherwise. */
class HazardRulesTest {

    static Detection d(String label, double x, double y, double w, double h) {
        return new Detection(label, 0.9, new Box(x, y, w, h));
    }

    static List<Risk> risks(Detection... ds) {
        return HazardRules.assess(List.of(ds), "en");
    }

    @Test
    void largeOrCentralVehicleIsARisk() {
        assertEquals(Risk.Level.high, risks(d("car", 0.2, 0.2, 0.6, 0.6)).get(0).level());
        assertEquals(Risk.Level.medium, risks(d("bus", 0.4, 0.3, 0.2, 0.25)).get(0).level());
        assertEquals(Risk.Level.medium, risks(d("bicycle", 0.0, 0.1, 0.4, 0.45)).get(0).level());
        assertTrue(risks(d("truck", 0.4, 0.3, 0.2, 0.25)).get(0).reason().contains("in the centre"));
        // small and to the side: far away, not in the path
        assertTrue(risks(d("car", 0.8, 0.4, 0.15, 0.1)).isEmpty());
        assertTrue(risks(d("motorcycle", 0.45, 0.4, 0.1, 0.1)).isEmpty());
    }

    @Test
    void personVeryCloseIsARisk() {
        assertEquals("A person is very close.", risks(d("person", 0.3, 0.05, 0.4, 0.9)).get(0).message());
        assertTrue(risks(d("person", 0.3, 0.3, 0.1, 0.3)).isEmpty());
    }

    @Test
    void knivesAndScissorsAreRisks() {
        assertEquals(Risk.Level.medium, risks(d("knife", 0.1, 0.1, 0.05, 0.1)).get(0).level());
        assertEquals(Risk.Level.high, risks(d("scissors", 0.1, 0.1, 0.3, 0.3)).get(0).level());
        assertTrue(risks(d("fork", 0.1, 0.1, 0.3, 0.3)).isEmpty());
    }

    @Test
    void obstacleLowInTheCentreIsARisk() {
        List<Risk> r = risks(d("chair", 0.4, 0.6, 0.2, 0.35));
        assertEquals(1, r.size());
        assertTrue(r.get(0).reason().contains("low in the centre"), r.toString());
        assertTrue(risks(d("chair", 0.4, 0.2, 0.2, 0.3)).isEmpty(), "high in the frame: not on the path");
        assertTrue(risks(d("chair", 0.0, 0.6, 0.2, 0.35)).isEmpty(), "at the side");
    }

    @Test
    void trafficLightsAndStopSignsAreNoted() {
        assertEquals(Risk.Level.low, risks(d("traffic light", 0.7, 0.1, 0.05, 0.1)).get(0).level());
        assertEquals(Risk.Level.low, risks(d("stop sign", 0.1, 0.1, 0.05, 0.05)).get(0).level());
        assertEquals("Hay una señal de stop: comprueba antes de cruzar.",
                HazardRules.assess(List.of(d("stop sign", 0.1, 0.1, 0.05, 0.05)), "es").get(0).message());
    }

    @Test
    void quietSceneHasNoRisksAndNoSuggestions() {
        List<Risk> r = risks(d("dog", 0.1, 0.1, 0.1, 0.1), d("potted plant", 0.8, 0.2, 0.1, 0.2), d("cup", 0.5, 0.5, 0.05, 0.05));
        assertTrue(r.isEmpty(), r.toString());
        assertTrue(HazardRules.suggestions(r, "en").isEmpty());
    }

    @Test
    void descriptionsInSpanishAndEnglish() {
        List<Detection> ds = List.of(d("dog", 0.4, 0.5, 0.2, 0.3), d("bicycle", 0.05, 0.2, 0.2, 0.4), d("car", 0.7, 0.1, 0.25, 0.2));
        assertEquals("Hay un perro delante, una bicicleta a la izquierda y un coche a la derecha.", VisionText.describe(ds, "es"));
        assertEquals("There is a dog ahead, a bicycle on the left and a car on the right.", VisionText.describe(ds, "en"));
        assertEquals("Hay tres personas delante.", VisionText.describe(List.of(d("person", 0.4, 0, 0.1, 0.5),
                d("person", 0.45, 0, 0.1, 0.5), d("person", 0.5, 0, 0.1, 0.5)), "es"));
        assertEquals("No known objects detected.", VisionText.describe(List.of(), "en"));
    }
}
