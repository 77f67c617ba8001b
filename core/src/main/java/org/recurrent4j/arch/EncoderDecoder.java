package org.recurrent4j.arch;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.LuongAttentionVertex;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.conf.RnnOutput;

/**
 * N→M: an encoder reads the source sequence into a context vector, a decoder writes the target
 * sequence from it (translation, reversal, arithmetic as text).
 *
 * <pre>
 *   source: x_1 … x_S ─▶ encoder RNNs ─▶ c (its final state; both directions' when bidirectional)
 *   target: START y_1 … y_{M-1} ─▶ decoder RNNs ─▶ y_1 … y_M END      (teacher forcing)
 *           INITIAL_STATE: the decoder's first layer starts from tanh(W c + b), one per state entry
 *           EVERY_STEP:    c is concatenated to the decoder's input at every step
 *   attention (optional): the output layer reads [h_t; Σ_s α_ts e_s], α_t = softmax_s(h_t · W_a e_s)
 *           over the encoder's outputs e_1 … e_S at the real source steps
 * </pre>
 *
 * <p>Inputs, in this order: {@value #SOURCE} {@code [B, features, S]} (or token indices) with its
 * mask, and {@value #TARGET} {@code [B, V_t, M]} one-hot (or indices, with {@link #targetTokens})
 * with its mask: START then the target, shifted right by one. Output: {@value #OUTPUT} {@code [B,
 * V_t, M]}, a softmax over the target vocabulary, predicting the target then END. This is the layout
 * of datavec's {@code EncoderDecoderBatch}. {@link org.recurrent4j.decode.SequenceDecoder} generates
 * with greedy or beam search.
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new EncoderDecoder()
 *         .features(12).targetOneHot(13).cell(CellTypes.LSTM).hidden(128).decoderHidden(128)
 *         .context(EncoderDecoder.Context.INITIAL_STATE)
 *         .build();
 * }</pre>
 */
public final class EncoderDecoder extends RecurrentStack<EncoderDecoder> {

    /** The name of the source input (input 0). */
    public static final String SOURCE = "source";
    /** The name of the decoder's input, START then the target (input 1). */
    public static final String TARGET = "target";
    /** The name of the graph's output. */
    public static final String OUTPUT = "output";
    /** With attention: the vertex of the attention context {@code [B, E, M]}. */
    public static final String ATTENTION_CONTEXT = "attention_context";

    /** How the context reaches the decoder. */
    public enum Context {
        /** As the initial state of the decoder's first layer. */
        INITIAL_STATE,
        /** Concatenated to the decoder's input at every step. */
        EVERY_STEP
    }

    private int targetVocabulary;
    private int targetEmbedding;
    private int[] decoderHidden;
    private Context context = Context.INITIAL_STATE;
    private boolean attention;

    /** The target vocabulary V_t (START and END included), fed to the decoder one-hot. */
    public EncoderDecoder targetOneHot(int vocabulary) {
        this.targetVocabulary = vocabulary;
        this.targetEmbedding = 0;
        return this;
    }

    /** The target vocabulary V_t, fed to the decoder as indices through an embedding of {@code dims}. */
    public EncoderDecoder targetTokens(int vocabulary, int dims) {
        this.targetVocabulary = vocabulary;
        this.targetEmbedding = dims;
        return this;
    }

    /** The decoder's layer sizes (default: the encoder's). */
    public EncoderDecoder decoderHidden(int... sizes) {
        this.decoderHidden = sizes.clone();
        return this;
    }

    public EncoderDecoder context(Context context) {
        this.context = context;
        return this;
    }

    /**
     * Adds attention: at every decoder step, the top decoder layer's output {@code h_t} scores
     * every real encoder step's output {@code e_s} as {@code h_t · W_a e_s} ("general" attention of
     * Luong et al. 2015, {@link LuongAttentionVertex}), and the output layer reads
     * {@code [h_t; Σ_s softmax(score)_s e_s]}. The context of {@link #context(Context)} still
     * reaches the decoder as well.
     */
    public EncoderDecoder attention(boolean attention) {
        this.attention = attention;
        return this;
    }

    /** The target vocabulary size. */
    public int targetVocabulary() {
        return targetVocabulary;
    }

    /** Whether the decoder reads its input as token indices (else one-hot). */
    public boolean targetAsIndices() {
        return targetEmbedding > 0;
    }

