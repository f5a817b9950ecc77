package io.localmodels.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;

/** An open session together with the options it was built from; closing it frees both. */
public record SessionHandle(String modelId, Path file, ExecutionProvider provider, OrtSession session,
                            OrtSession.SessionOptions options) implements AutoCloseable {

    @Override
    public void close() throws OrtException {
        try {
            session.close();
        } finally {
            options.close();
        }
    }
}
