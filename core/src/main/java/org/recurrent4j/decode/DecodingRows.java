package org.recurrent4j.decode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.layer.LuongAttentionVertexImpl;

/**
 * The rows of a batch being decoded together, one step at a time ({@link DecoderStepPlan}): the
 * encoder side's values for each row, computed once for the batch of sources; each recurrent
 * layer's state; each attention's keys. Rows are hypotheses: at first one per source, then, as a
 * beam search keeps some and drops others, {@link #keep} gathers every row's values from the rows
 * it continues.
 *
 * <p>It steps the graph's own layers, so it uses their {@code rnnTimeStep} state while it is open;
 * {@link #close} puts back the state they had before.
 */
final class DecodingRows implements AutoCloseable {

    private final DecoderStepPlan plan;
    private final GraphVertex[] vertices;
    private final int vocabulary;
    private final boolean indices;
    private final DataType type;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
    /** By vertex index: the encoder side's values the decoder side reads, one row per decoding row. */
    private final INDArray[] encoder;
    /** By vertex index: an attention's keys {@code W V}, one row per decoding row. */
    private final INDArray[] keys;
    /** By vertex index: a recurrent layer's state, one row per decoding row. */
    private final Map<Integer, Map<String, INDArray>> states = new HashMap<>();
    /** By vertex index: a recurrent layer's stepping state before decoding began. */
    private final Map<Integer, Map<String, INDArray>> before = new HashMap<>();

    private INDArray sourceMask;
    private int rows;
    /** The steps taken so far. */
    private int step;

    private DecodingRows(DecoderStepPlan plan, int vocabulary, boolean indices, DataType type, int rows) {
        this.plan = plan;
        this.vertices = plan.graph().getVertices();
        this.vocabulary = vocabulary;
        this.indices = indices;
        this.type = type;
        this.encoder = new INDArray[vertices.length];
        this.keys = new INDArray[vertices.length];
        this.rows = rows;
    }

    /**
     * Runs the encoder side over a batch of sources: one row per source.
     *
     * @param sources {@code [N, F, S]} (or {@code [N, 1, S]} indices; or, for a one-to-many graph,
     *     vectors {@code [N, F]} or images {@code [N, C, H, W]})
     * @param masks {@code [N, S]}, or null if every step is real
     * @param start the START token, which the encoder side's pass feeds as the decoder input (the
     *     encoder side does not read it)
     */
    static DecodingRows start(
            DecoderStepPlan plan, INDArray sources, INDArray masks, int vocabulary, boolean indices, int start) {
        int n = Math.toIntExact(sources.size(0));
        DecodingRows r = new DecodingRows(plan, vocabulary, indices, sources.dataType(), n);
        ComputationGraph graph = plan.graph();
        if (plan.lastEncoderPosition() >= 0) {
            int[] starts = new int[n];
            Arrays.fill(starts, start);
            Map<String, INDArray> values;
            graph.setLayerMaskArrays(masks == null ? null : new INDArray[] {masks, null}, null);
            try {
                values = graph.feedForward(
                        new INDArray[] {sources, r.tokenInput(starts)}, plan.lastEncoderPosition(), false, true);
            } finally {
                graph.clearLayerMaskArrays();
            }
            for (int v : plan.encoderOutputs()) {
                r.encoder[v] = values.get(r.vertices[v].getVertexName());
            }
        }
        r.sourceMask = masks;
        for (DecoderStepPlan.Step step : plan.steps()) {
            if (step instanceof DecoderStepPlan.Attention a) {
                int memory = r.vertices[a.vertex()].getInputVertices()[1].getVertexIndex();
                // In C order once, so that every step reads the memory and its keys in place.
                r.encoder[memory] = r.encoder[memory].dup('c');
                r.keys[a.vertex()] = a.impl().keys(r.encoder[memory]).dup('c');
            } else if (step instanceof DecoderStepPlan.Recurrent rec) {
                r.before.put(rec.vertex(), rec.layer().rnnGetPreviousState());
                Map<String, INDArray> state = new LinkedHashMap<>();
                for (int i = 0; i < rec.initialInputs().length; i++) {
                    state.put(rec.initialNames().get(i), r.encoder[rec.initialInputs()[i]]);
                }
                r.states.put(rec.vertex(), state);
            }
        }
        return r;
    }