    public ComputationGraphConfiguration build() {
        validate();
        int[] decoder = decoderHidden == null ? hidden : decoderHidden;
        if (decoder.length == 0) {
            throw new IllegalArgumentException("decoderHidden: needs at least one recurrent layer, got 0 layers");
        }
        for (int i = 0; i < decoder.length; i++) {
            if (decoder[i] < 1) {
                throw new IllegalArgumentException(
                        "decoderHidden: layer " + i + " has size " + decoder[i] + "; sizes must be at least 1");
            }
            if (residual && i > 0 && decoder[i] != decoder[i - 1]) {
                throw new IllegalArgumentException("residual: decoder layer " + i + " has size " + decoder[i]
                        + " but its input has size " + decoder[i - 1] + ", got " + Arrays.toString(decoder));
            }
        }
        if (targetVocabulary < 3) {
            throw new IllegalArgumentException("the target vocabulary (START and END included) must have at least 3"
                    + " tokens, got " + targetVocabulary + ": call targetOneHot(v) or targetTokens(v, dims)");
        }
        if (context == null) {
            throw new IllegalArgumentException("context must be INITIAL_STATE or EVERY_STEP, got null");
        }
        if (context == Context.INITIAL_STATE) {
            requireInitialState("context INITIAL_STATE", "context EVERY_STEP");
        }
        GraphBuilder g = graph().addInputs(SOURCE, TARGET);

        Top source = addInput(g, SOURCE, "encoder_");
        Top below = addLayers(g, source, "encoder_", hidden, 0, hidden.length - 1, true);
        Top encoded = addLastStep(g, below, "encoder_", SOURCE);

        Top target;
        if (targetEmbedding > 0) {
            g.addLayer(
                    "decoder_embedding",
                    new EmbeddingSequenceLayer.Builder()
                            .nIn(targetVocabulary)
                            .nOut(targetEmbedding)
                            .build(),
                    TARGET);
            target = new Top("decoder_embedding", targetEmbedding);
        } else {
            target = new Top(TARGET, targetVocabulary);
        }
        Top top;
        if (context == Context.INITIAL_STATE) {
            RecurrentCellLayer first = initialStateLayer(cell.layer(target.size(), decoder[0]));
            List<String> entries = RecurrentWithInitialState.initialEntries(first);
            String[] states = new String[entries.size()];
            for (int i = 0; i < states.length; i++) {
                states[i] = "decoder_initial_" + entries.get(i);
                g.addLayer(
                        states[i],
                        new DenseLayer.Builder()
                                .nIn(encoded.size())
                                .nOut(decoder[0])
                                .activation(Activation.TANH)
                                .build(),
                        encoded.vertex());
            }
            RecurrentWithInitialState.addTo(g, "decoder_rnn0", first, target.vertex(), states);
        } else {
            g.addVertex("context_every_step", new DuplicateToTimeSeriesVertex(TARGET), encoded.vertex());
            g.addVertex("decoder_rnn0_input", new MergeVertex(), target.vertex(), "context_every_step");
            g.addLayer("decoder_rnn0", cell.layer(target.size() + encoded.size(), decoder[0]), "decoder_rnn0_input");
        }
        top = addLayers(g, new Top("decoder_rnn0", decoder[0]), "decoder_", decoder, 1, decoder.length, false);
        if (attention) {
            Top memory = lastLayerSteps(g, below, "encoder_", SOURCE);
            g.addVertex(
                    ATTENTION_CONTEXT,
                    new LuongAttentionVertex(
                            ATTENTION_CONTEXT,
                            SOURCE,
                            top.size(),
                            memory.size(),
                            updater.clone(),
                            clipping,
                            clippingThreshold),
                    top.vertex(),
                    memory.vertex());
            g.addVertex("decoder_with_context", new MergeVertex(), top.vertex(), ATTENTION_CONTEXT);
            top = new Top("decoder_with_context", top.size() + memory.size());
        }
        g.addLayer(
                OUTPUT,
                withInputDropout(new RnnOutput.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(top.size())
                        .nOut(targetVocabulary)
                        .build()),
                top.vertex());
        return g.setOutputs(OUTPUT)
                // The target's size either way: one-hot columns, or the embedding's nIn (see inputType()).
                .setInputTypes(inputType(), InputType.recurrent(targetVocabulary))
                .build();
    }
}
