package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.testing.DoublePrecision;

/**
 * {@link RnnOutput}'s fused softmax cross-entropy ({@link SoftmaxCrossEntropy}) against DL4J's own
 * {@code RnnOutputLayer} and loss: the score of a training step, the score alone ({@code
 * score(DataSet)}) and every gradient, for MCXENT, negative log-likelihood, a clipping epsilon that
 * changes the score, class weights (DL4J's path), one-hot and soft labels, NCW and NWC, with and
 * without a mask, float32 and float64.
 */
@ExtendWith(DoublePrecision.class)
class SoftmaxCrossEntropyTest {

    private static final int BATCH = 4;
    private static final int N_IN = 5;
    private static final int CLASSES = 6;
    private static final int STEPS = 7;

    record Case(
            String loss,
            Supplier<ILossFunction> lossFn,
            boolean soft,
            RNNFormat format,
            DataType type,
            boolean masked) {
        @Override
        public String toString() {
            return loss + (soft ? ", soft labels" : "") + ", " + format + ", " + type + (masked ? ", masked" : "");
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        List<String> names = List.of("MCXENT", "negative log-likelihood", "MCXENT clipped at 0.3", "weighted MCXENT");
        List<Supplier<ILossFunction>> losses = List.of(
                LossMCXENT::new,
                LossNegativeLogLikelihood::new,
                () -> new LossMCXENT(0.3, null),
                () -> new LossMCXENT(Nd4j.create(new double[] {1, 2, 0.5, 1, 3, 1}, 1, CLASSES)));
        for (int l = 0; l < losses.size(); l++) {
            for (boolean soft : new boolean[] {false, true}) {
                for (RNNFormat format : RNNFormat.values()) {
                    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                        for (boolean masked : new boolean[] {false, true}) {
                            cases.add(new Case(names.get(l), losses.get(l), soft, format, type, masked));
                        }
                    }
                }
            }
        }
        return cases;
    }

    private static MultiLayerNetwork network(Case c, boolean ours) {
        Layer output = ours
                ? new RnnOutput.Builder(c.lossFn().get())
                        .activation(Activation.SOFTMAX)
                        .nIn(N_IN)
                        .nOut(CLASSES)
                        .dataFormat(c.format())
                        .build()
                : new RnnOutputLayer.Builder(c.lossFn().get())
                        .activation(Activation.SOFTMAX)
                        .nIn(N_IN)
                        .nOut(CLASSES)
                        .dataFormat(c.format())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(c.type())
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(output)
                .build());
        net.init();
        return net;
    }

    /** {@code [B, size, T]} (NCW) or {@code [B, T, size]} (NWC) from an NCW array. */
    private static INDArray inFormat(Case c, INDArray ncw) {
        return c.format() == RNNFormat.NWC ? ncw.permute(0, 2, 1).dup('c') : ncw;
    }

    /** One-hot labels, or soft ones (each step's row a distribution over the classes). */
    private static INDArray labels(Case c) {
        INDArray labels = Nd4j.zeros(c.type(), BATCH, CLASSES, STEPS);
        Nd4j.getRandom().setSeed(11);
        INDArray noise = Nd4j.rand(c.type(), BATCH, CLASSES, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                if (c.soft()) {
                    double sum = 0;
                    for (int i = 0; i < CLASSES; i++) {
                        sum += noise.getDouble(b, i, t);
                    }
                    for (int i = 0; i < CLASSES; i++) {
                        labels.putScalar(b, i, t, noise.getDouble(b, i, t) / sum);
                    }
                } else {
                    labels.putScalar(b, (b * 5 + t * 3) % CLASSES, t, 1.0);
                }
            }
        }
        return inFormat(c, labels);
    }

    /** Example b runs the first {@code STEPS − b} steps. */
    private static INDArray mask(Case c) {
        INDArray mask = Nd4j.zeros(c.type(), BATCH, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS - b; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        return mask;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameScoresAndGradientsAsDl4jsLoss(Case c) {
        MultiLayerNetwork ours = network(c, true);
        MultiLayerNetwork dl4j = network(c, false);
        // Weights large enough that the softmax is sharp: clipping at 0.3 changes the score.
        ours.getLayer(0).getParam("W").muli(4);
        ours.getLayer(0).getParam("b").assign(Nd4j.linspace(-0.5, 0.5, CLASSES, c.type()));
        dl4j.setParams(ours.params());
        Nd4j.getRandom().setSeed(3);
        INDArray x = inFormat(c, Nd4j.rand(c.type(), BATCH, N_IN, STEPS).subi(0.5));
        INDArray y = labels(c);
        INDArray mask = c.masked() ? mask(c) : null;
        double tolerance = c.type() == DataType.FLOAT ? 1e-5 : 1e-12;

        for (MultiLayerNetwork net : new MultiLayerNetwork[] {ours, dl4j}) {
            net.setLayerMaskArrays(mask, mask);
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
        }
        assertEquals(dl4j.score(), ours.score(), tolerance * Math.abs(dl4j.score()), c + ": score");
        for (var g : ours.gradient().gradientForVariable().entrySet()) {
            INDArray expected = dl4j.gradient().getGradientFor(g.getKey());
            double scale = Math.max(1e-3, expected.norm2Number().doubleValue());
            double difference = expected.sub(g.getValue()).norm2Number().doubleValue();
            assertTrue(
                    difference <= tolerance * scale, c + ": gradient of " + g.getKey() + " differs by " + difference);
        }

        DataSet data = new DataSet(x, y, mask, mask);
        double expected = dl4j.score(data);
        assertEquals(expected, ours.score(data), tolerance * Math.abs(expected), c + ": score(DataSet)");
    }

    /**
     * The loss a backward pass computed serves the score DL4J asks for right after it, and only
     * that: new parameter values, other labels or another input give a score computed again.
     */
    @Test
    void theBackwardPassScoreIsNotReusedForOtherParametersOrData() {
        Case c = new Case("MCXENT", LossMCXENT::new, false, RNNFormat.NCW, DataType.DOUBLE, false);
        MultiLayerNetwork ours = network(c, true);
        MultiLayerNetwork dl4j = network(c, false);
        dl4j.setParams(ours.params());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5);
        INDArray otherX = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5);
        INDArray y = labels(c);
        INDArray otherY = labels(new Case("soft", LossMCXENT::new, true, RNNFormat.NCW, DataType.DOUBLE, false));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        ours.initGradientsView();
        dl4j.initGradientsView();

        // Each change, made between the backward pass and the score, on both layers.
        List<Consumer<IOutputLayer>> changes = List.of(
                layer -> {},
                layer -> layer.getParam("W").muli(1.5),
                layer -> layer.getParam("b").addi(0.25),
                layer -> layer.setLabels(otherY),
                layer -> layer.setInput(otherX, mgr));
        for (int i = 0; i < changes.size(); i++) {
            double[] scores = new double[2];
            MultiLayerNetwork[] nets = {ours, dl4j};
            for (int n = 0; n < 2; n++) {
                IOutputLayer layer = (IOutputLayer) nets[n].getLayer(0);
                layer.setInput(x, mgr);
                layer.setLabels(y);
                layer.backpropGradient(null, mgr);
                changes.get(i).accept(layer);
                scores[n] = layer.computeScore(0.0, true, mgr);
            }
            assertEquals(scores[1], scores[0], 1e-12 * Math.abs(scores[1]), "change " + i);
        }
    }
}
