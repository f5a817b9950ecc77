package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.http.SocketPlumbing;
import io.localmodels.asr.AsrConfig;
import io.localmodels.asr.AsrService;
import io.localmodels.asr.FileTranscriber;
import io.localmodels.auth.ApiKeys;
import io.localmodels.auth.KeyLimits;
import io.localmodels.llm.LlmService;
import io.localmodels.session.AudioConfig;
import io.localmodels.session.AudioSessions;
import io.localmodels.tts.SpeechService;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadParameters;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Gemini Live ({@code BidiGenerateContent}) at the path Google's SDKs derive from their base URL,
 * answered by the local pipeline: audio through the VAD and Whisper into user turns, camera frames
 * through the detector, answers from the service's LLM streamed as {@code modelTurn} parts. A
 * refusal closes the socket with Google's status and the reason (1007 bad input, 1008 key, 1013 busy,
 * 1011 fault), as Google's server does; protocol in docs/gemini.md.
 */
@WebSocket(path = "/ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent")
public class GeminiLiveSocket {

    private static final Logger LOG = Logger.getLogger(GeminiLiveSocket.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> VERSIONS = Set.of("v1", "v1beta", "v1alpha");
    /** Messages kept in a conversation's history (user and model turns); older ones leave the prompt first. */
    private static final int MAX_HISTORY = 64;

    private final GeminiLiveSessions conversations;
    private final AudioSessions sessions;
    private final LlmService llm;
    private final SpeechService speech;
    private final GeminiChatServer chatServer;
    private final GeminiMedia media;
    private final FileTranscriber transcriber;
    private final AsrService asr;
    private final AsrConfig asrConfig;
    private final AudioConfig audioConfig;
    private final VadParameters vadDefaults;
    private final ApiKeys keys;
    private final KeyLimits limits;
    private final Vertx vertx;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();

    public GeminiLiveSocket(GeminiLiveSessions conversations, AudioSessions sessions, LlmService llm, SpeechService speech,
                            GeminiChatServer chatServer,
                            GeminiMedia media, FileTranscriber transcriber, AsrService asr, AsrConfig asrConfig, AudioConfig audioConfig,
                            VadConfig vad, ApiKeys keys, KeyLimits limits, Vertx vertx) {
        this.conversations = conversations;
        this.sessions = sessions;
        this.llm = llm;
        this.speech = speech;
        this.chatServer = chatServer;
        this.media = media;
        this.transcriber = transcriber;
        this.asr = asr;
        this.asrConfig = asrConfig;
        this.audioConfig = audioConfig;
        this.vadDefaults = VadParameters.from(vad);
        this.keys = keys;
        this.limits = limits;
        this.vertx = vertx;
    }

    /** One connection: its key and, after setup, its conversation. Outbound operations run one after another. */
    private static final class Peer implements GeminiLiveConversation.Link {
        final WebSocketConnection connection;
        volatile String keyName;
        volatile GeminiLiveConversation conversation;
        volatile boolean closing;
        private final SocketPlumbing.Outbound outbound;

        Peer(WebSocketConnection connection) {
            this.connection = connection;
            this.outbound = new SocketPlumbing.Outbound(connection.id());
        }

        void then(Supplier<Uni<Void>> operation) {
            outbound.then(operation);
        }

        @Override
        public void send(ObjectNode message) {
            if (!closing) {
                String text = message.toString();
                then(() -> connection.sendText(text));
            }
        }

        @Override
        public void close(int code, String reason) {
            if (closing) {
                return;
            }
            closing = true;
            String r = truncate(reason);
            then(() -> connection.close(new CloseReason(code, r)));
        }
    }

    /** A close reason fits in 123 bytes of UTF-8 (RFC 6455). */
    static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        String cut = new String(b, 0, 120, StandardCharsets.UTF_8);
        // a character split at the cut decodes as U+FFFD: drop it
        return cut.replaceAll("\uFFFD+$", "") + "…";
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        Peer peer = new Peer(connection);
        peers.put(connection.id(), peer);
        String version = connection.pathParam("version");
        if (!VERSIONS.contains(version)) {
            peer.close(1008, "NOT_FOUND: API version " + version + " is not served; v1, v1beta and v1alpha are");
            return;
        }
        String keyName = ApiKeys.ANONYMOUS;
        if (keys.enabled()) {
            var request = connection.handshakeRequest();
            String presented = ApiKeys.bearer(request.header("Authorization"));
            presented = presented != null ? presented : request.header("x-goog-api-key");
            presented = presented != null ? presented : SocketPlumbing.queryParam(request.query(), "key");
            presented = presented != null ? presented : SocketPlumbing.queryParam(request.query(), "access_token");
            var who = keys.identify(presented);
            if (who.isEmpty()) {
                peer.close(1008, presented == null ? "UNAUTHENTICATED: an API key is required (?key=, x-goog-api-key or Authorization)"
                        : "PERMISSION_DENIED: API key not valid. Please pass a valid API key.");
                return;
            }
            keyName = who.get();
        }
        if (!limits.tryOpenSession(keyName)) {
            peer.close(1013, "RESOURCE_EXHAUSTED: this key already holds its lma.auth.max-sessions-per-key sessions");
            return;
        }
        peer.keyName = keyName;
        vertx.setTimer(audioConfig.configTimeout().toMillis(), t -> {
            if (peer.conversation == null && !peer.closing) {
                peer.close(1008, "DEADLINE_EXCEEDED: no setup message within lma.audio.config-timeout");
            }
        });
    }

