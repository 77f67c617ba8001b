package org.recurrent4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recurrent4j.layer.CellLoopLayer;
import org.recurrent4j.layer.CellVariants;

/**
 * Forward parity with an independent float64 reference (PyTorch's nn.RNN / nn.LSTM / nn.GRU, and
 * plain loops of the equations for the variants PyTorch lacks): PyTorch's weights are loaded by
 * name, and outputs and final states agree to 1e-6 relative.
 */
class ReferenceParityTest {

    private static final double TOLERANCE = 1e-6;

    /** PyTorch's parameter names (as written by the generator) to ours. */
    private static final Map<String, String> KEYS =
            Map.of("W_ih", "Wih", "W_hh", "Whh", "b_ih", "bih", "b_hh", "bhh", "w_peep", "wpeep");

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static Stream<CellVariants> variants() {
        // The fixture cases are named as the variants; every variant but the softsign-gated one has a case.
        return CellVariants.all().stream().filter(v -> !v.name().equals("lstm_softsign_gates"));
    }

    private static MultiLayerNetwork withReferenceWeights(CellVariants variant, CellFixture f) {
        int nIn = (int) f.input().size(1);
        int hidden = (int) f.h0().size(1);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(variant.layer(nIn, hidden))
                .build());
        net.init();
        f.params().forEach((key, value) -> net.setParam("0_" + KEYS.get(key), value));
        return net;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void outputsAndFinalStatesMatchTheReference(CellVariants variant) throws IOException {
        CellFixture f = CellFixture.load(variant.name());
        MultiLayerNetwork net = withReferenceWeights(variant, f);

        assertClose(f.outputZeroState(), net.output(f.input()), variant + ": output from zero state");

        Map<String, INDArray> initial = f.c0() == null
                ? Map.of(CellLoopLayer.STATE_H, f.h0())
                : Map.of(CellLoopLayer.STATE_H, f.h0(), CellLoopLayer.STATE_C, f.c0());
        net.rnnSetPreviousState(0, initial);
        assertClose(f.output(), net.rnnTimeStep(f.input()), variant + ": output from h0/c0");
        Map<String, INDArray> last = net.rnnGetPreviousState(0);
        assertClose(f.hN(), last.get(CellLoopLayer.STATE_H), variant + ": final h");
        if (f.cN() != null) {
            assertClose(f.cN(), last.get(CellLoopLayer.STATE_C), variant + ": final c");
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        INDArray scale = Transforms.max(Transforms.abs(expected), 1.0);
        double worst = Transforms.abs(actual.castTo(DataType.DOUBLE).sub(expected))
                .div(scale)
                .maxNumber()
                .doubleValue();
        assertTrue(worst <= TOLERANCE, what + ": max relative error " + worst);
    }
}
