package org.recurrent4j.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Gru;

/**
 * The stepped decoder writes what the decoder that re-runs the whole graph for every token wrote
 * ({@link RecomputingDecoder}, the decoder before it stepped): token for token, with the same log
 * probabilities, for every cell, both ways the context reaches the decoder, with and without
 * attention, bidirectional and stacked encoders, one-hot and index inputs, padded sources; greedy,
 * beam and sampled; several sources decoded as one batch against each decoded alone.
 */
class SequenceDecoderTest {

    private static final int F = 5;
    private static final int V = 7;
    private static final int START = 5;
    private static final int END = 6;
    /** The sources' lengths: one full, two padded. */
    private static final int[] LENGTHS = {6, 4, 2};

    private static final int MAX_LENGTH = 5;

    record Case(String name, EncoderDecoder builder) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (CellType cell : List.of(
                CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU, CellTypes.QRNN, CellTypes.SRU, CellTypes.ONLSTM)) {
            cases.add(new Case(cell.id() + " initial state", base(cell).context(EncoderDecoder.Context.INITIAL_STATE)));
            cases.add(new Case(
                    cell.id() + " every step, attention",
                    base(cell).context(EncoderDecoder.Context.EVERY_STEP).attention(true)));
        }
        cases.add(new Case(
                "lstm initial state, attention, bidirectional encoder, two residual decoder layers, dropout",
                base(CellTypes.LSTM)
                        .hidden(6, 6)
                        .bidirectional(Bidirectional.Mode.CONCAT)
                        .decoderHidden(8, 8)
                        .residual(true)
                        .dropout(0.3)
                        .attention(true)));
        cases.add(new Case(
                "dl4j lstm every step, attention",
                base(CellTypes.DL4J_LSTM)
                        .context(EncoderDecoder.Context.EVERY_STEP)
                        .attention(true)));
        cases.add(new Case(
                "dl4j simple rnn every step",
                base(CellTypes.DL4J_SIMPLE_RNN).context(EncoderDecoder.Context.EVERY_STEP)));
        cases.add(new Case(
                "qrnn every step, bidirectional (add) encoder",
                base(CellTypes.QRNN).bidirectional(Bidirectional.Mode.ADD).context(EncoderDecoder.Context.EVERY_STEP)));
        return cases.stream();
    }

    private static EncoderDecoder base(CellType cell) {
        return new EncoderDecoder()
                .features(F)
                .targetOneHot(V)
                .cell(cell)
                .hidden(6)
                .decoderHidden(8)
                .seed(11);
    }

    /** A random model with a sharp output layer: peaked distributions, so END comes at different steps. */
    private static ComputationGraph sharpened(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        graph.getLayer(EncoderDecoder.OUTPUT).getParam("W").muli(6);
        return graph;
    }

    private static INDArray sources(DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(type, LENGTHS.length, F, LENGTHS[0]).subi(0.5).muli(2);
        return x.muli(masks(type).reshape(LENGTHS.length, 1, LENGTHS[0]));
    }

    private static INDArray masks(DataType type) {
        INDArray m = Nd4j.zeros(type, LENGTHS.length, LENGTHS[0]);
        for (int i = 0; i < LENGTHS.length; i++) {
            for (int t = 0; t < LENGTHS[i]; t++) {
                m.putScalar(i, t, 1.0);
            }
        }
        return m;
    }

    private static INDArray row(INDArray a, int i) {
        return a.get(NDArrayIndex.interval(i, i + 1)).dup();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writesWhatTheFullPassWrites(Case c) {
        ComputationGraph graph = sharpened(c.builder().build());
        INDArray x = sources(DataType.FLOAT, 3);
        INDArray m = masks(DataType.FLOAT);
        assertSameAsReference(graph, x, m, SequenceDecoder.oneHot(graph, V, START, END), 1e-4);
    }

    @Test
    void writesWhatTheFullPassWritesInDoublePrecisionToTheLastDigits() {
        ComputationGraph graph = sharpened(base(CellTypes.LSTM)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .attention(true)
                .dataType(DataType.DOUBLE)
                .build());
        assertSameAsReference(
                graph,
                sources(DataType.DOUBLE, 4),
                masks(DataType.DOUBLE),
                SequenceDecoder.oneHot(graph, V, START, END),
                1e-10);
    }

    @Test
    void decodesTokenInputThroughEmbeddings() {
        ComputationGraph graph = sharpened(new EncoderDecoder()
                .tokens(9, 4)
                .targetTokens(V, 3)
                .cell(CellTypes.GRU)
                .hidden(6)
                .attention(true)
                .seed(5)
                .build());
        Nd4j.getRandom().setSeed(8);
        INDArray m = masks(DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, LENGTHS.length, 1, LENGTHS[0])
                .muli(9)
                .castTo(DataType.INT32)
                .castTo(DataType.FLOAT)
                .muli(m.reshape(LENGTHS.length, 1, LENGTHS[0]));
        SequenceDecoder stepped = SequenceDecoder.indices(graph, V, START, END);
        assertSameAsReference(graph, x, m, stepped, 1e-4);
    }

    /**
     * A model trained to reverse its source (so that its answers end with END where they should):
     * the stepped decoder's answers equal the reference's and are mostly right.
     */
    @Test
    void writesWhatTheFullPassWritesForATrainedModel() {
        int digits = 3;
        int length = 3;
        ComputationGraph graph = new ComputationGraph(new EncoderDecoder()
                .features(digits)
                .targetOneHot(digits + 2)
                .cell(CellTypes.LSTM)
                .hidden(16)
                .attention(true)
                .updater(new Adam(0.05))
                .seed(1)
                .build());
        graph.init();
        Random random = new Random(2);
        INDArray test = reversal(random, 8, digits, length)[0];
        int start = digits;
        int end = digits + 1;
        SequenceDecoder decoder = SequenceDecoder.oneHot(graph, digits + 2, start, end);
        double before = reversed(decoder.greedyBatch(test, null, length + 2), test);
        for (int step = 0; step < 50; step++) {
            INDArray[] batch = reversal(random, 32, digits, length);
            graph.fit(new MultiDataSet(new INDArray[] {batch[0], batch[1]}, new INDArray[] {batch[2]}));
        }
        double after = reversed(decoder.greedyBatch(test, null, length + 2), test);
        assertTrue(before < 0.3, "untrained, " + before + " of the sources were reversed");
        assertTrue(after >= 0.75, "trained, only " + after + " of the sources were reversed");
        RecomputingDecoder reference = RecomputingDecoder.oneHot(graph, digits + 2, start, end);
        List<List<SequenceDecoder.Hypothesis>> beams = decoder.beamBatch(test, null, 3, length + 2);
        for (int i = 0; i < test.size(0); i++) {
            assertSameHypotheses(reference.beam(row(test, i), null, 3, length + 2), beams.get(i), 1e-4, "beam " + i);
        }
    }

    /** Random digit sequences, the decoder input (START, reversed digits) and the labels (reversed digits, END). */
    private static INDArray[] reversal(Random random, int batch, int digits, int length) {
        INDArray source = Nd4j.zeros(DataType.FLOAT, batch, digits, length);
        INDArray input = Nd4j.zeros(DataType.FLOAT, batch, digits + 2, length + 1);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, digits + 2, length + 1);
        for (int b = 0; b < batch; b++) {
            input.putScalar(b, digits, 0, 1);
            labels.putScalar(b, digits + 1, length, 1);
            for (int t = 0; t < length; t++) {
                int d = random.nextInt(digits);
                source.putScalar(b, d, t, 1);
                input.putScalar(b, d, length - t, 1);
                labels.putScalar(b, d, length - 1 - t, 1);
            }
        }
        return new INDArray[] {source, input, labels};
    }

    /** The share of sources whose answer is the source reversed. */
    private static double reversed(List<int[]> answers, INDArray sources) {
        int right = 0;
        for (int b = 0; b < answers.size(); b++) {
            int length = (int) sources.size(2);
            int[] expected = new int[length];
            for (int t = 0; t < length; t++) {
                expected[length - 1 - t] = sources.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(t))
                        .argMax()
                        .getInt(0);
            }
            right += Arrays.equals(expected, answers.get(b)) ? 1 : 0;
        }
        return right / (double) answers.size();
    }

    /** Greedy, beam and sampled decoding, each source alone and all as one batch, against the reference. */
    private static void assertSameAsReference(
            ComputationGraph graph, INDArray x, INDArray m, SequenceDecoder stepped, double tolerance) {
        RecomputingDecoder reference = x.size(1) == 1
                ? RecomputingDecoder.indices(graph, V, START, END)
                : RecomputingDecoder.oneHot(graph, V, START, END);
        List<int[]> greedy = stepped.greedyBatch(x, m, MAX_LENGTH);
        List<List<SequenceDecoder.Hypothesis>> beams = stepped.beamBatch(x, m, 3, MAX_LENGTH);
        TokenSampler sampler = TokenSampler.withTemperature(1.5);
        for (int i = 0; i < LENGTHS.length; i++) {
            INDArray source = row(x, i);
            INDArray mask = row(m, i);
            int[] expected = reference.greedy(source, mask, MAX_LENGTH);
            assertArrayEquals(expected, greedy.get(i), "greedy, source " + i + " in a batch");
            assertSameHypotheses(
                    reference.beam(source, mask, 3, MAX_LENGTH), beams.get(i), tolerance, "beam, source " + i);
            if (i == 1) {
                assertArrayEquals(expected, stepped.greedy(source, mask, MAX_LENGTH), "greedy, source " + i + " alone");
                assertArrayEquals(
                        reference.sample(source, mask, sampler, new Random(i), MAX_LENGTH),
                        stepped.sample(source, mask, sampler, new Random(i), MAX_LENGTH),
                        "sampled, source " + i);
            }
        }
        // Sampled as a batch: each step draws for the sources still writing, in order.
        List<int[]> drawn = stepped.sampleBatch(x, m, sampler, new Random(9), MAX_LENGTH);
        assertEquals(LENGTHS.length, drawn.size());
        for (int[] tokens : drawn) {
            assertTrue(tokens.length <= MAX_LENGTH);
            for (int token : tokens) {
                assertTrue(token != START && token != END && token >= 0 && token < V, "token " + token);
            }
        }
    }

    private static void assertSameHypotheses(
            List<SequenceDecoder.Hypothesis> expected,
            List<SequenceDecoder.Hypothesis> actual,
            double tolerance,
            String what) {
        assertEquals(expected.size(), actual.size(), what + ": hypotheses " + expected + " vs " + actual);
        for (int h = 0; h < expected.size(); h++) {
            SequenceDecoder.Hypothesis e = expected.get(h);
            SequenceDecoder.Hypothesis a = actual.get(h);
            assertEquals(e.logProbability(), a.logProbability(), tolerance, what + ", hypothesis " + h);
            assertEquals(e.score(), a.score(), tolerance, what + ", hypothesis " + h);
            // Hypotheses that tie within the tolerance may come in either order, or trade places with
            // one just outside the beam: rounding picks among exact ties (a sharpened model scores
            // permutations of the same tokens alike), and in float32 the two decoders round differently.
            boolean tied = false;
            for (int k = 0; k < expected.size(); k++) {
                tied |= k != h && Math.abs(expected.get(k).logProbability() - e.logProbability()) <= tolerance;
            }
            if (!tied) {
                assertArrayEquals(
                        e.tokens(), a.tokens(), what + ", hypothesis " + h + ": " + expected + " vs " + actual);
                assertEquals(e.ended(), a.ended(), what + ", hypothesis " + h);
            }
        }
    }

    @Test
    void leavesTheGraphsSteppingStateAsItWas() {
        ComputationGraph graph = sharpened(base(CellTypes.GRU).attention(true).build());
        INDArray h = Nd4j.rand(DataType.FLOAT, 2, 8);
        graph.rnnSetPreviousState("decoder_rnn0", Map.of("h", h));
        SequenceDecoder.oneHot(graph, V, START, END).beamBatch(sources(DataType.FLOAT, 1), masks(DataType.FLOAT), 2, 4);
        assertEquals(h, graph.rnnGetPreviousState("decoder_rnn0").get("h"));
    }

    @Test
    void refusesADecoderSideThatMixesTimeSteps() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .graphBuilder()
                .allowDisconnected(true)
                .addInputs("source", "target")
                .addLayer(
                        "encoder",
                        new LastTimeStep(new Gru.Builder().nIn(F).nOut(4).build()),
                        "source")
                .addLayer("decoder", new Gru.Builder().nIn(V).nOut(4).build(), "target")
                .addLayer(
                        "convolution",
                        new Convolution1DLayer.Builder(2).nIn(4).nOut(4).build(),
                        "decoder")
                .addLayer(
                        "output",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(4)
                                .nOut(V)
                                .build(),
                        "convolution")
                .setOutputs("output")
                .setInputTypes(InputType.recurrent(F), InputType.recurrent(V))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SequenceDecoder.oneHot(graph, V, START, END));
        assertTrue(e.getMessage().contains("\"convolution\" (Convolution1DLayer)"), e.getMessage());
    }

    @Test
    void badSourcesFailWithTheShape() {
        ComputationGraph graph = sharpened(base(CellTypes.GRU).build());
        SequenceDecoder decoder = SequenceDecoder.oneHot(graph, V, START, END);
        IllegalArgumentException one =
                assertThrows(IllegalArgumentException.class, () -> decoder.greedy(sources(DataType.FLOAT, 1), null, 3));
        assertTrue(one.getMessage().contains("[3, 5, 6]"), one.getMessage());
        IllegalArgumentException mask = assertThrows(
                IllegalArgumentException.class,
                () -> decoder.greedyBatch(sources(DataType.FLOAT, 1), Nd4j.ones(DataType.FLOAT, 3, 5), 3));
        assertTrue(mask.getMessage().contains("[3, 6], got shape [3, 5]"), mask.getMessage());
    }
}
