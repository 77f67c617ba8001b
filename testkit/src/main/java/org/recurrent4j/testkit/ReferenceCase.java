package org.recurrent4j.testkit;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.layer.CellLoopLayer;

/**
 * The layer against a plain-Java reference of the cell's equations, in float64: random parameters
 * (every one, so no term hides behind a zero), a random initial state, outputs of every step and
 * the final states of every example within 1e-10 relative ({@code |a − e| / max(|e|, 1)}).
 */
final class ReferenceCase {

    static final double TOLERANCE = 1e-10;

    private static final int N_IN = 3;
    private static final int HIDDEN = 6;
    private static final int BATCH = 3;
    private static final int STEPS = 7;

    private ReferenceCase() {}

    static List<KitCase> of(CellType cell, ReferenceStep reference) {
        return List.of(KitCase.of(CellCheck.REFERENCE, "outputs and final states", () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(17)
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(KitNetworks.layer(cell, N_IN, HIDDEN))
                    .build());
            net.init();
            CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
            Nd4j.getRandom().setSeed(18);
            for (INDArray p : layer.paramTable().values()) {
                p.assign(Nd4j.rand(DataType.DOUBLE, p.shape()).subi(0.5));
            }
            INDArray x =
                    Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5).muli(2);
            Map<String, INDArray> start = new LinkedHashMap<>();
            for (StateEntry e : layer.stateEntries()) {
                start.put(e.name(), Nd4j.rand(DataType.DOUBLE, BATCH, e.size()).subi(0.5));
            }
            LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
            layer.rnnClearPreviousState();
            layer.rnnSetPreviousState(start);
            INDArray output = layer.rnnTimeStep(x, ws);
            Map<String, INDArray> last = layer.rnnGetPreviousState();
            ReferenceParameters parameters = new ReferenceParameters(layer.paramTable());

            INDArray expected = Nd4j.create(DataType.DOUBLE, output.shape());
            Map<String, INDArray> expectedLast = new LinkedHashMap<>();
            start.forEach((name, value) -> expectedLast.put(name, Nd4j.create(DataType.DOUBLE, value.shape())));
            for (int b = 0; b < BATCH; b++) {
                Map<String, double[]> state = new LinkedHashMap<>();
                for (Map.Entry<String, INDArray> e : start.entrySet()) {
                    state.put(e.getKey(), e.getValue().getRow(b).toDoubleVector());
                }
                for (int t = 0; t < STEPS; t++) {
                    double[] input = x.get(point(b), all(), point(t)).toDoubleVector();
                    ReferenceStep.Result r = reference.step(input, state, parameters);
                    String where = cell.id() + ": the reference step, example " + b + ", step " + t;
                    Expect.that(r != null && r.output() != null && r.state() != null, where + " returned nothing");
                    Expect.that(
                            r.output().length == HIDDEN,
                            where + " gave an output of " + r.output().length + " values, the layer has " + HIDDEN);
                    Expect.that(
                            r.state().keySet().containsAll(start.keySet()),
                            where + " gave the state " + r.state().keySet() + "; the layer carries " + start.keySet());
                    expected.get(point(b), all(), point(t)).assign(Nd4j.createFromArray(r.output()));
                    state = new LinkedHashMap<>(r.state());
                }
                for (Map.Entry<String, double[]> e : state.entrySet()) {
                    if (expectedLast.containsKey(e.getKey())) {
                        expectedLast.get(e.getKey()).getRow(b).assign(Nd4j.createFromArray(e.getValue()));
                    }
                }
            }
            Expect.relativelyClose(expected, output, TOLERANCE, cell.id() + " against the reference: outputs");
            for (Map.Entry<String, INDArray> e : expectedLast.entrySet()) {
                Expect.relativelyClose(
                        e.getValue(),
                        last.get(e.getKey()),
                        TOLERANCE,
                        cell.id() + " against the reference: final state " + e.getKey());
            }
        }));
    }
}
