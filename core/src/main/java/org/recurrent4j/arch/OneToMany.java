package org.recurrent4j.arch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.conf.FirstStepVertex;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.RecurrentWithInitialState;

/**
 * 1→N: a vector in, a sequence out (captioning-style generation, count-up from a seed).
 *
 * <pre>
 *   INITIAL_STATE            FIRST_STEP                EVERY_STEP
 *   v ─▶ dense ─▶ h_0        [v; s_1] [0; s_2] …       [v; s_1] [v; s_2] …
 *        RNN ─ RNN ─ …        RNN ──── RNN ──── …        RNN ──── RNN ──── …
 *        y_1   y_2            y_1      y_2               y_1      y_2
 * </pre>
 *
 * <p>Inputs: {@value #VECTOR} {@code [B, F]} and {@value #STEPS} {@code [B, n, T]}, the decoder's
 * step inputs, which set the length T: the previous outputs under teacher forcing (the {@code
 * features}/{@code tokens} options describe them), or a constant when the output does not feed
 * back. INITIAL_STATE gives each state the first layer's cell starts from (h; h and c for LSTMs; c
 * for QRNN/SRU) a tanh dense projection of the vector, and needs one of this project's cells.
 * Output: {@value #OUTPUT} {@code [B, classes, T]}. Layers are unidirectional: the sequence is
 * generated left to right.
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new OneToMany()
 *         .vectorSize(14).features(1).cell(CellTypes.GRU).hidden(64)
 *         .feed(OneToMany.Feed.INITIAL_STATE).classes(10)
 *         .build();
 * }</pre>
 *
 * <p>Image to sequence (captioning): {@link #imageEncoder} replaces the vector input by an image
 * input {@value #IMAGE} {@code [B, C, H, W]} and layers that turn it into the vector (for example a
 * {@link org.recurrent4j.conf.Recurrent2d} and a global pooling layer), trained with the decoder;
 * the vector's size is inferred from them. Feeds may be combined: {@code feed(INITIAL_STATE,
 * EVERY_STEP)} starts the decoder from the image's features and gives them to it at every step.
 *
 * <pre>{@code
 * ComputationGraphConfiguration captioner = new OneToMany()
 *         .imageEncoder(InputType.convolutional(16, 16, 3),
 *                 new Recurrent2d.Builder(new Gru.Builder().nOut(32).build()).patchSize(2).build(),
 *                 new GlobalPoolingLayer(PoolingType.MAX))
 *         .features(vocabulary).cell(CellTypes.GRU).hidden(128)
 *         .feed(OneToMany.Feed.INITIAL_STATE, OneToMany.Feed.EVERY_STEP).classes(vocabulary)
 *         .build();
 * }</pre>
 */
public final class OneToMany extends PerStepOutputStack<OneToMany> {

    /** The name of the vector input. */
    public static final String VECTOR = "vector";
    /** The name of the image input, with an {@link #imageEncoder}. */
    public static final String IMAGE = "image";
    /** The name of the step input. */
    public static final String STEPS = "steps";
    /** The name of the graph's output. */
    public static final String OUTPUT = "output";

    /** Where the vector goes in. */
    public enum Feed {
        /** As the first layer's initial state (through a dense projection). */
        INITIAL_STATE,
        /** Concatenated to the step input at the first step, zeros after. */
        FIRST_STEP,
        /** Concatenated to the step input at every step. */
        EVERY_STEP
    }

    private int vectorSize;
    private Set<Feed> feeds = EnumSet.of(Feed.INITIAL_STATE);
    private InputType imageType;
    private List<Layer> encoder = List.of();

    /** The size F of the input vector. */
    public OneToMany vectorSize(int n) {
        this.vectorSize = n;
        return this;
    }

    /**
     * Where the vector goes in: one feed, or {@link Feed#INITIAL_STATE} with {@link
     * Feed#FIRST_STEP} or {@link Feed#EVERY_STEP}.
     */
    public OneToMany feed(Feed... feeds) {
        this.feeds = feeds == null
                ? null
                : (feeds.length == 0 ? EnumSet.noneOf(Feed.class) : EnumSet.copyOf(Arrays.asList(feeds)));
        return this;
    }

    /**
     * Reads an image input {@value #IMAGE} of the given type through {@code layers} (added as {@code
     * encoder0}, {@code encoder1}, ...) whose output is the vector; its size is inferred.
     */
    public OneToMany imageEncoder(InputType image, Layer... layers) {
        this.imageType = image;
        this.encoder = layers == null ? null : List.of(layers);
        return this;
    }

