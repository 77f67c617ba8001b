package org.recurrent4j.testkit;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.util.MaskZeroLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.layer.CellLoopLayer;

/** Padding, rnnTimeStep, truncated BPTT and the state-gradient record, on the cell's layer alone. */
final class SequenceCases {

    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int STEPS = 7;
    /** What float64 gives for the same sums in another order. */
    private static final double EXACT = 1e-12;

    private static final LayerWorkspaceMgr WS = LayerWorkspaceMgr.noWorkspaces();

    private SequenceCases() {}

    private static MultiLayerNetwork alone(CellType cell, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(KitNetworks.layer(cell, N_IN, HIDDEN))
                .build());
        net.init();
        KitNetworks.randomizeConstants(net);
        return net;
    }

    private static INDArray sequence(int batch, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, batch, N_IN, steps).subi(0.5).muli(2);
    }

    static List<KitCase> padding(CellType cell) {
        return List.of(
                KitCase.of(CellCheck.PADDING, "a padded batch gives each sequence's own outputs", () -> {
                    MultiLayerNetwork net = alone(cell, 21);
                    int[] lengths = {STEPS, 4, 2};
                    INDArray[] sequences = new INDArray[lengths.length];
                    for (int b = 0; b < lengths.length; b++) {
                        sequences[b] = sequence(1, lengths[b], 10 + b);
                    }
                    for (Masking masking : new Masking[] {Masking.PADDING_AT_END, Masking.PADDING_AT_START}) {
                        boolean atStart = masking == Masking.PADDING_AT_START;
                        // Padding holds non-zero values: a padded step must not reach any window or state.
                        INDArray batch = sequence(lengths.length, STEPS, 77).addi(3);
                        INDArray mask = Nd4j.zeros(DataType.DOUBLE, lengths.length, STEPS);
                        for (int b = 0; b < lengths.length; b++) {
                            int from = atStart ? STEPS - lengths[b] : 0;
                            batch.get(interval(b, b + 1), all(), interval(from, from + lengths[b]))
                                    .assign(sequences[b]);
                            mask.get(point(b), interval(from, from + lengths[b]))
                                    .assign(1);
                        }
                        net.rnnClearPreviousState();
                        INDArray out = net.output(batch, false, mask, null);
                        for (int b = 0; b < lengths.length; b++) {
                            int from = atStart ? STEPS - lengths[b] : 0;
                            String what = cell.id() + ", " + masking + ", example " + b;
                            Expect.close(
                                    net.output(sequences[b]),
                                    out.get(interval(b, b + 1), all(), interval(from, from + lengths[b])),
                                    EXACT,
                                    what + ": outputs on real steps against the sequence alone");
                            double padded = out.get(point(b), all(), all())
                                    .mul(mask.getRow(b).rsub(1).reshape(1, STEPS))
                                    .amaxNumber()
                                    .doubleValue();
                            Expect.that(padded == 0.0, what + ": padded steps must output zero, got " + padded);
                        }
                    }
                }),
                KitCase.of(CellCheck.PADDING, "in both directions of Bidirectional", () -> {
                    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                            .seed(22)
                            .dataType(DataType.DOUBLE)
                            .list()
                            .layer(new Bidirectional(Bidirectional.Mode.CONCAT, KitNetworks.layer(cell, N_IN, HIDDEN)))
                            .build());
                    net.init();
                    KitNetworks.randomizeConstants(net);
                    INDArray shortOne = sequence(1, 3, 30);
                    INDArray fullOne = sequence(1, STEPS, 31);
                    for (Masking masking : new Masking[] {Masking.PADDING_AT_END, Masking.PADDING_AT_START}) {
                        INDArray batch = sequence(2, STEPS, 78).addi(3);
                        INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, STEPS);
                        batch.get(interval(0, 1), all(), all()).assign(fullOne);
                        int from = masking == Masking.PADDING_AT_START ? STEPS - 3 : 0;
                        batch.get(interval(1, 2), all(), interval(from, from + 3))
                                .assign(shortOne);
                        mask.get(point(1), all()).assign(0);
                        mask.get(point(1), interval(from, from + 3)).assign(1);
                        INDArray out = net.output(batch, false, mask, null);
                        String what = cell.id() + " in Bidirectional, " + masking;
                        Expect.close(
                                net.output(fullOne),
                                out.get(interval(0, 1), all(), all()),
                                EXACT,
                                what + ": the full sequence");
                        Expect.close(
                                net.output(shortOne),
                                out.get(interval(1, 2), all(), interval(from, from + 3)),
                                EXACT,
                                what + ": the padded sequence on its real steps");
                    }
                }),
                KitCase.of(CellCheck.PADDING, "MaskZeroLayer equals an explicit mask", () -> {
                    int steps = 5;
                    MultiLayerNetwork wrapped = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                            .seed(8)
                            .dataType(DataType.DOUBLE)
                            .list()
                            .layer(new MaskZeroLayer(KitNetworks.layer(cell, N_IN, 4), 0.0))
                            .build());
                    wrapped.init();
                    MultiLayerNetwork plain = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                            .dataType(DataType.DOUBLE)
                            .list()
                            .layer(KitNetworks.layer(cell, N_IN, 4))
                            .build());
                    plain.init(wrapped.params().dup(), false);
                    Nd4j.getRandom().setSeed(3);
                    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, N_IN, steps).addi(0.1);
                    x.get(point(1), all(), interval(3, steps)).assign(0);
                    INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, steps);
                    mask.get(point(1), interval(3, steps)).assign(0);
                    Expect.close(
                            plain.output(x, false, mask, null),
                            wrapped.output(x),
                            EXACT,
                            cell.id() + " in MaskZeroLayer against the explicit mask");
                }));
    }

    static List<KitCase> rnnTimeStep(CellType cell) {
        return List.of(KitCase.of(CellCheck.RNN_TIME_STEP, "", () -> {
            MultiLayerNetwork net = alone(cell, 21);
            INDArray x = sequence(2, STEPS, 1);
            INDArray full = net.output(x);
            String id = cell.id();

            net.rnnClearPreviousState();
            for (int t = 0; t < STEPS; t++) {
                Expect.close(
                        full.get(all(), all(), interval(t, t + 1)),
                        net.rnnTimeStep(x.get(all(), all(), interval(t, t + 1))),
                        EXACT,
                        id + ": rnnTimeStep at step " + t + " against the full pass");
            }
            // A single step may also be given as [batch, nIn].
            net.rnnClearPreviousState();
            Expect.close(
                    full.get(all(), all(), point(0)),
                    net.rnnTimeStep(x.get(all(), all(), point(0))),
                    EXACT,
                    id + ": a step given as [batch, nIn]");

            // Chunks of 2 and 5, with the state saved after the first chunk and restored later.
            net.rnnClearPreviousState();
            net.rnnTimeStep(x.get(all(), all(), interval(0, 2)));
            Map<String, INDArray> saved = net.rnnGetPreviousState(0);
            Map<String, INDArray> savedValues = new HashMap<>();
            saved.forEach((k, v) -> savedValues.put(k, v.dup()));
            INDArray rest = net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS)));
            Expect.close(full.get(all(), all(), interval(2, STEPS)), rest, EXACT, id + ": the second chunk");
            // Single steps after it (the layer may reuse its own state arrays from step to step):
            // a map taken from rnnGetPreviousState is the caller's and never changes.
            for (int t = 0; t < 3; t++) {
                net.rnnTimeStep(x.get(all(), all(), interval(t, t + 1)));
            }
            for (Map.Entry<String, INDArray> e : savedValues.entrySet()) {
                Expect.close(
                        e.getValue(),
                        saved.get(e.getKey()),
                        0.0,
                        id + ": state '" + e.getKey() + "' taken by rnnGetPreviousState changed under later steps");
            }
            net.rnnSetPreviousState(0, saved);
            Expect.close(
                    rest,
                    net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS))),
                    EXACT,
                    id + ": the second chunk again from the saved state");
            // Cleared, the same chunk starts from zeros and gives something else.
            net.rnnClearPreviousState();
            double fromZeros = KitNetworks.difference(rest, net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS))));
            Expect.that(
                    fromZeros > 1e-4,
                    id + ": after rnnClearPreviousState the chunk must start from zeros (it gave the same outputs)");
        }));
    }

    static List<KitCase> truncatedBptt(CellType cell) {
        return List.of(
                KitCase.of(CellCheck.TRUNCATED_BPTT, "the gradient reaches back exactly its length", () -> {
                    MultiLayerNetwork net = alone(cell, 21);
                    net.initGradientsView();
                    INDArray x = sequence(2, STEPS, 40);
                    Layer layer = net.getLayer(0);
                    layer.setInput(x, WS);
                    layer.activate(true, WS);
                    INDArray epsilon = Nd4j.rand(DataType.DOUBLE, 2, HIDDEN, STEPS);
                    Pair<Gradient, INDArray> full = ((CellLoopLayer) layer).tbpttBackpropGradient(epsilon, STEPS, WS);
                    INDArray fullParams = full.getFirst().gradient().dup();
                    INDArray fullInput = full.getSecond().dup();

                    layer.activate(true, WS);
                    Pair<Gradient, INDArray> plain = layer.backpropGradient(epsilon, WS);
                    Expect.close(
                            fullInput,
                            plain.getSecond(),
                            EXACT,
                            cell.id() + ": truncated BPTT over the whole length against BPTT, input gradient");
                    Expect.close(
                            fullParams,
                            plain.getFirst().gradient(),
                            EXACT,
                            cell.id() + ": truncated BPTT over the whole length against BPTT, parameter gradients");

                    layer.activate(true, WS);
                    INDArray truncated = ((CellLoopLayer) layer)
                            .tbpttBackpropGradient(epsilon, 3, WS)
                            .getSecond();
                    double before = truncated
                            .get(all(), all(), interval(0, STEPS - 3))
                            .amaxNumber()
                            .doubleValue();
                    Expect.that(
                            before == 0.0,
                            cell.id() + ": truncated to 3 steps, the steps before must get no gradient, got " + before);
                    Expect.that(
                            truncated
                                            .get(all(), all(), interval(STEPS - 3, STEPS))
                                            .amaxNumber()
                                            .doubleValue()
                                    > 0,
                            cell.id() + ": truncated to 3 steps, the last 3 steps must get gradient");
                }),
                KitCase.of(CellCheck.TRUNCATED_BPTT, "a redone forward pass starts from the carried state", () -> {
                    int hidden = 4;
                    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                            .seed(7)
                            .dataType(DataType.DOUBLE)
                            .list()
                            .layer(KitNetworks.layer(cell, N_IN, hidden))
                            .build());
                    net.init();
                    net.initGradientsView();
                    CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
                    Nd4j.getRandom().setSeed(8);
                    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, N_IN, 6).subi(0.5);
                    INDArray first = x.get(all(), all(), interval(0, 3)).dup();
                    INDArray second = x.get(all(), all(), interval(3, 6)).dup();
                    INDArray epsilon = Nd4j.rand(DataType.DOUBLE, 2, hidden, 3);

                    layer.rnnClearPreviousState();
                    layer.rnnActivateUsingStoredState(first, true, true, WS);
                    layer.rnnActivateUsingStoredState(second, true, true, WS);
                    Pair<Gradient, INDArray> stored = layer.tbpttBackpropGradient(epsilon, 3, WS);
                    INDArray storedParams = stored.getFirst().gradient().dup();
                    INDArray storedInput = stored.getSecond().dup();

                    layer.rnnClearPreviousState();
                    layer.rnnActivateUsingStoredState(first, true, true, WS);
                    layer.rnnActivateUsingStoredState(second, false, true, WS);
                    Pair<Gradient, INDArray> redone = layer.tbpttBackpropGradient(epsilon, 3, WS);
                    Expect.close(
                            storedParams,
                            redone.getFirst().gradient(),
                            1e-14,
                            cell.id() + ": parameter gradients of a redone second segment");
                    Expect.close(
                            storedInput,
                            redone.getSecond(),
                            1e-14,
                            cell.id() + ": input gradient of a redone second segment");
                }));
    }

    static List<KitCase> stateGradientNorms(CellType cell) {
        return List.of(KitCase.of(CellCheck.STATE_GRADIENT_NORMS, "", () -> {
            int steps = 6;
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(3)
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(KitNetworks.layer(cell, N_IN, HIDDEN))
                    .build());
            net.init();
            net.initGradientsView();
            CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, N_IN, steps).subi(0.5);
            // The loss reads the last step only.
            INDArray epsilon = Nd4j.zeros(DataType.DOUBLE, 2, HIDDEN, steps);
            epsilon.get(all(), all(), interval(steps - 1, steps)).assign(Nd4j.rand(DataType.DOUBLE, 2, HIDDEN, 1));

            Expect.that(layer.getStateGradientNorms() == null, cell.id() + ": recording must be off by default");
            layer.setRecordStateGradients(true);
            layer.setInput(x, WS);
            layer.activate(true, WS);
            layer.backpropGradient(epsilon, WS);
            double[] norms = layer.getStateGradientNorms();
            Expect.that(norms.length == steps, cell.id() + ": one norm per step, got " + norms.length);
            // The recorded state is the first declared one: h, or c for cells that recur through c only.
            String recorded = layer.stateEntries().get(0).name();
            for (int t = 0; t < steps - 1; t++) {
                // The state after step t, then the rest of the sequence from it.
                net.rnnClearPreviousState();
                net.rnnTimeStep(x.get(all(), all(), interval(0, t + 1)));
                layer.setInitialState(net.rnnGetPreviousState(0));
                layer.setInput(x.get(all(), all(), interval(t + 1, steps)).dup(), WS);
                layer.activate(true, WS);
                layer.backpropGradient(
                        epsilon.get(all(), all(), interval(t + 1, steps)).dup(), WS);
                double expected = layer.getInitialStateGradient()
                        .get(recorded)
                        .norm2Number()
                        .doubleValue();
                layer.clearInitialState();
                Expect.that(
                        Math.abs(expected - norms[t]) <= 1e-12 * Math.max(1, expected),
                        cell.id() + ": recorded ‖∂L/∂" + recorded + "‖ after step " + t + " is " + norms[t]
                                + ", the initial-state gradient of the rest of the sequence is " + expected);
            }
            // After the last step only the output's own gradient remains: for h, the loss gradient at
            // that step; for c (read by the output inside the cell), nothing arrives from later steps.
            double last = recorded.equals(CellLoopLayer.STATE_H)
                    ? epsilon.get(all(), all(), interval(steps - 1, steps))
                            .norm2Number()
                            .doubleValue()
                    : 0.0;
            Expect.that(
                    Math.abs(last - norms[steps - 1]) <= 1e-12,
                    cell.id() + ": the norm after the last step is " + norms[steps - 1] + ", expected " + last);
            Expect.that(norms[0] > 0, cell.id() + ": gradient must reach the first step");
            layer.setRecordStateGradients(false);
            Expect.that(layer.getStateGradientNorms() == null, cell.id() + ": recording switched off");
        }));
    }
}
