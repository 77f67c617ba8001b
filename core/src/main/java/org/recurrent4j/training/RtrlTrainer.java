package org.recurrent4j.training;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;

/**
 * Online training by real-time recurrent learning (RTRL, Williams &amp; Zipser 1989): the gradient is
 * carried forward in time with the state, so the network learns while it reads an unbounded
 * stream, with memory that does not grow with the length of the stream.
 *
 * <p>The network is a {@link MultiLayerNetwork} of exactly two layers: an {@link Rnn} (any
 * activation the layer accepts: tanh, ReLU, ...) or a {@link Gru} (either reset-gate form), then
 * DL4J's {@link RnnOutputLayer} with any loss function and activation. For each stream b and step
 * t the trainer keeps the state {@code h_t} and its sensitivity to every parameter θ of the
 * recurrent layer, {@code P_t = ∂h_t/∂θ [H, nθ]}; for the vanilla cell
 *
 * <pre>
 *   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,   h_t = f(a_t)
 *   P_t = D_t (W_hh P_{t-1} + ∂a_t/∂θ),            D_t = diag(f'(a_t))
 *   ∂L_t/∂θ = (∂L_t/∂h_t)ᵀ P_t
 * </pre>
 *
 * where {@code ∂a_t/∂θ} is the explicit (sparse) dependence on θ, and {@code ∂L_t/∂h_t} comes
 * from the output layer at step t, whose own gradient is the usual per-step one. The GRU's
 * recursion has the same shape with its full step Jacobian (see the {@code docs/training.md}
 * page). Every {@link #updateEvery(int)} steps the accumulated gradient goes through the
 * network's own updater (its learning rate, Adam or SGD, L1/L2 and weight decay, gradient
 * normalization or clipping, schedules) and its weight constraints, and the network's listeners
 * hear {@code iterationDone}, as with {@code fit}. The sensitivities then carry on under the new
 * parameters: that is RTRL's approximation; with no update inside a sequence the gradient equals
 * BPTT's exactly. The trainer reads the parameters at its first step and after each of its own
 * updates; after changing them yourself, call {@link #resetState()}.
 *
 * <p>Cost, for n = H hidden units and nIn inputs, {@code nθ = G·H(nIn + H + 2)} (G = 1 vanilla, 3
 * GRU): per step and example {@code O(G·H²·nθ)} time, {@code O(n⁴)}, and {@code O(H·nθ)} memory,
 * {@code O(n³)}, whatever the length of the stream, against BPTT's {@code O(n²T)} time and {@code
 * O(nT)} memory for a sequence of T steps. Sensitivities are float64 whatever the network's data
 * type.
 *
 * <p>Not supported, rejected when the trainer is made: dropout and weight noise (a step's
 * gradient would depend on noise drawn for a pass that RTRL never makes), truncated BPTT (RTRL
 * needs no truncation: it is exact over the whole stream), input preprocessors, other layers.
 *
 * <pre>{@code
 * MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
 *         .updater(new Adam(1e-2)).list()
 *         .layer(new Rnn.Builder().nIn(2).nOut(16).build())
 *         .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
 *                 .activation(Activation.IDENTITY).nIn(16).nOut(1).build())
 *         .build());
 * net.init();
 * RtrlTrainer trainer = new RtrlTrainer(net);
 * while (stream.hasNext()) {
 *     double loss = trainer.step(stream.next());   // reads one step, updates the parameters
 * }
 * }</pre>
 */
public final class RtrlTrainer {

    private final MultiLayerNetwork net;
    private final Layer recurrent;
    private final Layer output;
    private final RecurrentCellLayer recurrentConf;
    private final int nIn;
    private final int hidden;
    private final int nOut;
    private final OutputLayerStep outputStep;

    private int updateEvery = 1;
    /** The recurrent layer's parameters, read again after each update (they change only then). */
    private RecurrentParameters weights;

    private StateSensitivities online;
    private double[] recurrentGradient;
    private int pendingSteps;
    private double pendingLoss;

