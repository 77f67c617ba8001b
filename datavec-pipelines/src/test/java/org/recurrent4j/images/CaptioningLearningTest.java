package org.recurrent4j.images;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.CellType;
import org.recurrent4j.arch.OneToMany;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.synthetic.HeldOutSplit;

/**
 * A small captioner (a ReNet GRU encoder over 2×2 patches, max pooled, into a GRU decoder from its
 * initial state and at every step) learns to name what it sees in scenes it never saw: on held-out
 * scenes, the words that depend on the image — the two colours, the two shapes and the relation —
 * are predicted (teacher forced, argmax) at least {@value #BOUND} of the time. A model blind to the
 * image can reach at most about 0.33 there (colours 1/4, shapes 1/3, relation 1/2); the untrained
 * one is checked to be below the bound too.
 */
class CaptioningLearningTest {

    static final double BOUND = 0.6;
    private static final int STEPS = 250;

    @Test
    void heldOutScenesAreDescribed() {
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
        int vocabulary = ShapeScenes.vocabulary().size();
        ComputationGraph net = new ComputationGraph(new OneToMany()
                .imageEncoder(
                        InputType.convolutional(ShapeScenes.SIZE, ShapeScenes.SIZE, 3),
                        new Recurrent2d.Builder(new Gru.Builder().nOut(8).build())
                                .composition(Recurrent2d.Composition.RENET)
                                .patchSize(2)
                                .build(),
                        new GlobalPoolingLayer(PoolingType.MAX))
                .features(vocabulary)
                .cell(CellType.GRU)
                .hidden(32)
                .feed(OneToMany.Feed.INITIAL_STATE, OneToMany.Feed.EVERY_STEP)
                .classes(vocabulary)
                .updater(new Adam(0.01))
                .seed(3)
                .build());
        net.init();
        List<ShapeScenes.Scene> heldOut = new ArrayList<>();
        Random draw = new Random(11);
        for (int i = 0; i < 200; i++) {
            heldOut.add(scenes.draw(HeldOutSplit.Part.HELD_OUT, draw));
        }
        MultiDataSet test = SceneCaptions.batch(scenes, heldOut, new Random(12));
        double before = contentAccuracy(net, test);
        net.fit(new SceneCaptions(scenes, HeldOutSplit.Part.TRAINING, 32, STEPS, 1));
        double after = contentAccuracy(net, test);
        String report =
                String.format("held-out image words: %.3f untrained, %.3f after %d steps", before, after, STEPS);
        System.out.println("CaptioningLearningTest: " + report);
        assertTrue(before < BOUND, report);
        assertTrue(after >= BOUND, report);
    }

    /** The share of colour, shape and relation words predicted right, teacher forced. */
    private static double contentAccuracy(ComputationGraph net, MultiDataSet batch) {
        INDArray out = net.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays())[0];
        Set<Integer> content = new java.util.HashSet<>();
        for (String w : List.of("red", "green", "blue", "yellow", "circle", "square", "triangle", "above", "left")) {
            content.add(ShapeScenes.vocabulary().indexOf(w));
        }
        INDArray labels = batch.getLabels(0);
        int right = 0;
        int total = 0;
        for (int b = 0; b < labels.size(0); b++) {
            for (int t = 0; t < labels.size(2); t++) {
                if (batch.getLabelsMaskArray(0).getDouble(b, t) == 0) {
                    continue;
                }
                int expected = argmax(labels, b, t);
                if (content.contains(expected)) {
                    total++;
                    right += argmax(out, b, t) == expected ? 1 : 0;
                }
            }
        }
        return right / (double) total;
    }

    private static int argmax(INDArray x, int b, int t) {
        int best = 0;
        for (int v = 1; v < x.size(1); v++) {
            if (x.getDouble(b, v, t) > x.getDouble(b, best, t)) {
                best = v;
            }
        }
        return best;
    }
}
