package org.recurrent4j.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.decode.RecomputingDecoder;
import org.recurrent4j.decode.SequenceDecoder;

/**
 * Greedy decoding of {@value #TOKENS}-token outputs from sources of {@value #SOURCE_STEPS} steps with
 * an encoder–decoder (hidden {@value #HIDDEN}, vocabularies of {@value #VOCABULARY}, one-hot,
 * float32): {@link SequenceDecoder}, which runs the encoder once and steps the decoder, against the
 * decoder that re-runs the graph over the source and the prefix for every token ({@link
 * RecomputingDecoder}, the decoder before it stepped, kept as the tests' reference). END's output
 * bias is set far down so that every output has {@value #TOKENS} tokens. With {@code sources} 8, the
 * stepped decoder decodes the eight sources as one batch, the recomputing one one after another.
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *       DecodingBenchmark -f 1 -wi 1 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DecodingBenchmark {

    public static final int HIDDEN = 256;
    public static final int VOCABULARY = 32;
    public static final int SOURCE_STEPS = 20;
    public static final int TOKENS = 50;

    private static final int START = 0;
    private static final int END = 1;

    /** The encoder–decoders measured. */
    public enum Model {
        /** LSTM, the context as the decoder's initial state. */
        LSTM,
        /** LSTM, initial state and attention over the encoder's outputs. */
        LSTM_ATTENTION,
        /** GRU, the context concatenated to the decoder's input at every step. */
        GRU_EVERY_STEP;

        EncoderDecoder builder() {
            EncoderDecoder b = new EncoderDecoder()
                    .features(VOCABULARY)
                    .targetOneHot(VOCABULARY)
                    .hidden(HIDDEN)
                    .decoderHidden(HIDDEN)
                    .seed(42);
            return switch (this) {
                case LSTM -> b.cell(CellTypes.LSTM).context(EncoderDecoder.Context.INITIAL_STATE);
                case LSTM_ATTENTION -> b.cell(CellTypes.LSTM)
                        .context(EncoderDecoder.Context.INITIAL_STATE)
                        .attention(true);
                case GRU_EVERY_STEP -> b.cell(CellTypes.GRU).context(EncoderDecoder.Context.EVERY_STEP);
            };
        }
    }

    @Param({"LSTM", "LSTM_ATTENTION", "GRU_EVERY_STEP"})
    public Model model;

    @Param({"1", "8"})
    public int sources;

    private SequenceDecoder stepped;
    private RecomputingDecoder recomputing;
    private INDArray batch;
    private List<INDArray> oneByOne;

    @Setup
    public void setUp() {
        ComputationGraph graph = new ComputationGraph(model.builder().build());
        graph.init();
        // END far below every other token: each output runs to the length limit.
        graph.getLayer(EncoderDecoder.OUTPUT).getParam("b").putScalar(END, -30.0);
        stepped = SequenceDecoder.oneHot(graph, VOCABULARY, START, END);
        recomputing = RecomputingDecoder.oneHot(graph, VOCABULARY, START, END);
        Nd4j.getRandom().setSeed(7);
        batch = Nd4j.zeros(DataType.FLOAT, sources, VOCABULARY, SOURCE_STEPS);
        for (int b = 0; b < sources; b++) {
            for (int t = 0; t < SOURCE_STEPS; t++) {
                batch.putScalar(b, (b * 5 + t * 3) % VOCABULARY, t, 1f);
            }
        }
        oneByOne = java.util.stream.IntStream.range(0, sources)
                .mapToObj(b -> batch.get(NDArrayIndex.interval(b, b + 1)).dup())
                .toList();
        int[] fromStepped = stepped.greedyBatch(batch, null, TOKENS).get(0);
        int[] fromRecomputing = recomputing.greedy(oneByOne.get(0), null, TOKENS);
        if (fromStepped.length != TOKENS || !java.util.Arrays.equals(fromStepped, fromRecomputing)) {
            throw new IllegalStateException("the decoders disagree or stop early: " + fromStepped.length + " and "
                    + fromRecomputing.length + " tokens");
        }
    }

    /** All sources as one batch, the encoder once, the decoder stepped. */
    @Benchmark
    public List<int[]> stepped() {
        return stepped.greedyBatch(batch, null, TOKENS);
    }

    /** Each source alone, the graph re-run over the source and the prefix for every token. */
    @Benchmark
    public int recomputing() {
        int written = 0;
        for (INDArray source : oneByOne) {
            written += recomputing.greedy(source, null, TOKENS).length;
        }
        return written;
    }
}
