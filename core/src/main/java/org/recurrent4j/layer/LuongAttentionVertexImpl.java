package org.recurrent4j.layer;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recurrent4j.conf.LuongAttentionVertex;
import org.recurrent4j.kernel.NativeArray;

/**
 * The runtime vertex of {@link LuongAttentionVertex}.
 *
 * <p>Every product is one batched matrix product over the B examples. Backward, per example, with
 * {@code ∂C [E, M]} arriving and the keys and weights recomputed from the inputs (the forward
 * pass's arrays may live in a closed workspace):
 *
 * <pre>
 *   ∂V = ∂C w + Wᵀ ∂K        ∂w = ∂Cᵀ V
 *   ∂a[m, s] = w[m, s] (∂w[m, s] − Σ_s' w[m, s'] ∂w[m, s'])
 *   ∂Q = K ∂aᵀ               ∂K = Q ∂a            ∂W += ∂K Vᵀ
 * </pre>
 */
// DL4J\'s BaseGraphVertex declares setInputs(INDArray[]) for GraphVertex\'s setInputs(INDArray...).
@SuppressWarnings("overrides")
public class LuongAttentionVertexImpl extends BaseGraphVertex {
    private static final long serialVersionUID = 1L;

    /** What a padded step's score becomes before the softmax. */
    private static final double PADDED_SCORE = 1e9;

    private final LuongAttentionVertex conf;
    private final int memoryMaskIndex;
    private final INDArray params;
    private final INDArray weight;
    private INDArray gradients;
    private INDArray weightGradient;

