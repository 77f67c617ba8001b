package org.recurrent4j.examples.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.OneToMany;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.images.ShapeScenes;

/**
 * Image captioning (1→N) on {@link ShapeScenes}: a 2-D-RNN encoder (ReNet sweeps over p×p patches:
 * every patch's output depends on the whole image) whose grid of outputs a dense layer turns into
 * the image's features, which start the caption decoder ({@link OneToMany.Feed#INITIAL_STATE}) and
 * are fed to it at every step ({@link OneToMany.Feed#EVERY_STEP}); trained by teacher forcing,
 * decoded greedily or by beam search with the stepped {@link SequenceDecoder}.
 *
 * <p>Why a dense layer over the grid rather than global pooling: the caption names the upper (or
 * left) shape first, so the features must keep where each shape is; pooling over the grid keeps
 * what is there but only indirectly where. With the same encoder and decoder, max pooling reached
 * a held-out exact match well below the dense layer's in the same number of steps (see
 * docs/images.md).
 *
 * <pre>
 *   image [B, 3, 16, 16] → ReNet(cell, H_e per direction, p×p patches) [B, 2·H_e, 16/p, 16/p]
 *       → dense(F, ReLU) [B, F] → h_0 = tanh(W_s f + b_s);  x_t = [one-hot(w_{t−1}); f]
 *       → decoder(cell, H_d) → softmax over the words [B, V, T]
 * </pre>
 *
 * <p>{@code recurrent4j image caption} trains and scores it; {@link #main} is the same loop in
 * plain form:
 *
 * <pre>
 *   java -cp ... org.recurrent4j.examples.images.ShapeCaptioning [steps [every [scored [dense|max]]]]
 * </pre>
 */
public final class ShapeCaptioning {

    /** Images captioned together: the decoder runs them (and their beams) as one batch. */
    private static final int BATCH = 64;

    private ShapeCaptioning() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int every = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int scored = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        boolean pooled = args.length > 3 && args[3].equals("max");
        org.recurrent4j.seq2seq.HeldOutSplit split = org.recurrent4j.seq2seq.HeldOutSplit.of(CaptionTraining.HELD_OUT);
        ShapeScenes scenes = new ShapeScenes(split);
        CaptionTraining.HeldOutScenes test = CaptionTraining.HeldOutScenes.draw(scenes, scored, 8);
        ComputationGraph net = new ComputationGraph(
                pooled
                        ? pooledCaptioner(CellTypes.GRU, 24, 2, 96, 3e-3, 7)
                        : captioner(CellTypes.GRU, 24, 2, 128, 96, 3e-3, 7));
        net.init();
        System.out.printf(Locale.ROOT, "%,d parameters%n", net.numParams());
        long nanos = 0;
        for (int done = 0; done < steps; done += every) {
            long t0 = System.nanoTime();
            net.fit(new org.recurrent4j.images.SceneCaptions(
                    scenes,
                    org.recurrent4j.seq2seq.HeldOutSplit.Part.TRAINING,
                    32,
                    every,
                    7 * 1_000_003L + done / every));
            nanos += System.nanoTime() - t0;
            System.out.printf(
                    Locale.ROOT,
                    "step %5d (%.0f s): held-out exact match greedy %.3f, beam(3) %.3f%n",
                    done + every,
                    nanos / 1e9,
                    test.exactMatch(net, 1),
                    test.exactMatch(net, 3));
        }
    }

    /**
     * The captioner's configuration.
     *
     * @param cell the encoder's sweeps' and the decoder's cell
     * @param encoderHidden the encoder's units per direction
     * @param patch the side of the encoder's patches (divides 16)
     * @param features the size of the image's feature vector
     * @param decoderHidden the decoder's units
     */
    public static ComputationGraphConfiguration captioner(
            CellType cell,
            int encoderHidden,
            int patch,
            int features,
            int decoderHidden,
            double learningRate,
            long seed) {
        return captioner(
                cell,
                encoderHidden,
                patch,
                new DenseLayer.Builder()
                        .nOut(features)
                        .activation(Activation.RELU)
                        .build(),
                decoderHidden,
                learningRate,
                seed);
    }

    private static ComputationGraphConfiguration captioner(
            CellType cell,
            int encoderHidden,
            int patch,
            Layer features,
            int decoderHidden,
            double learningRate,
            long seed) {
        int vocabulary = ShapeScenes.vocabulary().size();
        if (!(cell.layer(1, encoderHidden) instanceof RecurrentCellLayer sweeps)) {
            throw new IllegalArgumentException("cell: " + cell.id()
                    + " is DL4J's own layer; the encoder's sweeps need one of this project's cells");
        }
        return new OneToMany()
                .imageEncoder(
                        InputType.convolutional(ShapeScenes.SIZE, ShapeScenes.SIZE, 3),
                        new Recurrent2d.Builder(sweeps)
                                .composition(Recurrent2d.Composition.RENET)
                                .patchSize(patch)
                                .build(),
                        features)
                .features(vocabulary)
                .cell(cell)
                .hidden(decoderHidden)
                .feed(OneToMany.Feed.INITIAL_STATE, OneToMany.Feed.EVERY_STEP)
                .classes(vocabulary)
                .updater(new Adam(learningRate))
                .seed(seed)
                .build();
    }

    /**
     * The captioner with global max pooling over the encoder's grid in place of the dense layer
     * (the comparison in docs/images.md): the image's features are the {@code 2·encoderHidden}
     * channel maxima.
     */
    public static ComputationGraphConfiguration pooledCaptioner(
            CellType cell, int encoderHidden, int patch, int decoderHidden, double learningRate, long seed) {
        return captioner(
                cell, encoderHidden, patch, new GlobalPoolingLayer(PoolingType.MAX), decoderHidden, learningRate, seed);
    }

    /**
     * The model's caption of each image {@code [N, 3, 16, 16]}, greedy ({@code width} 1) or by beam
     * search, decoded in batches. A token sequence that is not a caption's words (it holds {@code
     * <start>}) is shown with the token's name.
     */
    public static List<String> captions(ComputationGraph net, INDArray images, int width) {
        SequenceDecoder decoder =
                SequenceDecoder.oneHot(net, ShapeScenes.vocabulary().size(), ShapeScenes.START, ShapeScenes.END);
        int n = (int) images.size(0);
        List<String> captions = new ArrayList<>(n);
        for (int from = 0; from < n; from += BATCH) {
            INDArray batch = images.get(NDArrayIndex.interval(from, Math.min(n, from + BATCH)))
                    .dup();
            List<int[]> tokens = new ArrayList<>();
            if (width == 1) {
                tokens.addAll(decoder.greedyBatch(batch, null, ShapeScenes.MAX_TOKENS + 2));
            } else {
                decoder.beamBatch(batch, null, width, ShapeScenes.MAX_TOKENS + 2)
                        .forEach(best -> tokens.add(best.get(0).tokens()));
            }
            for (int[] t : tokens) {
                StringJoiner words = new StringJoiner(" ");
                for (int token : t) {
                    words.add(ShapeScenes.vocabulary().get(token));
                }
                captions.add(words.toString());
            }
        }
        return captions;
    }
}
