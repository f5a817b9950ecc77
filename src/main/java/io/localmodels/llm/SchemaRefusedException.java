package io.localmodels.llm;

/**
 * A JSON schema the embedded LLM cannot hold an answer to: llama.cpp's converter would refuse it (which
 * kills the process: the refusal is a C++ exception), or the grammar it asks for is past the service's
 * limits. The message names the part, as a JSON path from the schema's root ({@code $}).
 */
public final class SchemaRefusedException extends IllegalArgumentException {

    SchemaRefusedException(String path, String reason) {
        super(path + ": " + reason);
    }
}
