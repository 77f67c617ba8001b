package org.recurrent4j.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link GradientCheckUtil} with the project's settings (float64, central differences with
 * ε = 1e-6, relative error at most 1e-5, absolute errors below 1e-9 ignored). On a failure the
 * assertion names the parameters whose analytic and numeric gradients differ most.
 */
final class GradientCheck {

    static final double EPSILON = 1e-6;
    static final double MAX_RELATIVE_ERROR = 1e-5;
    static final double MIN_ABSOLUTE_ERROR = 1e-9;

    private GradientCheck() {}

    static void multiLayer(
            MultiLayerNetwork net,
            INDArray input,
            INDArray labels,
            INDArray inputMask,
            INDArray labelMask,
            String what) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels)
                .inputMask(inputMask)
                .labelMask(labelMask)
                .epsilon(EPSILON)
                .maxRelError(MAX_RELATIVE_ERROR)
                .minAbsoluteError(MIN_ABSOLUTE_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        if (!ok) {
            net.setInput(input);
            net.setLabels(labels);
            net.setLayerMaskArrays(inputMask, labelMask);
            fail(what, net, () -> {
                net.computeGradientAndScore();
                return net.score();
            });
        }
    }

    static void graph(
            ComputationGraph net,
            INDArray[] inputs,
            INDArray[] labels,
            INDArray[] inputMasks,
            INDArray[] labelMasks,
            String what) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(net)
                .inputs(inputs)
                .labels(labels)
                .inputMask(inputMasks)
                .labelMask(labelMasks)
                .epsilon(EPSILON)
                .maxRelError(MAX_RELATIVE_ERROR)
                .minAbsoluteError(MIN_ABSOLUTE_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        if (!ok) {
            net.setInputs(inputs);
            net.setLabels(labels);
            net.setLayerMaskArrays(inputMasks, labelMasks);
            fail(what, net, () -> {
                net.computeGradientAndScore();
                return net.score();
            });
        }
    }

    private record Mismatch(String parameter, double analytic, double numeric, double relative) {}

    /** Fails naming the (up to five) parameter elements whose gradients differ most. */
    private static void fail(String what, Model net, DoubleSupplier score) {
        score.getAsDouble();
        INDArray analytic = net.gradient().gradient().dup();
        INDArray params = net.params();
        List<Mismatch> mismatches = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            long length = e.getValue().length();
            for (long j = 0; j < length; j++) {
                long i = offset + j;
                double original = params.getDouble(i);
                params.putScalar(i, original + EPSILON);
                double plus = score.getAsDouble();
                params.putScalar(i, original - EPSILON);
                double minus = score.getAsDouble();
                params.putScalar(i, original);
                double numeric = (plus - minus) / (2 * EPSILON);
                double a = analytic.getDouble(i);
                double absolute = Math.abs(a - numeric);
                double relative = absolute == 0 ? 0 : absolute / (Math.abs(a) + Math.abs(numeric));
                if (relative > MAX_RELATIVE_ERROR && absolute > MIN_ABSOLUTE_ERROR) {
                    mismatches.add(new Mismatch(e.getKey() + "[" + j + "]", a, numeric, relative));
                }
            }
            offset += length;
        }
        mismatches.sort(Comparator.comparingDouble(Mismatch::relative).reversed());
        StringBuilder message = new StringBuilder(what + ": the gradient check failed; ")
                .append(mismatches.size())
                .append(" parameter gradient(s) differ from central differences (relative error above ")
                .append(MAX_RELATIVE_ERROR)
                .append("), the worst:");
        for (Mismatch m : mismatches.subList(0, Math.min(5, mismatches.size()))) {
            message.append(String.format(
                    Locale.ROOT,
                    "%n  %s: backprop %.6g, finite difference %.6g (relative error %.3g)",
                    m.parameter(),
                    m.analytic(),
                    m.numeric(),
                    m.relative()));
        }
        if (mismatches.isEmpty()) {
            message.append(" none above the tolerance when re-measured; DL4J's own check failed (see its log)");
        }
        throw new AssertionError(message.toString());
    }
}
