package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.Failures;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.Generation;
import io.localmodels.llm.LlmException;
import io.localmodels.llm.LlmService;
import io.localmodels.session.SessionEvent;
import io.localmodels.session.SessionListener;
import io.localmodels.tts.SpeechService;
import io.localmodels.tts.SpokenAnswer;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Gemini Live conversation: what was said (the history the LLM answers from), the answer being
 * given, and the connection it talks to. Answers come one after another; the wearer speaking over one
 * stops it ({@code interrupted}). It outlives its connection for the resume window: what it sends
 * meanwhile waits (bounded) and goes out when a connection resumes it with its handle. The audio
 * side ({@link GeminiLiveAudio}) tells it what was heard.
 */
final class GeminiLiveConversation implements SessionListener {

    private static final Logger LOG = Logger.getLogger(GeminiLiveConversation.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Messages kept while no connection is attached; older ones are dropped. */
    static final int MAX_MISSED = 256;
    /** User turns that may wait for the answer in progress; one more closes the connection (1013). */
    static final int MAX_WAITING_TURNS = 4;

    /** The connection side: sends Live server messages, closes with a WebSocket close code. */
    interface Link {
        void send(ObjectNode message);

        void close(int code, String reason);
    }

    final String handle;
    final String keyName;
    final GeminiLiveSetup setup;
    private final LlmService llm;
    private final SpeechService speech;
    private final GeminiChatServer chatServer;
    private final GeminiMedia media;
    final GeminiLiveAudio audio;
    private final int maxHistory;
    /** The setup's system instruction as the LLM reads it. */
    private final List<ChatMessage> system;

    /** Guards the history, the link and the missed messages; nothing that takes the audio session's locks runs under it. */
    private final Object state = new Object();
    private final List<ChatMessage> history = new ArrayList<>();
    private final ArrayDeque<ObjectNode> missed = new ArrayDeque<>();
    private Link link;
    private long detachedAtNanos = -1;
    private CompletableFuture<Void> turns = CompletableFuture.completedFuture(null);
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile AtomicBoolean answering;
    /** Held while a piece of the answer is sent and while an interruption is told, so that nothing of the answer follows "interrupted". */
    private final Object answerSends = new Object();
    /** The language Whisper heard in the newest spoken turn: a spoken answer uses its voice unless the setup named one. */
    private volatile String heardLanguage;
    /** The newest camera frame not yet shown to the LLM (latest wins). */
    private volatile GeminiRequests.Part.Media frame;

    GeminiLiveConversation(String handle, String keyName, GeminiLiveSetup setup, LlmService llm, SpeechService speech,
                           GeminiChatServer chatServer, GeminiMedia media, GeminiLiveAudio.Factory audio, int maxHistory) {
        this.handle = handle;
        this.keyName = keyName;
        this.setup = setup;
        this.llm = llm;
        this.speech = speech;
        this.chatServer = chatServer;
        this.media = media;
        this.maxHistory = maxHistory;
        // the system instruction is text only (the setup refuses media there): read at once, the same way as every turn
        this.system = media.messages(setup.generation().turns(), false).toCompletableFuture().join();
        this.audio = audio.create(this);
    }

    /**
     * A connection takes the conversation: it gets what was sent while none was attached. A resume
     * takes it only while no other connection holds it; false then.
     */
    boolean attach(Link newLink, boolean resuming) {
        synchronized (state) {
            if (resuming && link != null) {
                return false;
            }
            link = newLink;
            detachedAtNanos = -1;
            while (!missed.isEmpty()) {
                newLink.send(missed.poll());
            }
            return true;
        }
    }

    /** Its connection went away (only if {@code gone} is still the attached one). */
    boolean detach(Link gone) {
        synchronized (state) {
            if (link != gone) {
                return false;
            }
            link = null;
            detachedAtNanos = System.nanoTime();
            return true;
        }
    }

    /** When the last connection went away; -1 while one is attached. */
    long detachedAtNanos() {
        synchronized (state) {
            return detachedAtNanos;
        }
    }

    void send(ObjectNode message) {
        synchronized (state) {
            if (link != null) {
                link.send(message);
                return;
            }
            if (missed.size() >= MAX_MISSED) {
                missed.poll();
            }
            missed.add(message);
        }
    }

    void closeLink(int code, String reason) {
        Link l;
        synchronized (state) {
            l = link;
        }
        if (l != null) {
            l.close(code, reason);
        }
    }

    /** A camera frame: kept until the next user turn, which shows the LLM the newest one. */
    void frame(GeminiRequests.Part.Media image) {
        frame = image;
    }

    /** Text the user typed or spoke: a user turn, answered after the turns before it. */
    void userTurn(String text) {
        GeminiRequests.Part.Media image = frame;
        frame = null;
        List<GeminiRequests.Part> parts = new ArrayList<>();
        if (image != null) {
            parts.add(image);
        }
        parts.add(new GeminiRequests.Part.Text(text));
        queue(List.of(new GeminiRequests.Turn("user", parts)), true);
    }

    /**
     * clientContent: turns added to the history in order (their media read as for generateContent);
     * answered when {@code complete}.
     */
    void queue(List<GeminiRequests.Turn> given, boolean complete) {
        if (complete && waiting.incrementAndGet() > MAX_WAITING_TURNS) {
            waiting.decrementAndGet();
            closeLink(1013, "RESOURCE_EXHAUSTED: more than " + MAX_WAITING_TURNS + " turns wait for an answer");
            return;
        }
        // the turn stops waiting once its answer starts, or when it fails before that
        AtomicBoolean waits = new AtomicBoolean(complete);
        Runnable stopWaiting = () -> {
            if (waits.compareAndSet(true, false)) {
                waiting.decrementAndGet();
            }
        };
        synchronized (state) {
            turns = turns.thenCompose(v -> media.messages(given, chatServer.takesImages())).thenCompose(messages -> {
                synchronized (state) {
                    history.addAll(messages);
                }
                if (!complete) {
                    return CompletableFuture.completedFuture((Void) null);
                }
                stopWaiting.run();
                return answer();
            }).exceptionally(failure -> {
                stopWaiting.run();
                failed(Failures.cause(failure));
                return null;
            });
        }
    }

    /** Speech over an answer stops it: the client is told {@code interrupted}; what was said of the answer stays in the history. */
    void interrupt() {
        AtomicBoolean a = answering;
        if (!setup.interrupts() || a == null) {
            return;
        }
        synchronized (answerSends) {
            if (a.compareAndSet(false, true)) {
                ObjectNode m = JSON.objectNode();
                m.putObject("serverContent").put("interrupted", true);
                send(m);
            }
        }
    }

    /** A piece of the answer (text, or audio and its transcription), unless the answer was interrupted. */
    private void sendAnswer(ObjectNode piece, AtomicBoolean cancelled) {
        synchronized (answerSends) {
            if (!cancelled.get()) {
                send(piece);
            }
        }
    }

    /**
     * The answer to the newest turn: generated, then (with AUDIO) spoken sentence by sentence while it
     * is generated. The turn is complete once the last audio went out, so answers never overlap.
     */
    private CompletionStage<Void> answer() {
        AtomicBoolean cancelled = new AtomicBoolean();
        answering = cancelled;
        SpokenAnswer voice;
        try {
            voice = setup.generation().modalities().audio() ? spoken(cancelled) : null;
        } catch (RuntimeException e) {
            answering = null;
            return CompletableFuture.failedFuture(e);
        }
        return generate(cancelled, voice).handle((g, failure) -> {
            Throwable cause = Failures.cause(failure);
            if (cause instanceof LlmException e && e.kind() == LlmException.Kind.CONTEXT_EXCEEDED && shortenHistory()) {
                // the conversation outgrew the context: its older half leaves the prompt, and the turn is tried again
                return generate(cancelled, voice);
            }
            return failure == null ? CompletableFuture.completedFuture(g) : CompletableFuture.<Generation>failedFuture(cause);
        }).thenCompose(g -> g).thenCompose(g -> {
            generated(g, cancelled.get());
            return voice == null ? CompletableFuture.completedFuture(g) : voice.finish().thenApply(v -> g);
        }).thenAccept(g -> answered(g, cancelled.get()))
                .whenComplete((ok, failure) -> answering = null);
    }

    /** The answer's speech, each piece sent unless the answer was interrupted. */
    private SpokenAnswer spoken(AtomicBoolean cancelled) {
        return GeminiLiveVoice.open(speech, setup, heardLanguage, piece -> sendAnswer(piece, cancelled), cancelled::get);
    }

    /**
     * Drops the older half of the history (never the newest turn); false when the newest turn alone is
     * too long, which then leaves the history too (a resumed conversation can go on without it).
     */
    private boolean shortenHistory() {
        synchronized (state) {
            if (history.size() < 2) {
                history.clear();
                return false;
            }
            history.subList(0, history.size() / 2).clear();
            return true;
        }
    }

    private CompletionStage<Generation> generate(AtomicBoolean cancelled, SpokenAnswer voice) {
        List<ChatMessage> prompt = new ArrayList<>(system);
        synchronized (state) {
            while (history.size() > maxHistory) {
                history.remove(0);
            }
            // only the newest turn shows its images: older frames are in the history as the detector's text
            for (int i = 0; i < history.size(); i++) {
                ChatMessage m = history.get(i);
                prompt.add(i == history.size() - 1 || m.images().isEmpty() ? m : new ChatMessage(m.role(), m.content()));
            }
        }
        GeminiRequests.GeminiCall call = setup.generation();
        if (chatServer.configured()) {
            // the server's answer comes whole
            return chatServer.generate(prompt, call).thenApply(g -> {
                if (!g.text().isEmpty()) {
                    said(g.text(), cancelled, voice);
                }
                return g;
            });
        }
        try {
            return llm.generate(call.generation(prompt, text -> said(text, cancelled, voice), cancelled::get));
        } catch (LlmException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A piece of the LLM's answer: sent as text, or given to the voice. */
    private void said(String text, AtomicBoolean cancelled, SpokenAnswer voice) {
        if (voice != null) {
            voice.text(text);
        } else {
            sendAnswer(modelTurn(text), cancelled);
        }
    }

    /** The LLM has finished (the speech of its answer may still be going out). */
    private void generated(Generation g, boolean interrupted) {
        synchronized (state) {
            history.add(new ChatMessage("assistant", g.text()));
        }
        if (!interrupted) {
            ObjectNode done = JSON.objectNode();
            done.putObject("serverContent").put("generationComplete", true);
            send(done);
        }
    }

    private void answered(Generation g, boolean interrupted) {
        if (interrupted) {
            return;
        }
        ObjectNode complete = JSON.objectNode();
        complete.putObject("serverContent").put("turnComplete", true);
        complete.putObject("usageMetadata").put("promptTokenCount", g.promptTokens()).put("responseTokenCount", g.completionTokens())
                .put("totalTokenCount", g.promptTokens() + g.completionTokens());
        send(complete);
        resumptionUpdate();
    }

    /** A handle the client may reconnect with (when it asked for resumption): the conversation as it stands now. */
    void resumptionUpdate() {
        if (setup.resumable()) {
            ObjectNode m = JSON.objectNode();
            m.putObject("sessionResumptionUpdate").put("newHandle", handle).put("resumable", true);
            send(m);
        }
    }

    private static ObjectNode modelTurn(String text) {
        ObjectNode m = JSON.objectNode();
        m.putObject("serverContent").putObject("modelTurn").putArray("parts").addObject().put("text", text);
        return m;
    }

    /** What was heard: its transcription goes out (when asked for), and it is the user's turn. */
    void heard(String transcript, String language) {
        if (transcript == null || transcript.isBlank()) {
            return;
        }
        if (language != null && !language.isBlank()) {
            heardLanguage = language;
        }
        if (setup.inputTranscription()) {
            ObjectNode m = JSON.objectNode();
            m.putObject("serverContent").putObject("inputTranscription").put("text", transcript);
            send(m);
        }
        userTurn(transcript);
    }

    /** A turn that cannot be answered: the connection closes with Google's status in the reason (a resume may retry). */
    void failed(Throwable cause) {
        GeminiLiveMessages.Close close = GeminiLiveMessages.refusal(cause);
        if (close == null) {
            LOG.errorf(cause, "gemini live %s: a turn failed", handle);
            close = new GeminiLiveMessages.Close(1011, "INTERNAL: " + cause.getMessage());
        }
        closeLink(close.code(), close.reason());
    }

    /** The audio session's events: speech start may interrupt, a transcript is a turn, a drain becomes goAway. */
    @Override
    public void deliver(SessionEvent event) {
        if (event instanceof SessionEvent.SpeechStarted) {
            interrupt();
        } else if (event instanceof SessionEvent.PartialResult p) {
            heard(p.recognition().text(), p.recognition().language());
        } else if (event instanceof SessionEvent.Reconnect) {
            // the conversation lives in this process's memory: no handle outlives it
            ObjectNode m = JSON.objectNode();
            m.putObject("goAway").put("timeLeft", "0s");
            send(m);
        } else if (event instanceof SessionEvent.Error e) {
            audio.failed(e);
        } else if (event instanceof SessionEvent.Notice n) {
            LOG.debugf("gemini live %s: %s: %s", handle, n.code(), n.message());
        }
    }

    @Override
    public void close(int code, String reason) {
        closeLink(code, reason);
    }
}
