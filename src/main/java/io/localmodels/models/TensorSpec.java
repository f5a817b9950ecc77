package io.localmodels.models;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One input or output a model file must expose: name, ONNX element type (as ONNX Runtime's
 * {@code OnnxJavaType} names it: FLOAT, INT64, ...) and shape, where -1 accepts any size.
 */
public record TensorSpec(String name, String type, List<Long> shape) {

    public TensorSpec {
        shape = shape == null ? List.of() : List.copyOf(shape);
    }

    public String describe() {
        return name + " " + type + shape.stream().map(d -> d < 0 ? "?" : d.toString())
                .collect(Collectors.joining(",", "[", "]"));
    }
}
