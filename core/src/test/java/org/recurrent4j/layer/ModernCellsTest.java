package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.cell.SruCell;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Sru;
import org.recurrent4j.layer.SmallBatches.Masking;
import org.recurrent4j.testing.DoublePrecision;

/**
 * What the shared checks cannot cover for QRNN, SRU and ON-LSTM: bad configurations fail when
 * built; zoneout and DropConnect are random in training (and gradient-checked with a fixed mask);
 * the SRU's identity highway, which needs nIn = H. (Their expectation at inference is checked
 * against the reference in {@code ReferenceParityTest}.)
 */
@ExtendWith(DoublePrecision.class)
class ModernCellsTest {

    private static final int HIDDEN = 4;

    private static void assertRejected(Supplier<?> build, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
    }

    @Test
    void badConfigurationsFailWhenBuiltWithTheValueReceived() {
        assertRejected(() -> new Qrnn.Builder().nIn(3).nOut(4).window(0).build(), "window", "got 0");
        assertRejected(() -> new Qrnn.Builder().nIn(3).nOut(4).pooling(null).build(), "pooling", "null");
        assertRejected(() -> new Qrnn.Builder().nIn(3).nOut(4).zoneout(1.0).build(), "zoneout", "got 1.0");
        assertRejected(
                () -> new Qrnn.Builder()
                        .nIn(3)
                        .nOut(4)
                        .activation(Activation.SELU)
                        .build(),
                "Unsupported QRNN activation");
        assertRejected(
                () -> new Sru.Builder()
                        .nIn(3)
                        .nOut(4)
                        .highway(SruCell.Highway.IDENTITY)
                        .build(),
                "identity highway needs nIn = nOut",
                "nIn 3",
                "nOut 4");
        assertRejected(
                () -> new Sru.Builder()
                        .nIn(4)
                        .nOut(4)
                        .activation(Activation.RELU)
                        .build(),
                "TANH or IDENTITY",
                "relu");
        assertRejected(() -> new OnLstm.Builder().nIn(3).nOut(10).chunkSize(4).build(), "chunk size 4", "10");
        assertRejected(() -> new OnLstm.Builder().nIn(3).nOut(8).chunkSize(0).build(), "got 0");
        assertRejected(
                () -> new OnLstm.Builder().nIn(3).nOut(8).dropConnect(-0.1).build(), "got -0.1");
        assertRejected(
                () -> new OnLstm.Builder()
                        .nIn(3)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build(),
                "tanh",
                "relu");
    }

    private static MultiLayerNetwork network(RecurrentCellLayer layer, int nIn) {
        return network(layer, nIn, DataType.DOUBLE);
    }

