package io.localmodels.vision;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CocoLabelsTest {

    @Test
    void englishPluralsOfEveryClassAreWords() {
        Map<String, String> expected = Map.ofEntries(Map.entry("person", "people"), Map.entry("sheep", "sheep"),
                Map.entry("mouse", "mice"), Map.entry("broccoli", "broccoli"), Map.entry("skis", "skis"),
                Map.entry("scissors", "scissors"), Map.entry("knife", "knives"), Map.entry("bus", "buses"),
                Map.entry("wine glass", "wine glasses"), Map.entry("toothbrush", "toothbrushes"), Map.entry("couch", "couches"),
                Map.entry("teddy bear", "teddy bears"), Map.entry("car", "cars"), Map.entry("hair drier", "hair driers"));
        expected.forEach((en, plural) -> assertEquals(plural, CocoLabels.ALL.stream().filter(l -> l.en().equals(en)).findFirst()
                .orElseThrow(() -> new AssertionError("no class " + en)).enPlural(), en));
        assertEquals(80, CocoLabels.ALL.size());
    }
}
