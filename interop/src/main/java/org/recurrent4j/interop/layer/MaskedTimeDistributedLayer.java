package org.recurrent4j.interop.layer;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.layers.recurrent.TimeDistributedLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The network's part of {@link MaskedTimeDistributed}: masks flattened example-major, as the data. */
public class MaskedTimeDistributedLayer extends TimeDistributedLayer {

    private static final long serialVersionUID = 1L;

    public MaskedTimeDistributedLayer(Layer underlying, RNNFormat format) {
        super(underlying, format);
    }

    private static INDArray flat(INDArray mask) {
        return mask.dup('c').reshape('c', mask.length(), 1);
    }

    @Override
    public void setMaskArray(INDArray maskArray) {
        underlying.setMaskArray(maskArray == null ? null : flat(maskArray));
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(
            INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        if (maskArray == null) {
            return underlying.feedForwardMaskArray(null, currentMaskState, minibatchSize);
        }
        Pair<INDArray, MaskState> p = underlying.feedForwardMaskArray(flat(maskArray), currentMaskState, minibatchSize);
        if (p == null || p.getFirst() == null) {
            return p;
        }
        p.setFirst(p.getFirst().dup('c').reshape('c', maskArray.size(0), maskArray.size(1)));
        return p;
    }
}
