package org.recurrent4j.examples.images;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.OneToMany;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.images.SceneCaptions;
import org.recurrent4j.images.ShapeScenes;
import org.recurrent4j.seq2seq.HeldOutSplit;

/**
 * Image captioning (1→N) on {@link ShapeScenes}: a 2-D-RNN encoder (ReNet GRU sweeps over 2×2
 * patches, global max pooling) whose features start the GRU caption decoder and are fed to it at
 * every step, trained by teacher forcing on the training scenes, scored by beam search on scenes
 * whose combination never appeared in training: the share of held-out captions exactly right.
 *
 * <pre>
 *   java -cp ... org.recurrent4j.examples.images.ShapeCaptioning [steps [encoderHidden [decoderHidden
 *       [every [scored]]]]]
 * </pre>
 *
 * <p>Defaults: 3,000 steps of 32 scenes, encoder GRU 24 per direction, decoder GRU 96, Adam 3e-3.
 * Every {@code every} (500) steps it prints the held-out exact match, greedy and beam 3, on {@code
 * scored} (500) drawings of held-out scenes.
 */
public final class ShapeCaptioning {

    private ShapeCaptioning() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int encoderHidden = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        int decoderHidden = args.length > 2 ? Integer.parseInt(args[2]) : 96;
        int every = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        int scored = args.length > 4 ? Integer.parseInt(args[4]) : 500;
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
        System.out.printf(
                Locale.ROOT,
                "%d training scenes, %d held out%n",
                scenes.scenes(HeldOutSplit.Part.TRAINING).size(),
                scenes.scenes(HeldOutSplit.Part.HELD_OUT).size());
        ComputationGraph net = new ComputationGraph(captioner(encoderHidden, decoderHidden, 3e-3, 7));
        net.init();
        System.out.printf(Locale.ROOT, "%d parameters%n", net.numParams());
        long nanos = 0;
        for (int done = 0; done < steps; done += every) {
            long t0 = System.nanoTime();
            net.fit(new SceneCaptions(scenes, HeldOutSplit.Part.TRAINING, 32, every, 1000 + done));
            nanos += System.nanoTime() - t0;
            System.out.printf(
                    Locale.ROOT,
                    "step %5d (%.0f s): held-out exact match greedy %.1f%%, beam(3) %.1f%%%n",
                    done + every,
                    nanos / 1e9,
                    100 * exactMatch(net, scenes, scored, 1, 5),
                    100 * exactMatch(net, scenes, scored, 3, 5));
        }
    }

    /** The captioner: a ReNet GRU encoder over 2×2 patches, max pooled, into a GRU decoder. */
    public static ComputationGraphConfiguration captioner(
            int encoderHidden, int decoderHidden, double learningRate, long seed) {
        int vocabulary = ShapeScenes.vocabulary().size();
        return new OneToMany()
                .imageEncoder(
                        InputType.convolutional(ShapeScenes.SIZE, ShapeScenes.SIZE, 3),
                        new Recurrent2d.Builder(
                                        new Gru.Builder().nOut(encoderHidden).build())
                                .composition(Recurrent2d.Composition.RENET)
                                .patchSize(2)
                                .build(),
                        new GlobalPoolingLayer(PoolingType.MAX))
                .features(vocabulary)
                .cell(CellTypes.GRU)
                .hidden(decoderHidden)
                .feed(OneToMany.Feed.INITIAL_STATE, OneToMany.Feed.EVERY_STEP)
                .classes(vocabulary)
                .updater(new Adam(learningRate))
                .seed(seed)
                .build();
    }

    /** The share of {@code count} held-out drawings whose decoded caption is exactly right. */
    public static double exactMatch(ComputationGraph net, ShapeScenes scenes, int count, int beam, long seed) {
        SequenceDecoder decoder =
                SequenceDecoder.oneHot(net, ShapeScenes.vocabulary().size(), ShapeScenes.START, ShapeScenes.END);
        Random random = new Random(seed);
        int right = 0;
        for (int i = 0; i < count; i++) {
            ShapeScenes.Scene scene = scenes.draw(HeldOutSplit.Part.HELD_OUT, random);
            INDArray image = scenes.render(scene, random).reshape(1, 3, ShapeScenes.SIZE, ShapeScenes.SIZE);
            List<SequenceDecoder.Hypothesis> best = decoder.beam(image, null, beam, ShapeScenes.MAX_TOKENS);
            int[] tokens = best.get(0).tokens();
            boolean words = java.util.Arrays.stream(tokens).allMatch(t -> t >= 2);
            if (words && ShapeScenes.decode(tokens).equals(scene.caption())) {
                right++;
            }
        }
        return right / (double) count;
    }
}