    /** The number of rows. */
    int rows() {
        return rows;
    }

    /**
     * One decoder step of every row: the probabilities of the next token {@code [row][token]}, given
     * the token each row read last ({@code tokens[row]}; START at the first step).
     */
    double[][] next(int[] tokens) {
        if (tokens.length != rows) {
            throw new IllegalArgumentException("one token per row: " + rows + " rows, " + tokens.length + " tokens");
        }
        INDArray[] values = new INDArray[vertices.length];
        for (DecoderStepPlan.Step step : plan.steps()) {
            int v = step.vertex();
            INDArray[] in = inputs(vertices[v], values);
            INDArray out;
            if (step instanceof DecoderStepPlan.Feed) {
                out = tokenInput(tokens);
            } else if (step instanceof DecoderStepPlan.Recurrent r) {
                INDArray x = preProcess(r.preProcessor(), in[0]);
                r.layer().rnnSetPreviousState(states.get(v));
                out = r.layer().rnnTimeStep(x, workspaces);
                states.put(v, r.layer().rnnGetPreviousState());
            } else if (step instanceof DecoderStepPlan.StepLayer l) {
                l.layer().setInput(preProcess(l.preProcessor(), in[0]), workspaces);
                out = l.layer().activate(false, workspaces);
            } else if (step instanceof DecoderStepPlan.Repeat) {
                out = in[0].reshape(in[0].size(0), in[0].size(1), 1);
            } else if (step instanceof DecoderStepPlan.FirstStep) {
                out = this.step == 0
                        ? in[0].reshape(in[0].size(0), in[0].size(1), 1)
                        : Nd4j.zeros(in[0].dataType(), in[0].size(0), in[0].size(1), 1);
            } else if (step instanceof DecoderStepPlan.Merge m) {
                out = merge(in, m.axis());
            } else if (step instanceof DecoderStepPlan.Attention a) {
                out = LuongAttentionVertexImpl.attend(in[0], keys[v], in[1], a.sourceMasked() ? sourceMask : null);
            } else {
                GraphVertex plain = ((DecoderStepPlan.Plain) step).graphVertex();
                plain.setInputs(in);
                out = plain.doForward(false, workspaces);
            }
            values[v] = out;
        }
        this.step++;
        INDArray out = values[plan.output()];
        if (out.rank() != 3 || out.size(0) != rows || out.size(1) != vocabulary || out.size(2) != 1) {
            throw new IllegalStateException("the graph's output has shape " + Arrays.toString(out.shape())
                    + " for one step of " + rows + " rows, expected [" + rows + ", " + vocabulary
                    + ", 1]: is the target vocabulary right?");
        }
        return out.reshape(rows, vocabulary).toDoubleMatrix();
    }

    /**
     * Goes on with the given rows only: row {@code i} continues from the current row {@code
     * parents[i]} (the same row may continue several times, as beams split).
     */
    void keep(int[] parents) {
        boolean same = parents.length == rows;
        for (int i = 0; same && i < parents.length; i++) {
            same = parents[i] == i;
        }
        if (same) {
            return;
        }
        for (int v = 0; v < vertices.length; v++) {
            encoder[v] = encoder[v] == null ? null : gather(encoder[v], parents);
            keys[v] = keys[v] == null ? null : gather(keys[v], parents);
        }
        sourceMask = sourceMask == null ? null : gather(sourceMask, parents);
        for (Map<String, INDArray> state : states.values()) {
            state.replaceAll((name, array) -> gather(array, parents));
        }
        rows = parents.length;
    }

