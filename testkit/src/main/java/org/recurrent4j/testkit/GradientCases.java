package org.recurrent4j.testkit;

import static org.recurrent4j.testkit.KitNetworks.BATCH;
import static org.recurrent4j.testkit.KitNetworks.HIDDEN;
import static org.recurrent4j.testkit.KitNetworks.N_IN;
import static org.recurrent4j.testkit.KitNetworks.STEPS;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.RecurrentCellLayer;

/** The gradient checks: MultiLayerNetwork and ComputationGraph with each masking, Bidirectional, LastTimeStep, NWC. */
final class GradientCases {

    private GradientCases() {}

    static List<KitCase> multiLayer(CellType cell) {
        List<KitCase> cases = new ArrayList<>();
        for (Masking masking : Masking.values()) {
            cases.add(KitCase.of(CellCheck.GRADIENT_MULTI_LAYER, masking.toString(), () -> {
                MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                        .seed(12345)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(KitNetworks.layer(cell, N_IN, HIDDEN))
                        .layer(softmax(HIDDEN, RNNFormat.NCW))
                        .build());
                net.init();
                KitNetworks.randomizeConstants(net);
                INDArray mask = KitNetworks.mask(masking);
                GradientCheck.multiLayer(
                        net,
                        KitNetworks.input(RNNFormat.NCW),
                        KitNetworks.oneHotLabels(),
                        mask,
                        mask,
                        cell.id() + " in a MultiLayerNetwork, " + masking);
            }));
        }
        return cases;
    }

    static List<KitCase> graph(CellType cell) {
        List<KitCase> cases = new ArrayList<>();
        for (Masking masking : Masking.values()) {
            cases.add(KitCase.of(CellCheck.GRADIENT_GRAPH, masking.toString(), () -> {
                ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                        .seed(12345)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .weightInit(WeightInit.XAVIER)
                        .graphBuilder()
                        .addInputs("in")
                        .addLayer("rnn", KitNetworks.layer(cell, N_IN, HIDDEN), "in")
                        .addLayer("out", softmax(HIDDEN, RNNFormat.NCW), "rnn")
                        .setOutputs("out")
                        .setInputTypes(InputType.recurrent(N_IN))
                        .build());
                net.init();
                KitNetworks.randomizeConstants(net);
                INDArray mask = KitNetworks.mask(masking);
                INDArray[] masks = mask == null ? null : new INDArray[] {mask};
                GradientCheck.graph(
                        net,
                        new INDArray[] {KitNetworks.input(RNNFormat.NCW)},
                        new INDArray[] {KitNetworks.oneHotLabels()},
                        masks,
                        masks,
                        cell.id() + " in a ComputationGraph, " + masking);
            }));
        }
        return cases;
    }

    static List<KitCase> bidirectional(CellType cell, Bidirectional.Mode mode, Masking masking) {
        return List.of(KitCase.of(CellCheck.GRADIENT_BIDIRECTIONAL, mode + ", " + masking, () -> {
            int merged = mode == Bidirectional.Mode.CONCAT ? 2 * HIDDEN : HIDDEN;
            MultiLayerNetwork net = network(
                    new Bidirectional(mode, KitNetworks.layer(cell, N_IN, HIDDEN)),
                    softmax(merged, RNNFormat.NCW),
                    RNNFormat.NCW);
            INDArray mask = KitNetworks.mask(masking);
            GradientCheck.multiLayer(
                    net,
                    KitNetworks.input(RNNFormat.NCW),
                    KitNetworks.oneHotLabels(),
                    mask,
                    mask,
                    cell.id() + " in Bidirectional " + mode + ", " + masking);
        }));
    }

    static List<KitCase> lastTimeStep(CellType cell) {
        List<KitCase> cases = new ArrayList<>();
        for (Masking masking : new Masking[] {Masking.NONE, Masking.PADDING_AT_END}) {
            cases.add(KitCase.of(CellCheck.GRADIENT_LAST_TIME_STEP, masking.toString(), () -> {
                MultiLayerNetwork net = network(
                        new LastTimeStep(KitNetworks.layer(cell, N_IN, HIDDEN)),
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(HIDDEN)
                                .nOut(2)
                                .build(),
                        RNNFormat.NCW);
                INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 2);
                for (int b = 0; b < BATCH; b++) {
                    labels.putScalar(b, b % 2, 1.0);
                }
                GradientCheck.multiLayer(
                        net,
                        KitNetworks.input(RNNFormat.NCW),
                        labels,
                        KitNetworks.mask(masking),
                        null,
                        cell.id() + " in LastTimeStep, " + masking);
            }));
        }
        return cases;
    }

    static List<KitCase> nwc(CellType cell) {
        return List.of(KitCase.of(CellCheck.GRADIENT_NWC, Masking.PADDING_AT_START.toString(), () -> {
            RecurrentCellLayer layer = KitNetworks.layer(cell, N_IN, HIDDEN);
            layer.setRnnDataFormat(RNNFormat.NWC);
            MultiLayerNetwork net = network(layer, softmax(HIDDEN, RNNFormat.NWC), RNNFormat.NWC);
            INDArray labels = KitNetworks.oneHotLabels().permute(0, 2, 1).dup();
            INDArray mask = KitNetworks.mask(Masking.PADDING_AT_START);
            GradientCheck.multiLayer(
                    net, KitNetworks.input(RNNFormat.NWC), labels, mask, mask, cell.id() + " in NWC, padding at start");
        }));
    }

    /** {@code recurrent → output} in a MultiLayerNetwork with the input type set, constants randomized. */
    static MultiLayerNetwork network(Layer recurrent, Layer output, RNNFormat format) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(recurrent)
                .layer(output)
                .setInputType(InputType.recurrent(N_IN, STEPS, format))
                .build());
        net.init();
        KitNetworks.randomizeConstants(net);
        return net;
    }

    static RnnOutputLayer softmax(int nIn, RNNFormat format) {
        RnnOutputLayer.Builder output = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(nIn)
                .nOut(2);
        if (format == RNNFormat.NWC) {
            output.dataFormat(format);
        }
        return output.build();
    }
}
