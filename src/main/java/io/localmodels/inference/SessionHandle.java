package io.localmodels.inference;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * An open session together with the options it was built from. Every run goes through it, so that
 * closing never frees a session while a call into it runs (ONNX Runtime would then read freed memory and
 * take the process down): close refuses new runs, waits for those in flight, asks the stragglers to
 * stop (ONNX Runtime's terminate flag, which it checks between operators), and only frees the session
 * once none runs. One that still runs after that is left to the process exit rather than freed under it.
 */
public final class SessionHandle implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SessionHandle.class);
    /** How long close lets runs in flight finish before it asks them to stop. */
    static final Duration GRACE = Duration.ofSeconds(5);
    /** How long it then waits for the stopped runs to return. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final String modelId;
    private final Path file;
    private final ExecutionProvider provider;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    /** Shared by every run of this session: setting its terminate flag stops all of them. */
    private final OrtSession.RunOptions runOptions;
    private int inFlight;
    private boolean closing;
    private boolean freed;

    public SessionHandle(String modelId, Path file, ExecutionProvider provider, OrtSession session, OrtSession.SessionOptions options)
            throws OrtException {
        this.modelId = modelId;
        this.file = file;
        this.provider = provider;
        this.session = session;
        this.options = options;
        this.runOptions = new OrtSession.RunOptions();
    }

    public String modelId() {
        return modelId;
    }

    public Path file() {
        return file;
    }

    public ExecutionProvider provider() {
        return provider;
    }

    /** The session, for its metadata (inputs, outputs); run it through {@link #run}. */
    public OrtSession session() {
        return session;
    }

    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        enter();
        try {
            return session.run(inputs, runOptions);
        } finally {
            exit();
        }
    }

    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs) throws OrtException {
        enter();
        try {
            return session.run(inputs, outputs, runOptions);
        } finally {
            exit();
        }
    }

    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs,
                                 Map<String, ? extends OnnxValue> pinnedOutputs) throws OrtException {
        enter();
        try {
            return session.run(inputs, outputs, pinnedOutputs, runOptions);
        } finally {
            exit();
        }
    }

    private synchronized void enter() {
        if (closing) {
            throw new ModelClosedException(modelId);
        }
        inFlight++;
    }

    private synchronized void exit() {
        if (--inFlight == 0) {
            notifyAll();
        }
    }

    @Override
    public void close() throws OrtException {
        close(GRACE, STOP_WAIT);
    }

    /** See the class comment; returns whether the session was freed. */
    public boolean close(Duration grace, Duration stopWait) throws OrtException {
        synchronized (this) {
            if (freed) {
                return true;
            }
            closing = true;
            if (!awaitIdle(grace)) {
                LOG.infof("model %s: %d run(s) still in flight at close; asking ONNX Runtime to stop them", modelId, inFlight);
                runOptions.setTerminate(true);
                if (!awaitIdle(stopWait)) {
                    LOG.warnf("model %s: %d run(s) did not stop; its session is left to the process exit instead of freed under them",
                            modelId, inFlight);
                    return false;
                }
            }
            freed = true;
        }
        try {
            session.close();
        } finally {
            options.close();
            runOptions.close();
        }
        return true;
    }

    private boolean awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
