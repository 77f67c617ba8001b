package org.recurrent4j.interop.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.interop.Fixtures;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;

/**
 * Keras models built, run and saved by TensorFlow.js (a Keras implementation) and written in Keras'
 * .h5 layout by the fixture script give the framework's own outputs; GRU(reset_after=True), which
 * tfjs refuses, against the script's numpy reference.
 */
class KerasImportTest {

    /** Runs the import on {@code name}.h5 and compares each output with the saved one, on real steps. */
    static KerasImport.Result assertMatches(String name) throws IOException {
        KerasImport.Result r = KerasImport.read(Fixtures.path("keras/" + name + ".h5"));
        NamedTensors io = Fixtures.npz("keras/" + name + ".io.npz");
        List<INDArray> inputs = new ArrayList<>();
        for (int i = 0; io.contains("x" + i); i++) {
            inputs.add(io.get("x" + i).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        }
        INDArray[] x = inputs.toArray(INDArray[]::new);
        INDArray[] out = r.output(x);
        INDArray[] masks = r.masksOf(x);
        int compared = 0;
        for (int i = 0; io.contains("y" + i); i++) {
            INDArray expected = io.get("y" + i);
            INDArray actual = out[i];
            if (expected.rank() == 3 && masks[0] != null) {
                // Keras repeats the last output at padded steps, recurrent4j gives zeros: compare real steps.
                INDArray m = masks[0].reshape(masks[0].size(0), masks[0].size(1), 1);
                expected = expected.mul(m);
                actual = actual.mul(m);
            }
            Fixtures.assertClose(expected, actual, 1e-5, name + " output " + i);
            compared++;
        }
        assertEquals(out.length, compared, name + ": every output compared");
        return r;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "seq_lstm_stack_dense",
                "seq_gru_timedistributed",
                "seq_simplernn_relu_stack",
                "seq_masking_lstm_stack",
                "seq_masking_bidirectional_stack",
                "gru_reset_after_numpy_reference"
            })
    void sequentialModels(String name) throws IOException {
        KerasImport.Result r = assertMatches(name);
        assertTrue(r.model().network() instanceof MultiLayerNetwork, name + " is a MultiLayerNetwork");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "func_bidirectional_merges",
                "func_embedding_mask_zero_bigru",
                "func_go_backwards",
                "func_return_state"
            })
    void functionalModels(String name) throws IOException {
        KerasImport.Result r = assertMatches(name);
        assertTrue(r.model().network() instanceof ComputationGraph, name + " is a ComputationGraph");
    }

    @Test
    void recurrentLayersBecomeRecurrent4jLayers() throws IOException {
        KerasImport.Result r = KerasImport.read(Fixtures.path("keras/func_bidirectional_merges.h5"));
        List<String> became = r.model().layers().stream()
                .map(l -> l.sourceType() + " -> " + l.became())
                .toList();
        assertTrue(
                became.stream()
                        .anyMatch(
                                s -> s.startsWith(
                                        "Bidirectional(GRU(3, reset_after=false, return_sequences), merge_mode=sum) -> Bidirectional(ADD, Gru")),
                became.toString());
        assertTrue(
                became.stream()
                        .anyMatch(s -> s.startsWith(
                                "Bidirectional(LSTM(2), merge_mode=ave) -> Bidirectional(AVERAGE, LastTimeStep(Lstm")),
                became.toString());
        assertEquals(
                r.model().parameterCount(),
                r.model().layers().stream().mapToLong(l -> l.parameters()).sum());
    }

    @Test
    void masksReachEveryLayerAfterMasking() throws IOException {
        KerasImport.Result r = KerasImport.read(Fixtures.path("keras/seq_masking_lstm_stack.h5"));
        assertEquals(1, r.masks().size());
        NamedTensors io = Fixtures.npz("keras/seq_masking_lstm_stack.io.npz");
        INDArray x = io.get("x0");
        INDArray withMask = r.output(x)[0];
        INDArray withoutMask = ((MultiLayerNetwork) r.model().network()).output(x);
        INDArray m = r.masksOf(x)[0].reshape(x.size(0), x.size(1), 1);
        // The example padded at the front differs on its real steps when the mask is dropped.
        assertTrue(
                withMask.mul(m).sub(withoutMask.mul(m)).amaxNumber().doubleValue() > 1e-3,
                "the mask changes the outputs on real steps after pre-padding");
    }

    @Test
    void anLstmCellStateInUseIsRefusedNamingTheLayer() {
        InteropException e = assertThrows(
                InteropException.class, () -> KerasImport.read(Fixtures.path("keras/bad_lstm_return_state_cell.h5")));
        assertTrue(e.getMessage().contains("bad_lstm_return_state_cell.h5: layer lstm_LSTM"), e.getMessage());
        assertTrue(e.getMessage().contains("the LSTM's cell state c (output 2) is used"), e.getMessage());
    }
}