    public LuongAttentionVertexImpl(
            ComputationGraph graph,
            String name,
            int vertexIndex,
            LuongAttentionVertex conf,
            int memoryMaskIndex,
            INDArray paramsView,
            boolean initializeParams,
            DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.conf = conf;
        this.memoryMaskIndex = memoryMaskIndex;
        this.params = paramsView;
        this.weight = paramsView.reshape('f', conf.getQuerySize(), conf.getMemorySize());
        if (initializeParams) {
            double limit = Math.sqrt(6.0 / (conf.getQuerySize() + conf.getMemorySize()));
            INDArray init = Nd4j.rand(dataType, conf.getQuerySize(), conf.getMemorySize())
                    .muli(2 * limit)
                    .subi(limit);
            weight.assign(init);
        }
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        checkShapes();
        INDArray memory = inputs[1];
        INDArray context = attend(inputs[0], keys(memory), memory, memoryMask());
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, context);
    }

    /**
     * The keys {@code K = W V} of a memory {@code [B, E, S]}: {@code [B, D, S]}. A decoder stepped
     * one query at a time computes them once per source and passes them to {@link #attend}.
     */
    public INDArray keys(INDArray memory) {
        return keys(columns(memory), memory.shape());
    }

    /**
     * The attention context {@code C [B, E, M]} of queries {@code Q [B, D, M]} over a memory {@code
     * V [B, E, S]} with its keys {@code K = W V} ({@link #keys}), as the forward pass computes it.
     *
     * @param memoryMask {@code [B, S]}, 1 at the real steps, or null if every step is real
     */
    public static INDArray attend(INDArray queries, INDArray keys, INDArray memory, INDArray memoryMask) {
        if (queries.size(2) == 1) {
            return attendOneQuery(queries, keys, memory, memoryMask);
        }
        return Nd4j.matmul(memory, weights(queries, keys, memoryMask), false, true, false);
    }

    /**
     * {@link #attend} for one query per example, as a decoder stepped one token at a time asks:
     * {@code B·S·(D + E)} multiply-adds, accumulated here in double. The batched products and the
     * softmax's broadcast operations would cost ND4J's per-operation overhead several times over
     * (at one example, most of a decoder step's time). Same weights as {@link #weights}: a softmax
     * over the real steps, 0 at padded ones and everywhere for a sequence without a real step. The
     * keys and the memory are read in place when they are in C order (a stepped decoder keeps them
     * so), else copied once per call.
     */
    private static INDArray attendOneQuery(INDArray queries, INDArray keys, INDArray memory, INDArray memoryMask) {
        int rows = Math.toIntExact(queries.size(0));
        int d = Math.toIntExact(keys.size(1));
        int steps = Math.toIntExact(keys.size(2));
        int e = Math.toIntExact(memory.size(1));
        NativeArray q = NativeArray.of(queries);
        NativeArray k = NativeArray.of(keys);
        NativeArray v = NativeArray.of(memory);
        double[] mask = memoryMask == null ? null : NativeArray.values(memoryMask.castTo(DataType.DOUBLE));
        INDArray context = Nd4j.create(queries.dataType(), rows, e, 1);
        NativeArray c = NativeArray.of(context);
        double[] weights = new double[steps];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(weights, 0.0);
            int keyRow = r * d * steps;
            for (int i = 0; i < d; i++) {
                double qi = q.get(r * d + i);
                int at = keyRow + i * steps;
                for (int t = 0; t < steps; t++) {
                    weights[t] += qi * k.get(at + t);
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < steps; t++) {
                if (mask == null || mask[r * steps + t] != 0.0) {
                    max = Math.max(max, weights[t]);
                }
            }
            if (max == Double.NEGATIVE_INFINITY) {
                continue; // no real step: the context stays 0
            }
            double sum = 0.0;
            for (int t = 0; t < steps; t++) {
                boolean real = mask == null || mask[r * steps + t] != 0.0;
                weights[t] = real ? Math.exp(weights[t] - max) : 0.0;
                sum += weights[t];
            }
            int memoryRow = r * e * steps;
            for (int j = 0; j < e; j++) {
                int at = memoryRow + j * steps;
                double sumOfProducts = 0.0;
                for (int t = 0; t < steps; t++) {
                    sumOfProducts += weights[t] * v.get(at + t);
                }
                c.set(r * e + j, sumOfProducts / sum);
            }
        }
        return context;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray queries = inputs[0];
        INDArray memory = inputs[1];
        // The memory and ∂K as matrix columns once each: both the keys' products and ∂W read them.
        INDArray memoryColumns = columns(memory);
        INDArray keys = keys(memoryColumns, memory.shape());
        INDArray weights = weights(queries, keys, memoryMask());
        INDArray toWeights = Nd4j.matmul(epsilon, memory, true, false, false);
        INDArray toScores = softmaxBackward(weights, toWeights);
        INDArray toQueries = Nd4j.matmul(keys, toScores, false, true, false);
        INDArray toKeys = Nd4j.matmul(queries, toScores);
        INDArray toKeyColumns = columns(toKeys);
        INDArray toMemory = Nd4j.matmul(epsilon, weights).addi(fromKeys(toKeyColumns, memory.shape()));
        weightGradient.assign(toKeyColumns.mmul(memoryColumns.transpose()));
        Gradient gradient = new DefaultGradient(gradients);
        gradient.setGradientFor(LuongAttentionVertex.WEIGHT, weightGradient, 'f');
        return new Pair<>(gradient, new INDArray[] {
            workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, toQueries),
            workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, toMemory)
        });
    }

    /** K = W V for every example, as one matrix product on the memory's columns: {@code [B, D, S]}. */
    private INDArray keys(INDArray memoryColumns, long[] memoryShape) {
        return weight.mmul(memoryColumns)
                .reshape('c', weight.size(0), memoryShape[0], memoryShape[2])
                .permute(1, 0, 2);
    }

    /** ∂V from ∂K (as columns) = Wᵀ ∂K for every example: {@code [B, E, S]}. */
    private INDArray fromKeys(INDArray toKeyColumns, long[] memoryShape) {
        return weight.transpose()
                .mmul(toKeyColumns)
                .reshape('c', memoryShape[1], memoryShape[0], memoryShape[2])
                .permute(1, 0, 2);
    }

    /** A sequence batch {@code [B, F, S]} as the columns of one matrix {@code [F, B·S]}. */
    private static INDArray columns(INDArray sequences) {
        return sequences
                .permute(1, 0, 2)
                .dup('c')
                .reshape('c', sequences.size(1), sequences.size(0) * sequences.size(2));
    }

    /**
     * The attention weights {@code [B, M, S]}: a softmax of the scores over the real memory steps,
     * exactly 0 at padded ones (and everywhere for a sequence without a real step).
     */
    private static INDArray weights(INDArray queries, INDArray keys, INDArray mask) {
        INDArray scores = Nd4j.matmul(queries, keys, true, false, false);
        INDArray steps = null;
        if (mask != null) {
            steps = mask.castTo(scores.dataType()).reshape(mask.size(0), 1, mask.size(1));
            // Padded steps far below any real score: exp underflows to exactly 0 there.
            scores.addi(steps.sub(1).muli(PADDED_SCORE));
        }
        scores.subi(scores.max(true, 2));
        Transforms.exp(scores, false);
        if (steps != null) {
            scores.muli(steps);
        }
        INDArray sums = scores.sum(true, 2);
        BooleanIndexing.replaceWhere(sums, 1.0, Conditions.equals(0));
        return scores.divi(sums);
    }

    /** ∂a from ∂w through the softmax: {@code w ⊙ (∂w − rowsum(w ⊙ ∂w))}. */
    private static INDArray softmaxBackward(INDArray weights, INDArray toWeights) {
        INDArray rowDot = weights.mul(toWeights).sum(true, 2);
        return weights.mul(toWeights.subi(rowDot));
    }

    private INDArray memoryMask() {
        if (memoryMaskIndex < 0) {
            return null;
        }
        INDArray[] masks = graph.getInputMaskArrays();
        return masks == null ? null : masks[memoryMaskIndex];
    }

    private void checkShapes() {
        INDArray q = inputs[0];
        INDArray v = inputs[1];
        boolean ok = q.rank() == 3
                && v.rank() == 3
                && q.size(0) == v.size(0)
                && q.size(1) == conf.getQuerySize()
                && v.size(1) == conf.getMemorySize();
        if (!ok) {
            throw new IllegalArgumentException("LuongAttentionVertex \"" + getVertexName() + "\": expected queries [B, "
                    + conf.getQuerySize() + ", M] and memory [B, " + conf.getMemorySize() + ", S], got "
                    + Arrays.toString(q.shape()) + " and " + Arrays.toString(v.shape()));
        }
        INDArray mask = memoryMask();
        if (mask != null && (mask.rank() != 2 || mask.size(0) != v.size(0) || mask.size(1) != v.size(2))) {
            throw new IllegalArgumentException("LuongAttentionVertex \"" + getVertexName() + "\": the mask of input \""
                    + conf.getMemoryMaskInput() + "\" has shape " + Arrays.toString(mask.shape())
                    + " but the memory is " + Arrays.toString(v.shape()) + "; expected [B, S]");
        }
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropOnly) {
        return Map.of(LuongAttentionVertex.WEIGHT, weight);
    }

    @Override
    public long numParams() {
        return params.length();
    }

    @Override
    public TrainingConfig getConfig() {
        return conf;
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradients;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        this.gradients = backpropGradientsViewArray;
        this.weightGradient = backpropGradientsViewArray.reshape('f', conf.getQuerySize(), conf.getMemorySize());
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(
            INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        // One output step per query step: the queries' mask.
        if (maskArrays == null || maskArrays[0] == null) {
            return new Pair<>(null, currentMaskState);
        }
        return new Pair<>(maskArrays[0], MaskState.Active);
    }

    @Override
    public String toString() {
        return "LuongAttentionVertex(" + getVertexName() + ")";
    }
}
