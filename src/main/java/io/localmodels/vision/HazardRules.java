package io.localmodels.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Risks read off the detections, each rule stating why it fired. The frame is the wearer's view:
 * something large or centred is close and in the path; the bottom of the frame is the ground ahead.
 */
public final class HazardRules {

    static final Set<String> VEHICLES = Set.of("car", "bus", "truck", "motorcycle", "bicycle", "train");
    static final Set<String> SHARP = Set.of("knife", "scissors");
    static final Set<String> SIGNALS = Set.of("traffic light", "stop sign");
    /** Things that stand on the ground and can be walked into or tripped over. */
    static final Set<String> OBSTACLES = Set.of("bench", "chair", "couch", "potted plant", "fire hydrant", "parking meter",
            "suitcase", "backpack", "handbag", "dining table", "bed", "toilet", "sports ball", "skateboard", "dog", "cat",
            "bicycle", "motorcycle");

    private HazardRules() {
    }

    static boolean central(Box b) {
        return b.centerX() > 1.0 / 3 && b.centerX() < 2.0 / 3;
    }

    public static List<Risk> assess(List<Detection> detections, String language) {
        boolean es = !"en".equals(language);
        List<Risk> risks = new ArrayList<>();
        for (Detection d : detections) {
            Box b = d.box();
            String name = VisionText.name(d.label(), es);
            int pct = (int) Math.round(b.area() * 100);
            if (VEHICLES.contains(d.label()) && (b.area() >= 0.15 || (central(b) && b.area() >= 0.04))) {
                Risk.Level level = b.area() >= 0.25 || (central(b) && b.area() >= 0.15) ? Risk.Level.high : Risk.Level.medium;
                risks.add(new Risk(level, es ? "Cuidado: " + name + " cerca" + (central(b) ? " delante." : ".")
                        : "Careful: " + name + " close" + (central(b) ? " ahead." : "."),
                        String.format(Locale.ROOT, "%s covers %d%% of the frame%s", d.label(), pct,
                                central(b) ? " in the centre" : "")));
            }
            if ("person".equals(d.label()) && (b.area() >= 0.25 || b.h() >= 0.8)) {
                risks.add(new Risk(Risk.Level.medium, es ? "Hay una persona muy cerca." : "A person is very close.",
                        String.format(Locale.ROOT, "person covers %d%% of the frame, %d%% of its height", pct,
                                (int) Math.round(b.h() * 100))));
            }
            if (SHARP.contains(d.label())) {
                risks.add(new Risk(b.area() >= 0.05 ? Risk.Level.high : Risk.Level.medium,
                        es ? "Objeto cortante a la vista: " + name + "." : "Sharp object in view: " + name + ".",
                        d.label() + " detected (score " + d.score() + ")"));
            }
            if (OBSTACLES.contains(d.label()) && central(b) && b.bottom() >= 0.85) {
                risks.add(new Risk(Risk.Level.medium, es ? "Obstáculo en el suelo delante: " + name + "."
                        : "Obstacle on the ground ahead: " + name + ".",
                        String.format(Locale.ROOT, "%s low in the centre of the frame (bottom at %d%% of the height)",
                                d.label(), (int) Math.round(b.bottom() * 100))));
            }
            if (SIGNALS.contains(d.label())) {
                risks.add(new Risk(Risk.Level.low, es ? "Hay " + VisionText.withArticle(d.label(), es)
                        + ": comprueba antes de cruzar." : "There is a " + name + ": check it before crossing.",
                        d.label() + " detected (score " + d.score() + ")"));
            }
        }
        return risks;
    }

    public static List<String> suggestions(List<Risk> risks, String language) {
        boolean es = !"en".equals(language);
        List<String> out = new ArrayList<>();
        if (risks.stream().anyMatch(r -> r.level() == Risk.Level.high)) {
            out.add(es ? "Detente y mira a tu alrededor antes de seguir." : "Stop and look around before moving on.");
        } else if (!risks.isEmpty()) {
            out.add(es ? "Avanza con precaución." : "Move on with care.");
        }
        return out;
    }
}
