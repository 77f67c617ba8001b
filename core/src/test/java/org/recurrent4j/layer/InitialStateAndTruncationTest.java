package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.testing.DoublePrecision;

/**
 * Truncated BPTT with an external initial state: only the first segment starts from it (and sends
 * it gradient); later segments start from the carried state (that a backward pass which has to redo
 * its forward pass starts from it too, the test kit checks for every cell).
 */
@ExtendWith(DoublePrecision.class)
class InitialStateAndTruncationTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final LayerWorkspaceMgr WS = LayerWorkspaceMgr.noWorkspaces();

    /** Records the gradient norm of one parameter at every iteration (a truncated-BPTT segment each). */
    private static final class GradientNorms extends BaseTrainingListener {
        final List<Double> norms = new ArrayList<>();
        private final String key;

        GradientNorms(String key) {
            this.key = key;
        }

        @Override
        public void onGradientCalculation(Model model) {
            norms.add(model.gradient().getGradientFor(key).norm2Number().doubleValue());
        }
    }

    @Test
    void laterSegmentsSendNoGradientToTheInitialState() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .graphBuilder()
                .addInputs("sequence", "context")
                .addLayer(
                        "h0",
                        new DenseLayer.Builder()
                                .nIn(2)
                                .nOut(HIDDEN)
                                .activation(Activation.TANH)
                                .build(),
                        "context");
        RecurrentWithInitialState.addTo(
                g, "rnn", new Gru.Builder().nIn(N_IN).nOut(HIDDEN).build(), "sequence", "h0");
        g.addLayer(
                        "out",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .activation(Activation.IDENTITY)
                                .nIn(HIDDEN)
                                .nOut(1)
                                .build(),
                        "rnn")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(N_IN), InputType.feedForward(2))
                .backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(3)
                .tBPTTBackwardLength(3);
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        GradientNorms listener = new GradientNorms("h0_W");
        graph.setListeners(listener);
        Nd4j.getRandom().setSeed(6);
        INDArray sequence = Nd4j.rand(DataType.DOUBLE, 2, N_IN, 9);
        INDArray context = Nd4j.rand(DataType.DOUBLE, 2, 2);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 2, 1, 9);
        graph.fit(new INDArray[] {sequence, context}, new INDArray[] {labels});

        assertEquals(3, listener.norms.size(), "three segments");
        assertTrue(listener.norms.get(0) > 1e-6, "the first segment starts from h0: " + listener.norms);
        assertEquals(0.0, listener.norms.get(1), 0.0, "later segments start from the carried state");
        assertEquals(0.0, listener.norms.get(2), 0.0);
    }
}
