package org.recurrent4j.examples.charrnn;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RnnOutput;

/**
 * The char-RNN network: stacked recurrent layers (recurrent4j's {@link Lstm} by default, several
 * times faster than DL4J's; any {@link CellType}) over one-hot characters, optional dropout after
 * each of them, a softmax over the vocabulary at every step, trained with truncated BPTT.
 *
 * <p>Shapes: input {@code [batch, vocabulary, time]} one-hot, output {@code [batch, vocabulary,
 * time]} next-character probabilities.
 */
public final class CharRnnModel {

    private CharRnnModel() {}

    /**
     * The hyper-parameters of the network.
     *
     * @param clip each layer's gradient is clipped to this L2 norm; 0 for no clipping
     * @param dropout the probability of dropping each output of a recurrent layer while training
     *     (between layers and before the softmax, not on the recurrent connections); 0 for none
     */
    public record Settings(
            CellType cell,
            int hidden,
            int layers,
            int tbptt,
            double learningRate,
            long seed,
            double clip,
            double dropout) {

        /** The command line's default clipping, {@value #DEFAULT_CLIP}. */
        public static final double DEFAULT_CLIP = 5.0;

        /** Settings with the default clipping and no dropout. */
        public Settings(CellType cell, int hidden, int layers, int tbptt, double learningRate, long seed) {
            this(cell, hidden, layers, tbptt, learningRate, seed, DEFAULT_CLIP, 0);
        }
    }

    public static MultiLayerNetwork build(int vocabulary, Settings s) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(s.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(s.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .gradientNormalization(s.clip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None)
                .gradientNormalizationThreshold(s.clip())
                .list();
        for (int i = 0; i < s.layers(); i++) {
            list.layer(s.cell().layer(i == 0 ? vocabulary : s.hidden(), s.hidden()));
            if (s.dropout() > 0) {
                // DL4J's dropout takes the probability of keeping a value.
                list.layer(new DropoutLayer.Builder(1 - s.dropout()).build());
            }
        }
        list.layer(new RnnOutput.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(s.hidden())
                        .nOut(vocabulary)
                        .build())
                .backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(s.tbptt())
                .tBPTTBackwardLength(s.tbptt());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }
}