    /**
     * A trainer for {@code net} (initialized here if it is not yet).
     *
     * @throws IllegalArgumentException if the network is not one {@link Rnn} or {@link Gru} layer
     *     then an {@link RnnOutputLayer}, or uses dropout, weight noise, truncated BPTT or input
     *     preprocessors
     */
    public RtrlTrainer(MultiLayerNetwork net) {
        this.net = net;
        check(net.getLayerWiseConfigurations());
        net.init();
        if (net.getGradientsViewArray() == null) {
            net.initGradientsView();
        }
        this.recurrent = net.getLayer(0);
        this.output = net.getLayer(1);
        this.recurrentConf = (RecurrentCellLayer) recurrent.conf().getLayer();
        this.nIn = (int) recurrentConf.getNIn();
        this.hidden = recurrentConf.hiddenSize();
        this.nOut = (int) ((RnnOutputLayer) output.conf().getLayer()).getNOut();
        this.outputStep = new OutputLayerStep(output);
    }

    private static void check(MultiLayerConfiguration conf) {
        int layers = conf.getConfs().size();
        String what = "RTRL trains a network of exactly two layers, an org.recurrent4j.conf.Rnn or Gru layer then"
                + " an RnnOutputLayer";
        if (layers != 2) {
            throw new IllegalArgumentException(what + "; this network has " + layers + " layers");
        }
        org.deeplearning4j.nn.conf.layers.Layer first = conf.getConf(0).getLayer();
        org.deeplearning4j.nn.conf.layers.Layer second = conf.getConf(1).getLayer();
        if (!(first instanceof Rnn) && !(first instanceof Gru)) {
            throw new IllegalArgumentException(
                    what + "; layer 0 is a " + first.getClass().getSimpleName()
                            + (first instanceof RecurrentCellLayer
                                    ? " (RTRL for this cell is not implemented: train it with BPTT, net.fit)"
                                    : ""));
        }
        if (!(second instanceof RnnOutputLayer outputConf)) {
            throw new IllegalArgumentException(
                    what + "; layer 1 is a " + second.getClass().getSimpleName());
        }
        if (outputConf.getNIn() != ((RecurrentCellLayer) first).getNOut()) {
            throw new IllegalArgumentException("the output layer's nIn (" + outputConf.getNIn()
                    + ") must equal the recurrent layer's nOut (" + ((RecurrentCellLayer) first).getNOut() + ")");
        }
        if (conf.getBackpropType() == BackpropType.TruncatedBPTT) {
            throw new IllegalArgumentException("RTRL does not use truncated BPTT: it carries the exact gradient forward"
                    + " over the whole stream. Remove backpropType(TruncatedBPTT)/tBPTTLength from the"
                    + " configuration (or train with net.fit).");
        }
        for (int i = 0; i < 2; i++) {
            if (conf.getInputPreProcess(i) != null) {
                throw new IllegalArgumentException("RTRL: layer " + i + " has an input preprocessor ("
                        + conf.getInputPreProcess(i).getClass().getSimpleName()
                        + "); the network must take [batch, nIn, time] input straight into the recurrent layer");
            }
            org.deeplearning4j.nn.conf.layers.Layer layer = conf.getConf(i).getLayer();
            if (layer.getIDropout() != null) {
                throw new IllegalArgumentException(
                        "RTRL: layer " + i + " (" + layer.getClass().getSimpleName()
                                + ") has dropout " + layer.getIDropout() + ", which RTRL does not support (each step's"
                                + " gradient would belong to a different noisy network). Remove dropOut(...) from the"
                                + " layer and the network configuration.");
            }
            if (layer instanceof BaseLayer base && base.getWeightNoise() != null) {
                throw new IllegalArgumentException("RTRL: layer " + i + " ("
                        + layer.getClass().getSimpleName()
                        + ") has weight noise " + base.getWeightNoise() + ", which RTRL does not support. Remove"
                        + " weightNoise(...) from the layer and the network configuration.");
            }
        }
    }