    /** The vector's size: given, or what the image encoder puts out. */
    private int vectorSizeOf() {
        if (imageType == null) {
            return vectorSize;
        }
        if (!(imageType instanceof InputType.InputTypeConvolutional)) {
            throw new IllegalArgumentException(
                    "imageEncoder: the image input must be InputType.convolutional(h, w, c), got " + imageType);
        }
        if (encoder == null || encoder.isEmpty()) {
            throw new IllegalArgumentException("imageEncoder: needs at least one layer that turns the image into a"
                    + " vector (for example a Recurrent2d and a GlobalPoolingLayer)");
        }
        InputType t = imageType;
        for (int i = 0; i < encoder.size(); i++) {
            Layer layer = encoder.get(i).clone();
            InputPreProcessor pre = layer.getPreProcessorForInputType(t);
            if (pre != null) {
                t = pre.getOutputType(t);
            }
            layer.setNIn(t, false);
            t = layer.getOutputType(i, t);
        }
        if (!(t instanceof InputType.InputTypeFeedForward ff)) {
            throw new IllegalArgumentException("imageEncoder: the last layer must put out a vector (a global pooling"
                    + " or dense layer), its output is " + t);
        }
        return Math.toIntExact(ff.getSize());
    }

    public ComputationGraphConfiguration build() {
        validate();
        int size = vectorSizeOf();
        if (size < 1) {
            throw new IllegalArgumentException("vectorSize: the input vector needs at least 1 value, got " + size);
        }
        if (feeds == null || feeds.isEmpty() || feeds.contains(null)) {
            throw new IllegalArgumentException("feed must be INITIAL_STATE, FIRST_STEP or EVERY_STEP, got " + feeds);
        }
        if (feeds.contains(Feed.FIRST_STEP) && feeds.contains(Feed.EVERY_STEP)) {
            throw new IllegalArgumentException("feed: FIRST_STEP and EVERY_STEP exclude each other, got " + feeds);
        }
        validateOutput();
        if (bidirectional != null) {
            throw new IllegalArgumentException("a one-to-many network generates left to right; bidirectional ("
                    + bidirectional + ") layers would read steps not generated yet");
        }
        if (feeds.contains(Feed.INITIAL_STATE)) {
            requireInitialState("feed INITIAL_STATE", "feed FIRST_STEP or EVERY_STEP");
        }
        GraphBuilder g = graph().addInputs(imageType == null ? VECTOR : IMAGE, STEPS);
        String vector = VECTOR;
        if (imageType != null) {
            String previous = IMAGE;
            for (int i = 0; i < encoder.size(); i++) {
                String name = "encoder" + i;
                g.addLayer(name, encoder.get(i).clone(), previous);
                previous = name;
            }
            vector = previous;
        }
        Top stepInput = addInput(g, STEPS, "");
        for (Feed feed : List.of(Feed.FIRST_STEP, Feed.EVERY_STEP)) {
            if (feeds.contains(feed)) {
                String placed = "vector_" + feed.name().toLowerCase(java.util.Locale.ROOT);
                if (feed == Feed.FIRST_STEP) {
                    g.addVertex(placed, new FirstStepVertex(), vector, STEPS);
                } else {
                    g.addVertex(placed, new DuplicateToTimeSeriesVertex(STEPS), vector);
                }
                g.addVertex("rnn0_input", new MergeVertex(), stepInput.vertex(), placed);
                stepInput = new Top("rnn0_input", stepInput.size() + size);
            }
        }
        if (feeds.contains(Feed.INITIAL_STATE)) {
            RecurrentCellLayer first = initialStateLayer(recurrentLayer(stepInput.size(), hidden[0], 0));
            List<String> entries = RecurrentWithInitialState.initialEntries(first);
            List<String> states = new ArrayList<>();
            for (String entry : entries) {
                String state = "initial_" + entry;
                states.add(state);
                g.addLayer(
                        state,
                        new DenseLayer.Builder()
                                .nIn(size)
                                .nOut(hidden[0])
                                .activation(Activation.TANH)
                                .build(),
                        vector);
            }
            RecurrentWithInitialState.addTo(g, "rnn0", first, stepInput.vertex(), states.toArray(String[]::new));
        } else {
            g.addLayer("rnn0", recurrentLayer(stepInput.size(), hidden[0], 0), stepInput.vertex());
        }
        Top top = addLayers(g, new Top("rnn0", hidden[0]), "", hidden, 1, hidden.length, false);
        addOutput(g, OUTPUT, top);
        return g.setOutputs(OUTPUT)
                .setInputTypes(imageType == null ? InputType.feedForward(size) : imageType, inputType())
                .build();
    }
}
