package io.localmodels.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.localmodels.models.OnnxIoSpec;
import io.localmodels.models.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares a session's inputs and outputs with the catalog's expectation, so a wrong or
 * re-exported file fails at load with what it actually has instead of at the first request.
 */
public final class ModelIoCheck {

    private ModelIoCheck() {
    }

    public static void verify(String fileName, OrtSession session, OnnxIoSpec expected)
            throws OrtException, ModelIoMismatchException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<String> problems = new ArrayList<>();
        compare("input", expected.inputs(), inputs, problems);
        compare("output", expected.outputs(), outputs, problems);
        Set<String> known = new HashSet<>();
        expected.inputs().forEach(t -> known.add(t.name()));
        for (String name : inputs.keySet()) {
            if (!known.contains(name)) {
                problems.add("unexpected input '" + name + "' (the service would not feed it)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelIoMismatchException(fileName + " does not have the inputs/outputs the service needs: "
                    + String.join("; ", problems) + ". The model has inputs " + describe(inputs)
                    + " and outputs " + describe(outputs) + "; expected inputs "
                    + expected.inputs().stream().map(TensorSpec::describe).collect(Collectors.joining(", "))
                    + " and outputs "
                    + expected.outputs().stream().map(TensorSpec::describe).collect(Collectors.joining(", ")));
        }
    }

    private static void compare(String kind, List<TensorSpec> expected, Map<String, NodeInfo> actual, List<String> problems) {
        for (TensorSpec want : expected) {
            NodeInfo node = actual.get(want.name());
            if (node == null) {
                problems.add("missing " + kind + " '" + want.name() + "'");
                continue;
            }
            if (!(node.getInfo() instanceof TensorInfo info)) {
                problems.add(kind + " '" + want.name() + "' is not a tensor");
                continue;
            }
            if (!info.type.name().equals(want.type())) {
                problems.add(kind + " '" + want.name() + "' is " + info.type.name() + ", expected " + want.type());
            }
            long[] shape = info.getShape();
            if (shape.length != want.shape().size()) {
                problems.add(kind + " '" + want.name() + "' has rank " + shape.length + ", expected " + want.shape().size());
                continue;
            }
            for (int i = 0; i < shape.length; i++) {
                long w = want.shape().get(i);
                // A symbolic dimension (-1) in the model accepts whatever fixed size the service feeds.
                if (w >= 0 && shape[i] >= 0 && shape[i] != w) {
                    problems.add(kind + " '" + want.name() + "' dimension " + i + " is " + shape[i] + ", expected " + w);
                }
            }
        }
    }

    static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(ModelIoCheck::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describe(NodeInfo node) {
        if (node.getInfo() instanceof TensorInfo info) {
            return node.getName() + " " + info.type.name() + Arrays.stream(info.getShape())
                    .mapToObj(d -> d < 0 ? "?" : Long.toString(d)).collect(Collectors.joining(",", "[", "]"));
        }
        return node.getName() + " " + node.getInfo();
    }
}