    /** Runs on a worker thread: a message may decode media or read the session store. */
    @OnTextMessage
    void text(String message, WebSocketConnection connection) {
        Peer peer = peers.get(connection.id());
        if (peer == null || peer.closing || peer.keyName == null) {
            return;
        }
        try {
            handle(peer, GeminiLiveMessages.parse(message));
        } catch (ApiException e) {
            GeminiLiveMessages.Close close = GeminiLiveMessages.refusal(e);
            peer.close(close.code(), close.reason());
        } catch (RuntimeException e) {
            LOG.errorf(e, "gemini live %s: a message failed", connection.id());
            peer.close(1011, "INTERNAL: a server fault; the log has the details");
        }
    }

    /** Google's own server sends and takes JSON in binary frames too. */
    @OnBinaryMessage
    void binary(Buffer data, WebSocketConnection connection) {
        text(data.toString(StandardCharsets.UTF_8), connection);
    }

    /** Transport failures: a message over the WebSocket layer's limit closes 1009; a lost connection is routine. */
    @OnError
    void failure(Throwable failure, WebSocketConnection connection) {
        Peer peer = peers.get(connection.id());
        if (SocketPlumbing.tooLarge(failure)) {
            if (peer != null) {
                peer.close(1009, "INVALID_ARGUMENT: a message over quarkus.websockets-next.server.max-message-size");
            }
        } else if (SocketPlumbing.lost(failure)) {
            LOG.debugf("gemini live %s: connection lost: %s", connection.id(), failure.getMessage());
        } else {
            LOG.errorf(failure, "gemini live %s: unexpected failure", connection.id());
            if (peer != null) {
                peer.close(1011, "INTERNAL: a server fault; the log has the details");
            }
        }
    }

    @OnClose
    void close(WebSocketConnection connection) {
        Peer peer = peers.remove(connection.id());
        if (peer == null) {
            return;
        }
        if (peer.keyName != null) {
            limits.sessionClosed(peer.keyName);
        }
        GeminiLiveConversation c = peer.conversation;
        if (c != null && c.detach(peer)) {
            c.audio.detach();
        }
    }

    private void handle(Peer peer, GeminiLiveMessages.ClientMessage message) {
        GeminiLiveConversation c = peer.conversation;
        if (c == null) {
            if (!(message instanceof GeminiLiveMessages.ClientMessage.Setup setup)) {
                throw GeminiRequests.invalid("the first message must be setup");
            }
            setup(peer, setup.message());
        } else if (message instanceof GeminiLiveMessages.ClientMessage.Setup) {
            throw GeminiRequests.invalid("setup was already received; it comes once, first");
        } else if (message instanceof GeminiLiveMessages.ClientMessage.Content content) {
            c.queue(content.turns(), content.complete());
        } else if (message instanceof GeminiLiveMessages.ClientMessage.Realtime input) {
            realtime(c, input);
        }
    }

    private void setup(Peer peer, JsonNode message) {
        boolean server = chatServer.configured();
        if (!server && llm.state() != LlmService.State.READY) {
            throw new ApiException(503, "UNAVAILABLE", "no LLM is loaded (" + llm.state().name().toLowerCase(Locale.ROOT)
                    + "); see /q/health/ready");
        }
        GeminiLiveSetup setup = server ? GeminiLiveSetup.read(message, vadDefaults, llm.defaultMaxTokens(), Integer.MAX_VALUE)
                : GeminiLiveSetup.read(message, vadDefaults, Math.min(llm.defaultMaxTokens(), llm.contextSize()), llm.contextSize());
        if (setup.generation().modalities().audio()) {
            // spoken answers need speech output, and the voice the setup names must be one here (1007 otherwise)
            GeminiSpeech.readyVoice(setup.generation().speech(), speech);
        }
        ObjectNode complete = JSON.createObjectNode();
        complete.putObject("setupComplete");
        GeminiLiveConversation c;
        if (setup.resumeHandle() != null) {
            c = conversations.resumable(setup.resumeHandle(), peer.keyName).orElseThrow(() -> unknownHandle());
            // setupComplete first: what the conversation said while no connection held it follows
            peer.send(complete);
            if (!c.attach(peer, true)) {
                throw unknownHandle();
            }
            peer.conversation = c;
            c.audio.reattach();
            LOG.infof("gemini live %s resumed", c.handle);
            return;
        }
        c = new GeminiLiveConversation(UUID.randomUUID().toString(), peer.keyName, setup, llm, speech, chatServer, media,
                conv -> new GeminiLiveAudio(conv, sessions, transcriber, asr, asrConfig), MAX_HISTORY);
        if (!conversations.add(c)) {
            throw new ApiException(429, "RESOURCE_EXHAUSTED", "the server holds all the Live sessions it may; retry later");
        }
        peer.send(complete);
        c.attach(peer, false);
        peer.conversation = c;
        c.resumptionUpdate();
    }

    private static ApiException unknownHandle() {
        return GeminiRequests.invalid("session resumption handle not known here: it expired (lma.session.resume-window), another"
                + " connection holds it, or it was given by another replica");
    }

    private static void realtime(GeminiLiveConversation c, GeminiLiveMessages.ClientMessage.Realtime input) {
        if (input.activityStart()) {
            c.audio.activityStart();
        }
        for (GeminiRequests.Part.Media m : input.media()) {
            if (m.kind() == GeminiRequests.Part.Kind.IMAGE) {
                c.frame(m);
            } else {
                c.audio.activityRate(m.pcmRate());
                c.audio.audio(m.data(), m.pcmRate());
            }
        }
        if (input.activityEnd()) {
            c.audio.activityEnd();
        }
        if (input.audioStreamEnd()) {
            c.audio.streamEnd();
        }
        if (input.text() != null) {
            c.userTurn(input.text());
        }
    }
}
