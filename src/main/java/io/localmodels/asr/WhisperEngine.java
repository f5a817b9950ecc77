package io.localmodels.asr;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Whisper on ONNX Runtime: features, encoder, language detection, greedy decoding with the
 * timestamp rules, segments, and the hallucination checks. {@link #transcribe} takes a batch; rows
 * whose prompts have the same length are encoded and decoded together. Thread-safe (the pool still
 * runs one batch per worker).
 */
public final class WhisperEngine implements AutoCloseable {

    private final WhisperOnnxModel model;
    private final WhisperTokenizer tokenizer;
    private final WhisperConfig config;
    private final SpecialTokens sp;
    private final DecodingOptions options;
    private final ThreadLocal<LogMelSpectrogram> features;

    public WhisperEngine(WhisperOnnxModel model, WhisperTokenizer tokenizer, DecodingOptions options) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.config = model.config();
        this.sp = config.specials();
        this.options = options;
        this.features = ThreadLocal.withInitial(() -> new LogMelSpectrogram(config.mels()));
    }

    /** Loads a model folder with {@code opener} deciding provider and threads. */
    public static WhisperEngine open(OrtEnvironment env, WhisperModelFiles files, WhisperOnnxModel.SessionOpener opener,
                                     DecodingOptions options) throws IOException, OrtException {
        WhisperTokenizer tokenizer = WhisperTokenizer.load(files.tokenizer());
        WhisperConfig config = WhisperConfig.load(files, tokenizer);
        return new WhisperEngine(new WhisperOnnxModel(env, files, config, opener), tokenizer, options);
    }

    /** Throws {@link LanguageUnsupportedException} for what an English-only model cannot do. */
    public void refuseUnsupported(String language, AsrRequest.Task task) {
        if (config.multilingual()) {
            return;
        }
        if (task == AsrRequest.Task.TRANSLATE) {
            throw new LanguageUnsupportedException("this Whisper model is English-only (a .en model): it cannot translate;"
                    + " configure a multilingual model in lma.asr.model");
        }
        if (language != null && !language.equals("en")) {
            throw new LanguageUnsupportedException("this Whisper model is English-only (a .en model) and would transcribe '"
                    + language + "' speech as English; use language en, or configure a multilingual model in lma.asr.model");
        }
    }

    public WhisperOnnxModel model() {
        return model;
    }

    public WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    public DecodingOptions options() {
        return options;
    }

    public List<Transcription> transcribe(List<AsrRequest> requests) throws OrtException {
        return transcribe(requests, options);
    }

    public List<Transcription> transcribe(List<AsrRequest> requests, DecodingOptions opts) throws OrtException {
        for (AsrRequest r : requests) {
            refuseUnsupported(r.language(), r.task());
            if (r.language() != null && config.multilingual() && sp.language(r.language()).isEmpty()) {
                throw new IllegalArgumentException("language '" + r.language() + "' is not one this model knows");
            }
        }
        Transcription[] out = new Transcription[requests.size()];
        Map<Integer, List<Integer>> byPromptLength = new LinkedHashMap<>();
        long[][] prefixes = new long[requests.size()][];
        for (int i = 0; i < requests.size(); i++) {
            prefixes[i] = promptPrefix(requests.get(i));
            int length = prefixes[i].length + sotSequenceLength(requests.get(i));
            byPromptLength.computeIfAbsent(length, k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : byPromptLength.values()) {
            decodeGroup(requests, prefixes, group, opts, out);
        }
        return Arrays.asList(out);
    }

    private void decodeGroup(List<AsrRequest> requests, long[][] prefixes, List<Integer> group, DecodingOptions opts,
                             Transcription[] out) throws OrtException {
        float[][] mel = new float[group.size()][];
        for (int i = 0; i < group.size(); i++) {
            mel[i] = features.get().compute(requests.get(group.get(i)).audio());
        }
        GreedyDecoder decoder = new GreedyDecoder(model, (int) Math.round(opts.maxInitialTimestamp() / SpecialTokens.TIMESTAMP_STEP));
        try (WhisperOnnxModel.Encoded encoded = model.encode(mel)) {
            String[] languages = new String[group.size()];
            double[] languageProb = new double[group.size()];
            boolean detect = false;
            for (int i = 0; i < group.size(); i++) {
                AsrRequest r = requests.get(group.get(i));
                languages[i] = config.multilingual() ? r.language() : "en";
                languageProb[i] = 1.0;
                detect |= languages[i] == null;
            }
            if (detect) {
                List<GreedyDecoder.LanguageGuess> guesses = decoder.detectLanguage(encoded, group.size());
                for (int i = 0; i < group.size(); i++) {
                    if (languages[i] == null) {
                        languages[i] = guesses.get(i).language();
                        languageProb[i] = guesses.get(i).probability();
                    }
                }
            }
            List<GreedyDecoder.Row> rows = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                AsrRequest r = requests.get(group.get(i));
                rows.add(row(prefixes[group.get(i)], languages[i], r));
            }
            List<GreedyDecoder.Decoded> decoded = decoder.decode(encoded, rows, maxNewTokens(rows.get(0), opts), opts.useCache(), 0, null);
            for (int i = 0; i < group.size(); i++) {
                AsrRequest r = requests.get(group.get(i));
                GreedyDecoder.Decoded d = decoded.get(i);
                double temperature = 0;
                if (!opts.fallbackTemperatures().isEmpty() && needsFallback(d, opts)) {
                    Random random = new Random(opts.seed());
                    for (double t : opts.fallbackTemperatures()) {
                        try (WhisperOnnxModel.Encoded single = model.encode(new float[][]{mel[i]})) {
                            d = decoder.decode(single, List.of(rows.get(i)), maxNewTokens(rows.get(i), opts), opts.useCache(), t, random).get(0);
                        }
                        temperature = t;
                        if (!needsFallback(d, opts)) {
                            break;
                        }
                    }
                }
                out[group.get(i)] = result(r, languages[i], languageProb[i], d, temperature, opts);
            }
        }
    }

    private int maxNewTokens(GreedyDecoder.Row row, DecodingOptions opts) {
        return Math.min(opts.maxNewTokens(), config.maxTargetPositions() - row.prompt().length);
    }

    private boolean needsFallback(GreedyDecoder.Decoded d, DecodingOptions opts) {
        double ratio = compressionRatio(tokenizer.decode(d.tokens()));
        return ratio > opts.compressionRatioThreshold() || d.avgLogprob() < opts.logprobThreshold();
    }

    /** {@code <|startofprev|>} and the prompt's last tokens (at most half the text context), or nothing. */
    private long[] promptPrefix(AsrRequest r) {
        if (r.prompt() == null) {
            return new long[0];
        }
        int[] tokens = tokenizer.encode(" " + r.prompt().strip());
        int keep = Math.min(tokens.length, config.maxTargetPositions() / 2 - 1);
        long[] out = new long[keep + 1];
        out[0] = sp.sotPrev();
        for (int i = 0; i < keep; i++) {
            out[i + 1] = tokens[tokens.length - keep + i];
        }
        return out;
    }

    private int sotSequenceLength(AsrRequest r) {
        return (config.multilingual() ? 3 : 1) + (r.timestamps() ? 0 : 1);
    }

    private GreedyDecoder.Row row(long[] prefix, String language, AsrRequest r) {
        List<Long> seq = new ArrayList<>();
        for (long t : prefix) {
            seq.add(t);
        }
        int sotIndex = seq.size();
        seq.add((long) sp.sot());
        if (config.multilingual()) {
            seq.add((long) sp.language(language).orElseThrow());
            seq.add((long) (r.task() == AsrRequest.Task.TRANSLATE ? sp.translate() : sp.transcribe()));
        }
        if (!r.timestamps()) {
            seq.add((long) sp.noTimestamps());
        }
        return new GreedyDecoder.Row(seq.stream().mapToLong(Long::longValue).toArray(), sotIndex, r.timestamps());
    }

    private Transcription result(AsrRequest r, String language, double languageProb, GreedyDecoder.Decoded d,
                                 double temperature, DecodingOptions opts) {
        String text = tokenizer.decode(d.tokens());
        double ratio = compressionRatio(text);
        double avg = d.avgLogprob();
        String dropped = null;
        if (d.noSpeechProb() > opts.noSpeechThreshold() && avg < opts.logprobThreshold()) {
            dropped = "no_speech";
        } else if (ratio > opts.compressionRatioThreshold()) {
            dropped = "repetition";
        }
        List<TranscriptSegment> segments = dropped != null ? List.of()
                : segments(r, d.tokens(), avg, d.noSpeechProb(), ratio, temperature);
        return new Transcription(language, languageProb, d.tokens(), segments, avg, d.noSpeechProb(), ratio, dropped);
    }

    /**
     * Segments as openai/whisper's transcribe() cuts them: consecutive timestamp tokens close one
     * segment and open the next; without timestamps the whole window is one segment. Times are
     * clamped to the audio so a segment never ends after its utterance.
     */
    List<TranscriptSegment> segments(AsrRequest r, int[] tokens, double avg, double noSpeech, double ratio, double temperature) {
        double duration = r.durationSeconds();
        List<TranscriptSegment> out = new ArrayList<>();
        if (!r.timestamps()) {
            addSegment(out, r, 0, duration, tokens, avg, noSpeech, ratio, temperature);
            return out;
        }
        int last = 0;
        for (int i = 1; i < tokens.length; i++) {
            if (sp.isTimestamp(tokens[i]) && sp.isTimestamp(tokens[i - 1])) {
                int[] slice = Arrays.copyOfRange(tokens, last, i);
                addSegment(out, r, time(slice[0]), time(slice[slice.length - 1]), slice, avg, noSpeech, ratio, temperature);
                last = i;
            }
        }
        if (last < tokens.length) {
            int[] rest = Arrays.copyOfRange(tokens, last, tokens.length);
            double start = sp.isTimestamp(rest[0]) ? time(rest[0]) : 0;
            double end = sp.isTimestamp(rest[rest.length - 1]) && rest.length > 1 ? time(rest[rest.length - 1]) : duration;
            addSegment(out, r, start, end, rest, avg, noSpeech, ratio, temperature);
        }
        return out;
    }

    private double time(int token) {
        return (token - sp.timestampBegin()) * SpecialTokens.TIMESTAMP_STEP;
    }

    private void addSegment(List<TranscriptSegment> out, AsrRequest r, double start, double end, int[] tokens, double avg,
                            double noSpeech, double ratio, double temperature) {
        String text = tokenizer.decode(tokens);
        if (text.isBlank()) {
            return;
        }
        double duration = r.durationSeconds();
        double s = Math.min(Math.max(0, start), duration);
        double e = Math.min(Math.max(s, end), duration);
        out.add(new TranscriptSegment(r.offsetSeconds() + s, r.offsetSeconds() + e, text, tokens, avg, noSpeech, ratio, temperature));
    }

    /** zlib-compressed size ratio of the text, as openai/whisper's compression_ratio. */
    public static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return bytes.length / (double) out.size();
        } finally {
            deflater.end();
        }
    }

    @Override
    public void close() throws OrtException {
        model.close();
    }
}
