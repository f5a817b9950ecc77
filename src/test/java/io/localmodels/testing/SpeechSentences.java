package io.localmodels.testing;

import java.util.List;

/** The closed set of sentences the speech tests have spoken and PocketSphinx chooses among (its JSGF grammar). */
public final class SpeechSentences {

    public static final List<String> ALL = List.of("turn left at the next corner", "the bus stop is behind you",
            "there is a step in front of you", "call my sister now", "what time is it", "remind me to buy milk",
            "the door is on your right", "watch out for the bicycle", "read the sign for me", "how far is the station",
            "stop the music please", "take a photo of this");

    private SpeechSentences() {
    }
}
