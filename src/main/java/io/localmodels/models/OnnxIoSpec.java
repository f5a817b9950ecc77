package io.localmodels.models;

import java.util.List;

/** The inputs and outputs a model file must have, checked when its session is created. */
public record OnnxIoSpec(List<TensorSpec> inputs, List<TensorSpec> outputs) {

    public OnnxIoSpec {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }
}
