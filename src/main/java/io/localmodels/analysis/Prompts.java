package io.localmodels.analysis;

import java.util.List;
import java.util.Locale;

/** The analysis prompts, per language (Spanish and English; other languages get English instructions asking for that language). */
final class Prompts {

    private Prompts() {
    }

    static boolean spanish(String language) {
        return language != null && language.toLowerCase(Locale.ROOT).startsWith("es");
    }

    static String system(String language) {
        if (spanish(language)) {
            return "Eres un asistente que analiza la transcripción de una conversación grabada con unas gafas inteligentes. "
                    + "Responde siempre en español y solo con un objeto JSON con estas claves: "
                    + "\"summary\" (resumen breve en lenguaje natural), "
                    + "\"decisions\" (lista de decisiones tomadas), "
                    + "\"open_questions\" (lista de dudas o preguntas que quedan abiertas), "
                    + "\"action_items\" (lista de tareas; cada una con \"title\", \"description\", \"steps\" —pasos concretos y "
                    + "accionables— y \"source_segment_ids\" —los números de segmento de los que sale—), "
                    + "\"risks\" (lista de riesgos mencionados o evidentes). "
                    + "No inventes nada que no esté en la transcripción; usa listas vacías cuando no haya nada.";
        }
        String name = language == null || language.equals("en") ? "English" : "the language with ISO code '" + language + "'";
        return "You analyse the transcript of a conversation recorded by smart glasses. Always answer in " + name
                + " and only with a JSON object with these keys: "
                + "\"summary\" (a short natural-language summary), \"decisions\" (list of decisions taken), "
                + "\"open_questions\" (list of questions left open), \"action_items\" (list of tasks, each with \"title\", "
                + "\"description\", \"steps\" — concrete, actionable steps — and \"source_segment_ids\" — the segment numbers it "
                + "comes from), \"risks\" (list of risks mentioned or evident). Do not invent anything that is not in the "
                + "transcript; use empty lists when there is nothing.";
    }

    static String transcript(String language, List<TranscriptLine> lines, int part, int parts) {
        StringBuilder b = new StringBuilder();
        if (parts > 1) {
            b.append(spanish(language)
                    ? "Esta es la parte " + part + " de " + parts + " de la transcripción; analiza solo esta parte.\n"
                    : "This is part " + part + " of " + parts + " of the transcript; analyse this part only.\n");
        }
        b.append(spanish(language)
                ? "Transcripción (cada línea: [segmento] inicio–fin hablante: texto):\n"
                : "Transcript (each line: [segment] start–end speaker: text):\n");
        if (lines.stream().map(TranscriptLine::speaker).distinct().count() > 1) {
            // the labels come from voices, not names: the model should attribute, never identify
            b.append(spanish(language)
                    ? "Los hablantes S1, S2, … se distinguieron por la voz (son etiquetas, no nombres); di quién propone, acepta o"
                    + " se encarga de qué cuando importe.\n"
                    : "Speakers S1, S2, … were told apart by their voices (labels, not names); say who proposed, agreed to or took on"
                    + " what where it matters.\n");
        }
        for (TranscriptLine l : lines) {
            b.append(line(l)).append('\n');
        }
        return b.toString();
    }

    static String line(TranscriptLine l) {
        return String.format(Locale.ROOT, "[%d] %.1f–%.1f %s: %s", l.segmentId(), l.start(), l.end(), l.speaker(), l.text().strip());
    }

    static String merge(String language, String partialsJson) {
        return spanish(language)
                ? "Estos son análisis parciales, en orden, de partes consecutivas de una misma conversación. Únelos en un único "
                + "análisis de toda la conversación con las mismas claves (sin repetir elementos):\n" + partialsJson
                : "These are partial analyses, in order, of consecutive parts of one conversation. Merge them into one analysis "
                + "of the whole conversation with the same keys (without repeating items):\n" + partialsJson;
    }

    static String repair(String language, String problem) {
        return spanish(language)
                ? "Tu respuesta no es un JSON válido con la forma pedida (" + problem + "). Devuelve solo el JSON corregido."
                : "Your answer is not valid JSON of the requested shape (" + problem + "). Return only the corrected JSON.";
    }
}
