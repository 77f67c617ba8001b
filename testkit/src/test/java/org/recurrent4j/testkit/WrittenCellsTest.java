package org.recurrent4j.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.init.OrthogonalInit;
import org.recurrent4j.testkit.cells.IndRnn;
import org.recurrent4j.testkit.cells.Mgu;

/**
 * The cells written by following "Writing a cell" (IndRNN, MGU) enter the structure builders as any
 * built-in cell does, through one {@link CellType}, and learn there: a sequence classifier finds the
 * most frequent of 4 symbols (chance 25%), an encoder–decoder reverses 3 symbols (chance 25% a
 * token). Fixed seeds; each untrained network is checked to be below the bound its trained one must
 * pass.
 */
class WrittenCellsTest {

    private static final int SYMBOLS = 4;

    static final CellType IND_RNN = CellType.of(
            "indrnn", (nIn, nOut) -> new IndRnn.Builder().nIn(nIn).nOut(nOut).build());
    static final CellType MGU = CellType.of("mgu", (nIn, nOut) -> new Mgu.Builder()
            .nIn(nIn)
            .nOut(nOut)
            .weightInitRecurrent(new OrthogonalInit())
            .build());

    static Stream<Arguments> cells() {
        return Stream.of(Arguments.of(IND_RNN), Arguments.of(MGU));
    }

    /** Sequences of 7 one-hot symbols in which one symbol occurs 3 or 4 times and every other at most twice. */
    private static INDArray[] majorityTask(int batch, Random random) {
        int steps = 7;
        INDArray x = Nd4j.zeros(DataType.FLOAT, batch, SYMBOLS, steps);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, SYMBOLS);
        for (int b = 0; b < batch; b++) {
            int majority = random.nextInt(SYMBOLS);
            int[] counts = new int[SYMBOLS];
            int[] sequence = new int[steps];
            int many = 3 + random.nextInt(2);
            for (int t = 0; t < steps; t++) {
                int s;
                if (t < many) {
                    s = majority;
                } else {
                    do {
                        s = random.nextInt(SYMBOLS);
                    } while (s == majority || counts[s] == 2);
                }
                counts[s]++;
                sequence[t] = s;
            }
            // Shuffle the steps, so that the majority is not simply the first symbol.
            for (int t = steps - 1; t > 0; t--) {
                int u = random.nextInt(t + 1);
                int swap = sequence[t];
                sequence[t] = sequence[u];
                sequence[u] = swap;
            }
            for (int t = 0; t < steps; t++) {
                x.putScalar(b, sequence[t], t, 1.0);
            }
            y.putScalar(b, majority, 1.0);
        }
        return new INDArray[] {x, y};
    }

    private static double accuracy(INDArray output, INDArray labels) {
        INDArray predicted = output.argMax(1);
        INDArray truth = labels.argMax(1);
        return predicted.eq(truth).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void learnsInASequenceClassifier(CellType cell) {
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(SYMBOLS)
                .cell(cell)
                .hidden(24)
                .classes(SYMBOLS)
                .updater(new Adam(0.01))
                .seed(3)
                .build());
        net.init();
        Random random = new Random(5);
        INDArray[] test = majorityTask(500, new Random(99));
        double untrained = accuracy(net.outputSingle(test[0]), test[1]);
        for (int step = 0; step < 300; step++) {
            INDArray[] batch = majorityTask(32, random);
            net.fit(new INDArray[] {batch[0]}, new INDArray[] {batch[1]});
        }
        double trained = accuracy(net.outputSingle(test[0]), test[1]);
        assertTrue(untrained < 0.45, cell + " untrained: " + untrained);
        assertTrue(trained > 0.8, cell + " trained: " + trained + " (untrained " + untrained + ", chance 0.25)");
    }

    /** Source {@code s_1 s_2 s_3}; decoder input START, s_3, s_2; labels s_3, s_2, s_1, END. */
    private static INDArray[] reversalTask(int batch, Random random) {
        int length = 3;
        int start = SYMBOLS;
        int end = SYMBOLS + 1;
        INDArray source = Nd4j.zeros(DataType.FLOAT, batch, SYMBOLS, length);
        INDArray decoderInput = Nd4j.zeros(DataType.FLOAT, batch, SYMBOLS + 2, length + 1);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, SYMBOLS + 2, length + 1);
        for (int b = 0; b < batch; b++) {
            int[] s = new int[length];
            for (int t = 0; t < length; t++) {
                s[t] = random.nextInt(SYMBOLS);
                source.putScalar(b, s[t], t, 1.0);
            }
            decoderInput.putScalar(b, start, 0, 1.0);
            for (int k = 0; k < length; k++) {
                int token = s[length - 1 - k];
                labels.putScalar(b, token, k, 1.0);
                decoderInput.putScalar(b, token, k + 1, 1.0);
            }
            labels.putScalar(b, end, length, 1.0);
        }
        return new INDArray[] {source, decoderInput, labels};
    }

    /** Token accuracy on the reversed symbols (END excluded). */
    private static double tokenAccuracy(ComputationGraph net, INDArray[] data) {
        INDArray output = net.outputSingle(data[0], data[1]);
        long symbols = data[0].size(2);
        INDArray predicted = output.argMax(1)
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, symbols));
        INDArray truth = data[2].argMax(1)
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, symbols));
        return predicted.eq(truth).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    static Stream<Arguments> encoderDecoders() {
        return Stream.of(
                Arguments.of(IND_RNN, EncoderDecoder.Context.EVERY_STEP),
                Arguments.of(MGU, EncoderDecoder.Context.INITIAL_STATE));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("encoderDecoders")
    void learnsInAnEncoderDecoder(CellType cell, EncoderDecoder.Context context) {
        ComputationGraph net = new ComputationGraph(new EncoderDecoder()
                .features(SYMBOLS)
                .targetOneHot(SYMBOLS + 2)
                .cell(cell)
                .hidden(32)
                .decoderHidden(32)
                .context(context)
                .updater(new Adam(0.01))
                .seed(4)
                .build());
        net.init();
        Random random = new Random(6);
        INDArray[] test = reversalTask(500, new Random(98));
        double untrained = tokenAccuracy(net, test);
        for (int step = 0; step < 300; step++) {
            INDArray[] batch = reversalTask(32, random);
            net.fit(new INDArray[] {batch[0], batch[1]}, new INDArray[] {batch[2]});
        }
        double trained = tokenAccuracy(net, test);
        assertTrue(untrained < 0.45, cell + " untrained: " + untrained);
        assertTrue(
                trained > 0.8, cell + " trained: " + trained + " (untrained " + untrained + ", chance 0.25 a token)");
    }
}
