package io.localmodels.vision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The deterministic scene sentence, in Spanish or English, from the detections. */
public final class VisionText {

    private VisionText() {
    }

    static String name(String label, boolean es) {
        CocoLabels.Label l = CocoLabels.byEnglish(label);
        return es ? l.es() : l.en();
    }

    static String withArticle(String label, boolean es) {
        CocoLabels.Label l = CocoLabels.byEnglish(label);
        if (es) {
            return (l.feminine() ? "una " : "un ") + l.es();
        }
        return ("aeiou".indexOf(l.en().charAt(0)) >= 0 ? "an " : "a ") + l.en();
    }

    private static String counted(String label, int n, boolean es) {
        if (n == 1) {
            return withArticle(label, es);
        }
        CocoLabels.Label l = CocoLabels.byEnglish(label);
        String[] esNumbers = {"", "", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"};
        String[] enNumbers = {"", "", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        String number = n < 10 ? (es ? esNumbers[n] : enNumbers[n]) : Integer.toString(n);
        return number + " " + (es ? l.esPlural() : l.enPlural());
    }

    private static String where(Box b, boolean es) {
        if (b.centerX() < 1.0 / 3) {
            return es ? "a la izquierda" : "on the left";
        }
        if (b.centerX() > 2.0 / 3) {
            return es ? "a la derecha" : "on the right";
        }
        return es ? "delante" : "ahead";
    }

    /** "Hay un perro delante, una bicicleta a la izquierda y un coche a la derecha." */
    public static String describe(List<Detection> detections, String language) {
        boolean es = !"en".equals(language);
        if (detections.isEmpty()) {
            return es ? "No se detectan objetos conocidos." : "No known objects detected.";
        }
        // One phrase per label and position, most confident first, at most six.
        Map<String, List<Detection>> groups = new LinkedHashMap<>();
        for (Detection d : detections) {
            groups.computeIfAbsent(d.label() + "|" + where(d.box(), es), k -> new ArrayList<>()).add(d);
        }
        List<String> phrases = new ArrayList<>();
        int firstCount = 0;
        for (Map.Entry<String, List<Detection>> e : groups.entrySet()) {
            if (phrases.size() == 6) {
                break;
            }
            List<Detection> ds = e.getValue();
            if (phrases.isEmpty()) {
                firstCount = ds.size();
            }
            phrases.add(counted(ds.get(0).label(), ds.size(), es) + " " + where(ds.get(0).box(), es));
        }
        String list = phrases.size() == 1 ? phrases.get(0)
                : String.join(", ", phrases.subList(0, phrases.size() - 1)) + (es ? " y " : " and ") + phrases.get(phrases.size() - 1);
        String start = es ? "Hay " : firstCount == 1 ? "There is " : "There are ";
        return start + list + ".";
    }
}