    /** Gives the graph's layers back their stepping state from before, and drops the decoding's inputs. */
    @Override
    public void close() {
        for (DecoderStepPlan.Step step : plan.steps()) {
            if (step instanceof DecoderStepPlan.Recurrent r) {
                r.layer().rnnSetPreviousState(before.getOrDefault(r.vertex(), Map.of()));
                r.layer().clear();
            } else if (step instanceof DecoderStepPlan.StepLayer l) {
                l.layer().clear();
            } else if (step instanceof DecoderStepPlan.Plain p) {
                p.graphVertex().clear();
            }
        }
    }

    private INDArray[] inputs(GraphVertex v, INDArray[] values) {
        VertexIndices[] from = v.getInputVertices();
        if (from == null) {
            return new INDArray[0];
        }
        INDArray[] in = new INDArray[from.length];
        for (int i = 0; i < from.length; i++) {
            int j = from[i].getVertexIndex();
            in[i] = plan.decoderSide(j) ? values[j] : encoder[j];
        }
        return in;
    }

    private INDArray preProcess(InputPreProcessor preProcessor, INDArray input) {
        return preProcessor == null ? input : preProcessor.preProcess(input, rows, workspaces);
    }

    /**
     * What DL4J's {@code MergeVertex} gives for one step: the inputs, cast to the network's data
     * type, concatenated along {@code axis}. The usual case, features ({@code axis} 1) of {@code
     * [rows, F, 1]} steps or {@code [rows, F]} vectors, is copied row by row into the result; any
     * other goes to ND4J's concat.
     */
    private INDArray merge(INDArray[] in, int axis) {
        DataType network = plan.graph().getConfiguration().getDataType();
        INDArray[] cast = new INDArray[in.length];
        boolean rows = axis == 1;
        long total = 0;
        for (int i = 0; i < in.length; i++) {
            cast[i] = in[i].castTo(network);
            INDArray a = cast[i];
            rows &= a.rank() == in[0].rank()
                    && (a.rank() == 2 || (a.rank() == 3 && a.size(2) == 1))
                    && a.size(0) == in[0].size(0)
                    && a.size(1) <= Integer.MAX_VALUE;
            total += a.size(1);
        }
        if (in.length == 1) {
            return cast[0];
        }
        if (!rows || total * in[0].size(0) > Integer.MAX_VALUE) {
            return Nd4j.concat(axis, cast);
        }
        int n = Math.toIntExact(in[0].size(0));
        int width = Math.toIntExact(total);
        INDArray out = in[0].rank() == 3 ? Nd4j.create(network, n, width, 1) : Nd4j.create(network, n, width);
        NativeArray into = NativeArray.of(out);
        int offset = 0;
        for (INDArray a : cast) {
            NativeArray from = NativeArray.of(a);
            int f = Math.toIntExact(a.size(1));
            for (int r = 0; r < n; r++) {
                from.copyTo(r * f, into, r * width + offset, f);
            }
            offset += f;
        }
        return out;
    }

    /** The decoder input of one step: {@code [rows, V, 1]} one-hot, or {@code [rows, 1, 1]} indices. */
    private INDArray tokenInput(int[] tokens) {
        int n = tokens.length;
        INDArray in = Nd4j.zeros(type, n, indices ? 1 : vocabulary, 1);
        for (int r = 0; r < n; r++) {
            if (indices) {
                in.putScalar(r, 0, 0, tokens[r]);
            } else {
                in.putScalar(r, tokens[r], 0, 1.0);
            }
        }
        return in;
    }

    /** The rows {@code rows} of {@code a} (along its first dimension), in that order. */
    private static INDArray gather(INDArray a, int[] rows) {
        // A copy: shape() may be the array's own description.
        long[] shape = a.shape().clone();
        INDArray flat = a.reshape('c', shape[0], a.length() / shape[0]);
        INDArray picked = Nd4j.pullRows(flat, 1, rows);
        shape[0] = rows.length;
        return picked.reshape('c', shape);
    }
}