    private static MultiLayerNetwork network(RecurrentCellLayer layer, int nIn, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(17)
                .dataType(type)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(layer)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(layer.getNOut())
                        .nOut(2)
                        .build())
                .build());
        net.init();
        SmallBatches.randomizeBiases(net);
        return net;
    }

    private static boolean gradientCheck(MultiLayerNetwork net, int nIn, Masking masking, boolean reseed) {
        Nd4j.getRandom().setSeed(42);
        INDArray input = Nd4j.rand(DataType.DOUBLE, 3, nIn, 5).subi(0.5).muli(2);
        INDArray mask = SmallBatches.mask(masking);
        GradientCheckUtil.MLNConfig config = new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(SmallBatches.oneHotLabels())
                .inputMask(mask)
                .labelMask(mask)
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY);
        if (reseed) {
            // The same zoneout or DropConnect mask for every evaluation of the loss.
            config.callEachIter(n -> Nd4j.getRandom().setSeed(12345));
        }
        return GradientCheckUtil.checkGradients(config);
    }

    @Test
    void zoneoutAndDropConnectPassTheGradientCheckWithAFixedMask() {
        for (Masking masking : Masking.values()) {
            assertTrue(
                    gradientCheck(
                            network(
                                    new Qrnn.Builder()
                                            .nIn(3)
                                            .nOut(HIDDEN)
                                            .window(2)
                                            .zoneout(0.4)
                                            .build(),
                                    3),
                            3,
                            masking,
                            true),
                    "qrnn fo zoneout " + masking);
            assertTrue(
                    gradientCheck(
                            network(
                                    new Qrnn.Builder()
                                            .nIn(3)
                                            .nOut(HIDDEN)
                                            .pooling(QrnnCell.Pooling.IFO)
                                            .zoneout(0.4)
                                            .build(),
                                    3),
                            3,
                            masking,
                            true),
                    "qrnn ifo zoneout " + masking);
            assertTrue(
                    gradientCheck(
                            network(
                                    new OnLstm.Builder()
                                            .nIn(3)
                                            .nOut(HIDDEN)
                                            .chunkSize(2)
                                            .dropConnect(0.4)
                                            .build(),
                                    3),
                            3,
                            masking,
                            true),
                    "onlstm dropconnect " + masking);
        }
    }

    @Test
    void zoneoutAndDropConnectAreRandomInTrainingOnly() {
        for (RecurrentCellLayer layer : new RecurrentCellLayer[] {
            new Qrnn.Builder().nIn(3).nOut(HIDDEN).zoneout(0.5).build(),
            new OnLstm.Builder()
                    .nIn(3)
                    .nOut(HIDDEN)
                    .chunkSize(2)
                    .dropConnect(0.5)
                    .build()
        }) {
            MultiLayerNetwork net = network(layer, 3);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3, 6);
            INDArray inference = net.output(x, false);
            assertEquals(inference, net.output(x, false));
            INDArray first = net.output(x, true);
            assertNotEquals(first, net.output(x, true), layer.getClass().getSimpleName() + ": a new mask per pass");
            Nd4j.getRandom().setSeed(5);
            INDArray seeded = net.output(x, true);
            Nd4j.getRandom().setSeed(5);
            assertEquals(seeded, net.output(x, true), "the mask comes from ND4J's seeded generator");
        }
    }

    /**
     * With f ≈ 0, a zoned-out unit keeps c_0 = 0 at the first step: the zoned fraction is p, and
     * every other unit takes z. In float64 and in float32 (whose loops differ).
     */
    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"DOUBLE", "FLOAT"})
    void zoneoutKeepsTheMemoryOfAFractionPOfTheUnits(DataType type) {
        MultiLayerNetwork net = network(zoneoutQrnn(), 3, type);
        INDArray bias = net.getParam("0_bih");
        bias.assign(Nd4j.concat(
                0, Nd4j.zeros(type, 200), Nd4j.valueArrayOf(200, -40.0).castTo(type)));
        net.setParam("0_bih", bias);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(type, 50, 3, 1).addi(0.5);
        INDArray c = net.feedForward(x, true).get(1);
        double kept = c.eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertEquals(0.3, kept, 0.02, "fraction of 10,000 units zoned out");
        // At inference m = 1 − p everywhere, so c = 0.7 z there: z from a float64 copy of the network.
        MultiLayerNetwork reference = network(zoneoutQrnn(), 3);
        reference.setParams(net.params().castTo(DataType.DOUBLE));
        INDArray z =
                reference.feedForward(x.castTo(DataType.DOUBLE), false).get(1).div(0.7);
        INDArray taken = c.castTo(DataType.DOUBLE);
        double worst = taken.sub(z)
                .mul(taken.neq(0.0).castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
        assertTrue(worst < (type == DataType.FLOAT ? 1e-5 : 1e-12), "a unit not zoned out takes z: off by " + worst);
    }

    private static Qrnn zoneoutQrnn() {
        return new Qrnn.Builder()
                .nIn(3)
                .nOut(200)
                .pooling(QrnnCell.Pooling.F)
                .zoneout(0.3)
                .build();
    }

    /** The identity highway (nIn = H) in every option, with padding at either end and in Bidirectional. */
    @Test
    void sruIdentityHighwayPassesTheGradientCheck() {
        Supplier<Sru.Builder> base = () -> new Sru.Builder().nIn(HIDDEN).nOut(HIDDEN);
        RecurrentCellLayer[] layers = {
            base.get().build(),
            base.get().cellFeedback(true).build(),
            base.get()
                    .activation(Activation.IDENTITY)
                    .rescaleHighway(true)
                    .highwayBias(-2)
                    .build(),
            base.get().highway(SruCell.Highway.PROJECTION).build()
        };
        for (int i = 0; i < layers.length; i++) {
            Masking masking = Masking.values()[i % Masking.values().length];
            assertTrue(gradientCheck(network(layers[i], HIDDEN), HIDDEN, masking, false), "sru " + i + " " + masking);
        }
        MultiLayerNetwork bidirectional = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list()
                .layer(new Bidirectional(
                        Bidirectional.Mode.ADD, base.get().cellFeedback(true).build()))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build())
                .setInputType(InputType.recurrent(HIDDEN))
                .build());
        bidirectional.init();
        assertTrue(gradientCheck(bidirectional, HIDDEN, Masking.PADDING_AT_START, false));
    }
}