    /**
     * Updates the parameters every {@code steps} steps (default 1, fully online), with the
     * gradient summed over those steps and averaged over the streams, as DL4J does for a sequence.
     */
    public RtrlTrainer updateEvery(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("updateEvery must be at least 1 step, got " + steps);
        }
        this.updateEvery = steps;
        return this;
    }

    /**
     * Reads one step of the streams: advances the state and the sensitivities, adds this step's
     * gradient, and updates the parameters when {@link #updateEvery(int) due}. The number of
     * streams may change only at a step where every stream resets (a gradient not yet applied is
     * applied first, averaged over the old streams).
     *
     * @return the step's loss summed over the streams whose loss counts, divided by the number of
     *     streams (0 for a step without labels)
     */
    public double step(StreamStep step) {
        int batch = step.batch();
        if (online != null && online.batch != batch) {
            if (!resetsAll(step)) {
                throw new IllegalArgumentException("the stream had " + online.batch + " parallel streams and this step"
                        + " has " + batch + ": the number of streams may change only at a step where every stream"
                        + " resets (StreamStep.withResets), or after resetState()");
            }
            if (pendingSteps > 0) {
                update(online.batch);
            }
            online = null;
        }
        if (online == null) {
            online = sensitivities(batch);
            recurrentGradient = new double[online.count];
        }
        double loss = advance(online, step, recurrentGradient);
        pendingLoss += loss;
        pendingSteps++;
        if (pendingSteps == updateEvery) {
            update(batch);
        }
        return loss / batch;
    }

    private static boolean resetsAll(StreamStep step) {
        if (step.resets() == null) {
            return false;
        }
        for (boolean reset : step.resets()) {
            if (!reset) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads up to {@code maxSteps} steps of {@code stream} (fewer if it ends), updating as it goes.
     *
     * @return the number of steps read
     */
    public long fit(Iterator<StreamStep> stream, long maxSteps) {
        long read = 0;
        while (read < maxSteps && stream.hasNext()) {
            step(stream.next());
            read++;
        }
        return read;
    }

    /**
     * Forgets the state, the sensitivities and any gradient not yet applied, and reads the
     * network's parameters again: the next step starts every stream from zero (and may have a
     * different number of streams). Call it after changing the parameters yourself: the trainer
     * reads them at its first step and after each of its own updates.
     */
    public void resetState() {
        online = null;
        weights = null;
        outputStep.readParameters();
        recurrentGradient = null;
        pendingSteps = 0;
        pendingLoss = 0;
        outputStep.clearGradients();
    }

    /** The current state of each stream {@code [B, H]} (float64), or null before the first step. */
    public INDArray state() {
        return online == null ? null : Nd4j.createFromArray(online.state()).reshape(online.batch, hidden);
    }

    /**
     * The memory the sensitivities hold now, in bytes ({@code 8 · B · numbers per example}): it
     * depends on H, nIn and the number of streams, not on how many steps were read. 0 before the
     * first step.
     */
    public long sensitivityBytes() {
        return online == null ? 0 : 8L * online.batch * online.numbersPerExample();
    }

    /**
     * The gradient of the loss over whole sequences, computed forward in time by RTRL, without
     * changing the parameters or the online state: the same numbers as DL4J's BPTT ({@code
     * net.computeGradientAndScore()}, then {@code net.gradient()}), keyed the same way ({@code
     * "0_Whh"}, {@code "1_W"}, ...), summed over the examples. Masks are honoured as the network
     * honours them.
     *
     * @param data features {@code [B, nIn, T]} (NWC {@code [B, T, nIn]} if the recurrent layer is
     *     NWC), labels {@code [B, nOut, T]} (likewise for the output layer), optional masks {@code
     *     [B, T]}
     * @return the gradient and the score (the summed loss divided by B, without regularization)
     */
    public Pair<Gradient, Double> gradientAndScore(DataSet data) {
        INDArray features = data.getFeatures();
        INDArray labels = data.getLabels();
        if (features == null || features.rank() != 3 || labels == null || labels.rank() != 3) {
            throw new IllegalArgumentException("RTRL over sequences needs rank-3 features and labels, got features "
                    + shape(features) + " and labels " + shape(labels));
        }
        boolean featuresNwc = recurrentConf.getRnnDataFormat() == RNNFormat.NWC;
        boolean labelsNwc = ((RnnOutputLayer) output.conf().getLayer()).getRnnDataFormat() == RNNFormat.NWC;
        int batch = (int) features.size(0);
        int steps = (int) features.size(featuresNwc ? 1 : 2);
        long labelSteps = labels.size(labelsNwc ? 1 : 2);
        if (labelSteps != steps || labels.size(0) != batch) {
            throw new IllegalArgumentException("features " + shape(features) + " and labels " + shape(labels)
                    + " must have the same batch and number of steps");
        }
        INDArray mask = data.getFeaturesMaskArray();
        INDArray labelMask = data.getLabelsMaskArray();
        StateSensitivities sensitivities = sensitivities(batch);
        double[] gradient = new double[sensitivities.count];
        OutputLayerStep out = new OutputLayerStep(output);
        RecurrentParameters current = RecurrentParameters.of(recurrent);
        double loss = 0;
        for (int t = 0; t < steps; t++) {
            StreamStep step = new StreamStep(
                    featuresNwc ? features.get(all(), point(t), all()) : features.get(all(), all(), point(t)),
                    labelsNwc ? labels.get(all(), point(t), all()) : labels.get(all(), all(), point(t)),
                    mask == null ? null : mask.get(all(), point(t)),
                    labelMask == null ? null : labelMask.get(all(), point(t)),
                    null);
            loss += advance(sensitivities, step, gradient, out, current);
        }
        Gradient result = new DefaultGradient();
        DataType type = net.params().dataType();
        recurrentGradients(gradient).forEach((key, value) -> result.setGradientFor("0_" + key, value.castTo(type)));
        result.setGradientFor(
                "1_" + DefaultParamInitializer.WEIGHT_KEY, out.weightGradient().castTo(type));
        if (out.hasBias()) {
            result.setGradientFor(
                    "1_" + DefaultParamInitializer.BIAS_KEY, out.biasGradient().castTo(type));
        }
        return new Pair<>(result, loss / batch);
    }

    private static String shape(INDArray array) {
        return array == null ? "null" : Arrays.toString(array.shape());
    }

    private StateSensitivities sensitivities(int batch) {
        if (recurrentConf instanceof Gru gru) {
            return new GruSensitivities(
                    nIn, hidden, batch, gru.getActivationFn(), gru.getGateActivationFn(), gru.isResetAfter());
        }
        return new RnnSensitivities(nIn, hidden, batch, recurrentConf.getActivationFn());
    }

    private double advance(StateSensitivities s, StreamStep step, double[] gradient) {
        if (weights == null) {
            weights = RecurrentParameters.of(recurrent);
        }
        return advance(s, step, gradient, outputStep, weights);
    }

    /** One step through both layers; returns the summed loss of the step. */
    private double advance(
            StateSensitivities s, StreamStep step, double[] gradient, OutputLayerStep out, RecurrentParameters w) {
        INDArray features = step.features();
        if (features.size(1) != nIn) {
            throw new IllegalArgumentException(
                    "a stream step's features must be [batch, nIn] with nIn = " + nIn + ", got " + shape(features));
        }
        if (step.labels() != null && step.labels().size(1) != nOut) {
            throw new IllegalArgumentException("a stream step's labels must be [batch, nOut] with nOut = " + nOut
                    + ", got " + shape(step.labels()));
        }
        int batch = s.batch;
        double[] x = OutputLayerStep.flatten(features.toDoubleMatrix());
        double[] mask = perExample(step.mask());
        s.step(x, mask, step.resets(), w);
        if (step.labels() == null) {
            return 0.0;
        }
        double[] emitted = s.state();
        if (mask != null) {
            for (int k = 0; k < emitted.length; k++) {
                emitted[k] *= mask[k / hidden];
            }
        }
        double[] lossMask = step.labelMask() != null ? perExample(step.labelMask()) : mask;
        double[] dLdh = new double[batch * hidden];
        double loss = out.step(emitted, batch, step.labels(), lossMask, dLdh);
        if (mask != null) {
            for (int k = 0; k < dLdh.length; k++) {
                dLdh[k] *= mask[k / hidden];
            }
        }
        s.accumulate(dLdh, gradient);
        return loss;
    }

    private static double[] perExample(INDArray values) {
        return values == null
                ? null
                : values.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
    }

    /** The recurrent layer's gradient as arrays of the parameters' shapes, by key. */
    private Map<String, INDArray> recurrentGradients(double[] gradient) {
        int gh = recurrentConf.cell().projection(nIn, hidden).rows();
        Map<String, INDArray> byKey = new LinkedHashMap<>();
        int at = 0;
        byKey.put(RecurrentParameters.INPUT_WEIGHT, slice(gradient, at, gh, nIn));
        at += gh * nIn;
        byKey.put(RecurrentParameters.INPUT_BIAS, slice(gradient, at, 1, gh));
        at += gh;
        byKey.put(RecurrentParameters.RECURRENT_WEIGHT, slice(gradient, at, gh, hidden));
        at += gh * hidden;
        byKey.put(RecurrentParameters.RECURRENT_BIAS, slice(gradient, at, 1, gh));
        return byKey;
    }

    private static INDArray slice(double[] values, int from, int rows, int cols) {
        double[] part = Arrays.copyOfRange(values, from, from + rows * cols);
        return Nd4j.createFromArray(part).reshape(rows, cols);
    }

    /** Applies the accumulated gradient through the network's updater, as one iteration of fit. */
    private void update(int batch) {
        Map<String, INDArray> recurrentViews = recurrentConf
                .initializer()
                .getGradientsFromFlattened(recurrent.conf(), recurrent.getGradientsViewArray());
        Map<String, INDArray> outputViews = output.conf()
                .getLayer()
                .initializer()
                .getGradientsFromFlattened(output.conf(), output.getGradientsViewArray());
        INDArray flat = net.getGradientsViewArray();
        Gradient gradient = new DefaultGradient(flat);
        for (Map.Entry<String, INDArray> e :
                recurrentGradients(recurrentGradient).entrySet()) {
            INDArray view = recurrentViews.get(e.getKey());
            view.assign(e.getValue().reshape(view.shape()));
            gradient.setGradientFor("0_" + e.getKey(), view);
        }
        INDArray w = outputViews.get(DefaultParamInitializer.WEIGHT_KEY);
        w.assign(outputStep.weightGradient());
        gradient.setGradientFor("1_" + DefaultParamInitializer.WEIGHT_KEY, w);
        if (outputStep.hasBias()) {
            INDArray b = outputViews.get(DefaultParamInitializer.BIAS_KEY);
            b.assign(outputStep.biasGradient().reshape(b.shape()));
            gradient.setGradientFor("1_" + DefaultParamInitializer.BIAS_KEY, b);
        }
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        net.setScore(pendingLoss / batch);
        for (TrainingListener listener : net.getListeners()) {
            listener.onGradientCalculation(net);
        }
        net.getUpdater().update(net, gradient, iteration, epoch, batch, LayerWorkspaceMgr.noWorkspaces());
        INDArray params = net.params();
        params.subi(flat.reshape(params.shape()));
        for (TrainingListener listener : net.getListeners()) {
            listener.iterationDone(net, iteration, epoch);
        }
        net.setIterationCount(iteration + 1);
        net.applyConstraints(iteration, epoch);
        Arrays.fill(recurrentGradient, 0.0);
        outputStep.clearGradients();
        weights = null;
        outputStep.readParameters();
        pendingSteps = 0;
        pendingLoss = 0;
    }
}
