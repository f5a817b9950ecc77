package io.localmodels.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What every LLM-backed engine does the same way: the prompts, the chunking of a transcript longer
 * than the model's context into consecutive parts, and the merge of their partial analyses. An engine
 * supplies one step: ask its model for an analysis of one prompt.
 */
abstract class ChunkedAnalysisEngine implements AnalysisEngine {

    private static final Logger LOG = Logger.getLogger(ChunkedAnalysisEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure the outcome reports (the transcript is still delivered). */
    static final class AnalysisFailure extends Exception {
        AnalysisFailure(String message) {
            super(message);
        }
    }

    /** The model's answer to the system prompt of {@code language} and one user prompt. */
    protected abstract SessionAnalysis ask(String language, String userPrompt) throws AnalysisFailure, InterruptedException;

    /** The model named in the status block. */
    protected abstract String model();

    protected abstract int contextTokens();

    protected abstract int answerTokens();

    /** A conservative token estimate (UTF-8 bytes / 3: real tokenizers average more bytes per token). */
    static int tokens(String text) {
        return (text.getBytes(StandardCharsets.UTF_8).length + 2) / 3;
    }

    @Override
    public AnalysisOutcome analyse(String language, List<TranscriptLine> transcript) {
        try {
            List<List<TranscriptLine>> chunks = chunks(language, transcript);
            SessionAnalysis result;
            if (chunks.size() == 1) {
                result = ask(language, Prompts.transcript(language, chunks.get(0), 1, 1));
            } else {
                LOG.infof("transcript of %d segments exceeds the context of %d tokens: analysing %d chunks", transcript.size(),
                        contextTokens(), chunks.size());
                ArrayNode partials = JSON.createArrayNode();
                for (int i = 0; i < chunks.size(); i++) {
                    partials.add(JSON.valueToTree(ask(language, Prompts.transcript(language, chunks.get(i), i + 1, chunks.size()))));
                }
                result = ask(language, Prompts.merge(language, partials.toString()));
            }
            return new AnalysisOutcome(result, new AnalysisStatus("ok", name(), model(), null));
        } catch (AnalysisFailure e) {
            LOG.warnf("session analysis failed: %s", e.getMessage());
            return AnalysisOutcome.failed(name(), model(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AnalysisOutcome.failed(name(), model(), "interrupted");
        }
    }

    /** Consecutive pieces of the transcript whose prompt fits the context with room for the answer. */
    List<List<TranscriptLine>> chunks(String language, List<TranscriptLine> transcript) {
        int budget = (int) ((contextTokens() - answerTokens() - tokens(Prompts.system(language))
                - tokens(Prompts.transcript(language, List.of(), 2, 2))) * 0.9);
        if (budget < 64) {
            throw new IllegalStateException("the context of " + contextTokens() + " tokens is too small for the prompt and an answer of "
                    + answerTokens() + " tokens");
        }
        List<List<TranscriptLine>> out = new ArrayList<>();
        List<TranscriptLine> current = new ArrayList<>();
        int used = 0;
        for (TranscriptLine line : transcript) {
            for (TranscriptLine piece : split(line, budget)) {
                int cost = tokens(Prompts.line(piece)) + 1;
                if (used + cost > budget && !current.isEmpty()) {
                    out.add(current);
                    current = new ArrayList<>();
                    used = 0;
                }
                current.add(piece);
                used += cost;
            }
        }
        if (!current.isEmpty() || out.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** A line too long for one chunk on its own, cut at word boundaries. */
    private static List<TranscriptLine> split(TranscriptLine line, int budget) {
        if (tokens(Prompts.line(line)) < budget) {
            return List.of(line);
        }
        List<TranscriptLine> pieces = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String word : line.text().split("\\s+")) {
            if (tokens(b + " " + word) > budget / 2 && b.length() > 0) {
                pieces.add(new TranscriptLine(line.segmentId(), line.speaker(), line.start(), line.end(), b.toString()));
                b.setLength(0);
            }
            b.append(b.length() == 0 ? "" : " ").append(word);
        }
        pieces.add(new TranscriptLine(line.segmentId(), line.speaker(), line.start(), line.end(), b.toString()));
        return pieces;
    }
}
