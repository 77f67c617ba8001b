package org.recurrent4j.layer;

import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.Set;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.layers.recurrent.MaskZeroLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Whether the input gradient a layer's backward pass returns is thrown away by the network that
 * called it, so that the layer may leave it out: for a recurrent layer that reads the network's
 * input, a product as large as its input projection ({@code W_ih^T ∂L/∂a}, {@code [k·nIn, G·H] ·
 * [G·H, T·B]}). PyTorch's autograd leaves it out in the same case: the input does not require a
 * gradient.
 *
 * <p>DL4J does not tell the layer. {@code MultiLayerNetwork.computeGradientAndScore} (every {@code
 * fit}, truncated BPTT, {@code GradientCheckUtil}, DL4J's parallel and Spark training, all of which
 * train through it) calls {@code calcBackpropGradients(…, returnInputActGrad = false)}, which sets the
 * first layer's input gradient to null as soon as the layer has returned it. Its other callers,
 * {@code calculateGradients} and {@code backpropGradient} (a network used as a layer), return it.
 * So this reads the call stack, and answers yes only when all of these hold:
 *
 * <ul>
 *   <li>the layer is the network's first ({@code getIndex() == 0});
 *   <li>above the layer's own frames there are only DL4J's wrappers whose input gradient is made
 *       from the wrapped layer's alone ({@link BidirectionalLayer}, {@link LastTimeStepLayer},
 *       {@link MaskZeroLayer}), then {@code MultiLayerNetwork.calcBackpropGradients}, called by
 *       {@code MultiLayerNetwork.computeGradientAndScore}.
 * </ul>
 *
 * <p>Anything else, including a layer that another layer runs (the sweeps of {@link
 * Recurrent2dLayer}) and every {@code ComputationGraph} (a layer cannot see which vertices feed
 * it), gets the input gradient computed. A wrong "no" costs time; a wrong "yes" would cost a
 * gradient, so every doubt is a "no".
 */
final class NetworkInputGradient {

    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private static final Set<Class<?>> PASS_THROUGH_WRAPPERS =
            Set.of(BidirectionalLayer.class, LastTimeStepLayer.class, MaskZeroLayer.class);

    private NetworkInputGradient() {}

    /**
     * True when the input gradient that {@code layer}'s backward pass, running on this thread now,
     * returns will be discarded.
     */
    static boolean discarded(CellLoopLayer layer) {
        if (layer.getIndex() != 0) {
            return false;
        }
        return STACK.walk(frames -> {
            Iterator<StackFrame> it = frames.iterator();
            StackFrame frame = it.next(); // this method
            do {
                if (!it.hasNext()) {
                    return false;
                }
                frame = it.next();
            } while (CellLoopLayer.class.isAssignableFrom(frame.getDeclaringClass())); // the layer's own
            while (PASS_THROUGH_WRAPPERS.contains(frame.getDeclaringClass())) {
                if (!it.hasNext()) {
                    return false;
                }
                frame = it.next();
            }
            if (!isNetworkMethod(frame, "calcBackpropGradients") || !it.hasNext()) {
                return false;
            }
            return isNetworkMethod(it.next(), "computeGradientAndScore");
        });
    }

    private static boolean isNetworkMethod(StackFrame frame, String name) {
        return frame.getDeclaringClass() == MultiLayerNetwork.class
                && frame.getMethodName().equals(name);
    }
}
