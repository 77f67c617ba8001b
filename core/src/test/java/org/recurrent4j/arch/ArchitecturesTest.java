package org.recurrent4j.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.testing.DoublePrecision;

/**
 * Every structure with several cells: it builds, passes a double-precision gradient check with
 * padded sequences, and survives JSON and {@code ModelSerializer}.
 */
@ExtendWith(DoublePrecision.class)
class ArchitecturesTest {

    private static final int B = 3;
    private static final int F = 3;
    private static final int T = 5;
    private static final int CLASSES = 4;

    /** One case: a configuration, its inputs, masks and labels. */
    record Case(
            String name,
            ComputationGraphConfiguration conf,
            INDArray[] inputs,
            INDArray[] masks,
            INDArray[] labels,
            INDArray[] labelMasks) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static INDArray sequence(int features, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, B, features, steps).subi(0.5);
    }

    /** Example 0 full, example 1 one step shorter, example 2 two steps shorter (padding at the end). */
    private static INDArray mask(int steps) {
        INDArray m = Nd4j.ones(DataType.DOUBLE, B, steps);
        m.putScalar(1, steps - 1, 0);
        m.putScalar(2, steps - 1, 0);
        m.putScalar(2, steps - 2, 0);
        return m;
    }

    private static INDArray oneHot(int classes, int steps, long seed) {
        java.util.Random r = new java.util.Random(seed);
        INDArray y =
                steps == 0 ? Nd4j.zeros(DataType.DOUBLE, B, classes) : Nd4j.zeros(DataType.DOUBLE, B, classes, steps);
        for (int b = 0; b < B; b++) {
            if (steps == 0) {
                y.putScalar(b, r.nextInt(classes), 1);
            } else {
                for (int t = 0; t < steps; t++) {
                    y.putScalar(b, r.nextInt(classes), t, 1);
                }
            }
        }
        return y;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : List.of(CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU, CellTypes.SRU)) {
            for (Case c : cases(cell)) {
                out.add(Arguments.of(c));
            }
        }
        out.add(Arguments.of(imageCaptioner()));
        return out.stream();
    }

    /** 1→N from an image: a Recurrent2d encoder, max pooled, into the initial state and every step. */
    private static Case imageCaptioner() {
        INDArray x = sequence(F, T, 1);
        INDArray m = mask(T);
        Nd4j.getRandom().setSeed(8);
        INDArray images = Nd4j.rand(DataType.DOUBLE, B, 2, 2, 4).subi(0.5);
        return new Case(
                "GRU image->N, Recurrent2d encoder, INITIAL_STATE and EVERY_STEP",
                new OneToMany()
                        .imageEncoder(
                                InputType.convolutional(2, 4, 2),
                                new Recurrent2d.Builder(
                                                new Rnn.Builder().nOut(2).build())
                                        .composition(Recurrent2d.Composition.RENET)
                                        .build(),
                                new GlobalPoolingLayer(PoolingType.MAX))
                        .features(F)
                        .cell(CellTypes.GRU)
                        .hidden(3)
                        .feed(OneToMany.Feed.INITIAL_STATE, OneToMany.Feed.EVERY_STEP)
                        .classes(CLASSES)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .build(),
                new INDArray[] {images, x},
                new INDArray[] {null, m},
                new INDArray[] {oneHot(CLASSES, T, 4)},
                new INDArray[] {m});
    }

    private static List<Case> cases(CellType cell) {
        List<Case> cases = new ArrayList<>();
        INDArray x = sequence(F, T, 1);
        INDArray m = mask(T);
        cases.add(new Case(
                cell.id() + " N->N stacked residual",
                new SequenceLabeler()
                        .features(F)
                        .cell(cell)
                        .hidden(4, 4)
                        .residual(true)
                        .classes(CLASSES)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .build(),
                new INDArray[] {x},
                new INDArray[] {m},
                new INDArray[] {oneHot(CLASSES, T, 2)},
                new INDArray[] {m}));
        cases.add(new Case(
                cell.id() + " N->N bidirectional concat",
                new SequenceLabeler()
                        .features(F)
                        .cell(cell)
                        .hidden(3)
                        .bidirectional(Bidirectional.Mode.CONCAT)
                        .classes(CLASSES)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .build(),
                new INDArray[] {x},
                new INDArray[] {m},
                new INDArray[] {oneHot(CLASSES, T, 2)},
                new INDArray[] {m}));
        for (SequenceClassifier.Pooling pooling : SequenceClassifier.Pooling.values()) {
            cases.add(new Case(
                    cell.id() + " N->1 bidirectional " + pooling,
                    new SequenceClassifier()
                            .features(F)
                            .cell(cell)
                            .hidden(3, 3)
                            .bidirectional(Bidirectional.Mode.ADD)
                            .pooling(pooling)
                            .classes(CLASSES)
                            .dataType(DataType.DOUBLE)
                            .updater(new NoOp())
                            .build(),
                    new INDArray[] {x},
                    new INDArray[] {m},
                    new INDArray[] {oneHot(CLASSES, 0, 3)},
                    null));
        }
        INDArray vector = Nd4j.rand(DataType.DOUBLE, B, 2).subi(0.5);
        for (OneToMany.Feed feed : OneToMany.Feed.values()) {
            cases.add(new Case(
                    cell.id() + " 1->N " + feed,
                    new OneToMany()
                            .vectorSize(2)
                            .features(F)
                            .cell(cell)
                            .hidden(4)
                            .feed(feed)
                            .classes(CLASSES)
                            .dataType(DataType.DOUBLE)
                            .updater(new NoOp())
                            .build(),
                    new INDArray[] {vector, x},
                    new INDArray[] {null, m},
                    new INDArray[] {oneHot(CLASSES, T, 4)},
                    new INDArray[] {m}));
        }
        int target = 5;
        INDArray decoderInput = oneHot(target, 4, 5);
        INDArray targetMask = mask(4);
        for (EncoderDecoder.Context context : EncoderDecoder.Context.values()) {
            cases.add(new Case(
                    cell.id() + " N->M " + context + " bidirectional encoder",
                    new EncoderDecoder()
                            .features(F)
                            .targetOneHot(target)
                            .cell(cell)
                            .hidden(3)
                            .bidirectional(Bidirectional.Mode.CONCAT)
                            .decoderHidden(4)
                            .context(context)
                            .dataType(DataType.DOUBLE)
                            .updater(new NoOp())
                            .build(),
                    new INDArray[] {x, decoderInput},
                    new INDArray[] {m, targetMask},
                    new INDArray[] {oneHot(target, 4, 6)},
                    new INDArray[] {targetMask}));
        }
        cases.add(new Case(
                cell.id() + " N->M attention, stacked residual encoder",
                attention(cell)
                        .hidden(3, 3)
                        .residual(true)
                        .context(EncoderDecoder.Context.INITIAL_STATE)
                        .build(),
                new INDArray[] {x, decoderInput},
                new INDArray[] {m, targetMask},
                new INDArray[] {oneHot(target, 4, 6)},
                new INDArray[] {targetMask}));
        cases.add(new Case(
                cell.id() + " N->M attention, bidirectional encoder",
                attention(cell)
                        .hidden(3)
                        .bidirectional(Bidirectional.Mode.CONCAT)
                        .context(EncoderDecoder.Context.EVERY_STEP)
                        .build(),
                new INDArray[] {x, decoderInput},
                new INDArray[] {m, targetMask},
                new INDArray[] {oneHot(target, 4, 6)},
                new INDArray[] {targetMask}));
        return cases;
    }

    private static EncoderDecoder attention(CellType cell) {
        return new EncoderDecoder()
                .features(F)
                .targetOneHot(5)
                .cell(cell)
                .decoderHidden(4)
                .attention(true)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void passesTheGradientCheck(Case c) {
        ComputationGraph net = new ComputationGraph(c.conf());
        net.init();
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(net)
                .inputs(c.inputs())
                .labels(c.labels())
                .inputMask(c.masks())
                .labelMask(c.labelMasks())
                .epsilon(1e-6)
                .maxRelError(1e-5)
                // Components below 1e-8 in both are compared absolutely: central differences of a loss
                // summed over DL4J's merge and dense vertices carry ~1e-9 of rounding there.
                .minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, c.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void survivesJsonAndModelSerializer(Case c, @TempDir Path dir) throws Exception {
        assertEquals(c.conf(), ComputationGraphConfiguration.fromJson(c.conf().toJson()));
        ComputationGraph net = new ComputationGraph(c.conf());
        net.init();
        net.setLayerMaskArrays(c.masks(), null);
        INDArray before = net.output(false, c.inputs(), c.masks())[0];
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(before, restored.output(false, c.inputs(), c.masks())[0]);
    }

    /**
     * The bidirectional N→1 reads each direction's final state at the real end of its sequence:
     * a padded example gets exactly what it gets alone, unpadded.
     */
    @Test
    void bidirectionalLastStepIgnoresPadding() {
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(F)
                .cell(CellTypes.GRU)
                .hidden(4)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .classes(CLASSES)
                .dataType(DataType.DOUBLE)
                .build());
        net.init();
        INDArray x = sequence(F, T, 9);
        INDArray m = mask(T);
        INDArray padded = net.output(false, new INDArray[] {x}, new INDArray[] {m})[0];
        INDArray alone = net.output(x.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, T - 2)))[0];
        assertEquals(0.0, padded.getRow(2).sub(alone.getRow(0)).amaxNumber().doubleValue(), 1e-12);
        // ...and the backward direction matters: reversing the real steps changes the output.
        INDArray reversed = x.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 3),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, T - 2))
                .dup();
        INDArray flipped =
                Nd4j.reverse(reversed.permute(2, 0, 1)).permute(1, 2, 0).dup();
        assertTrue(net.output(flipped)[0].sub(alone).amaxNumber().doubleValue() > 1e-6);
    }

    /**
     * Attention weighs only the real source steps: whatever the padded steps hold, the output is the
     * same; and it does read the real ones.
     */
    @Test
    void attentionIgnoresPaddedSourceSteps() {
        ComputationGraph net = new ComputationGraph(attention(CellTypes.GRU)
                .hidden(3)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .build());
        net.init();
        INDArray x = sequence(F, T, 11);
        INDArray m = mask(T);
        INDArray decoderInput = oneHot(5, 4, 12);
        INDArray[] masks = {m, mask(4)};
        INDArray before = net.output(false, new INDArray[] {x, decoderInput}, masks)[0];
        INDArray noisy = x.dup();
        INDArray noise = sequence(F, T, 13).muli(100);
        noisy.muli(m.reshape(B, 1, T)).addi(noise.muli(m.rsub(1).reshape(B, 1, T)));
        assertTrue(noisy.sub(x).amaxNumber().doubleValue() > 1, "the padded steps changed");
        INDArray after = net.output(false, new INDArray[] {noisy, decoderInput}, masks)[0];
        assertEquals(0.0, after.sub(before).amaxNumber().doubleValue(), 1e-12);
        INDArray changedRealStep = x.dup();
        changedRealStep
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                .addi(1);
        INDArray changed = net.output(false, new INDArray[] {changedRealStep, decoderInput}, masks)[0];
        assertTrue(changed.sub(before).amaxNumber().doubleValue() > 1e-6);
    }

    /**
     * Token input reaches the embedding with the vocabulary as its size: DL4J's graph builder
     * overrides each layer's {@code nIn} from the declared input types, and an input declared as
     * one index column once made every embedding accept only index 0.
     */
    @Test
    void tokenInputsAcceptTheWholeVocabulary() {
        int vocabulary = 7;
        INDArray last = Nd4j.valueArrayOf(new long[] {B, 1, T}, vocabulary - 1.0, DataType.DOUBLE);
        ComputationGraph labeler = new ComputationGraph(new SequenceLabeler()
                .tokens(vocabulary, 4)
                .hidden(5)
                .classes(vocabulary)
                .languageModel(true)
                .dataType(DataType.DOUBLE)
                .build());
        labeler.init();
        assertArrayEquals(
                new long[] {B, vocabulary, T}, labeler.outputSingle(last).shape());
        ComputationGraph classifier = new ComputationGraph(new SequenceClassifier()
                .tokens(vocabulary, 4)
                .hidden(5)
                .classes(2)
                .dataType(DataType.DOUBLE)
                .build());
        classifier.init();
        assertArrayEquals(new long[] {B, 2}, classifier.outputSingle(last).shape());
        ComputationGraph seq2seq = new ComputationGraph(new EncoderDecoder()
                .tokens(vocabulary, 4)
                .targetTokens(vocabulary + 2, 3)
                .hidden(5)
                .attention(true)
                .dataType(DataType.DOUBLE)
                .build());
        seq2seq.init();
        INDArray target = Nd4j.valueArrayOf(new long[] {B, 1, 2}, vocabulary + 1.0, DataType.DOUBLE);
        assertArrayEquals(new long[] {B, vocabulary + 2, 2}, seq2seq.output(last, target)[0].shape());
    }

    @Test
    void badConfigurationsFailWhenBuiltWithTheValue() {
        assertMessage(
                () -> new SequenceLabeler().features(F).hidden().classes(2).build(), "got 0 layers");
        assertMessage(
                () -> new SequenceLabeler().features(F).hidden(4, 0).classes(2).build(), "layer 1 has size 0");
        assertMessage(() -> new SequenceLabeler().hidden(4).classes(2).build(), "the input is not set");
        assertMessage(() -> new SequenceLabeler().features(F).hidden(4).build(), "the output is not set");
        assertMessage(
                () -> new SequenceLabeler()
                        .features(F)
                        .hidden(8, 16)
                        .residual(true)
                        .classes(2)
                        .build(),
                "layer 1 has size 16 but its input (layer 0) has size 8");
        assertMessage(
                () -> new SequenceLabeler()
                        .tokens(20, 8)
                        .hidden(8)
                        .bidirectional(Bidirectional.Mode.CONCAT)
                        .classes(20)
                        .languageModel(true)
                        .build(),
                "bidirectional language model");
        assertMessage(
                () -> new SequenceLabeler().features(F).dropout(1.0).classes(2).build(), "got 1.0");
        assertMessage(
                () -> new SequenceLabeler()
                        .features(F)
                        .inputDropout(-0.1)
                        .classes(2)
                        .build(),
                "inputDropout must be in [0, 1), got -0.1");
        assertMessage(
                () -> new SequenceClassifier()
                        .features(F)
                        .pooling(null)
                        .classes(2)
                        .build(),
                "LAST, MEAN or MAX");
        assertMessage(() -> new SequenceClassifier().features(F).classes(1).build(), "got 1");
        assertMessage(
                () -> new OneToMany()
                        .vectorSize(2)
                        .features(1)
                        .cell(CellTypes.DL4J_LSTM)
                        .feed(OneToMany.Feed.INITIAL_STATE)
                        .classes(3)
                        .build(),
                "dl4j_lstm");
        assertMessage(() -> new OneToMany().features(1).classes(3).build(), "vectorSize");
        assertMessage(() -> new EncoderDecoder().features(F).build(), "target vocabulary");
        assertMessage(
                () -> new EncoderDecoder()
                        .features(F)
                        .targetOneHot(5)
                        .decoderHidden(4, 0)
                        .build(),
                "decoderHidden: layer 1 has size 0");
        assertMessage(() -> CellTypes.named("transformer"), "unknown cell 'transformer'");
    }

    private static void assertMessage(Supplier<?> build, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
