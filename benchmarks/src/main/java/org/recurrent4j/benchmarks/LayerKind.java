package org.recurrent4j.benchmarks;

import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.RnnOutput;

/**
 * The recurrent layers under comparison, each a {@link CellType} (the built-in types of {@link
 * CellTypes}, and DL4J's {@code GravesLSTM}, which is not one of them), with what sets their matrix
 * work: the rows of the input projection (per input feature of the window) and of the recurrent
 * product. The stepwise kinds run a cell that has a whole-sequence path step by step instead.
 */
public enum LayerKind {
    RECURRENT4J_LSTM("recurrent4j Lstm", CellTypes.LSTM, false),
    RECURRENT4J_GRU("recurrent4j Gru", CellTypes.GRU, false),
    RECURRENT4J_RNN("recurrent4j Rnn", CellTypes.RNN, false),
    RECURRENT4J_QRNN("recurrent4j Qrnn (k 2, fo)", CellTypes.QRNN, false),
    RECURRENT4J_QRNN_STEPWISE("recurrent4j Qrnn (k 2, fo), step by step", CellTypes.QRNN, true),
    RECURRENT4J_SRU("recurrent4j Sru", CellTypes.SRU, false),
    RECURRENT4J_SRU_STEPWISE("recurrent4j Sru, step by step", CellTypes.SRU, true),
    RECURRENT4J_ONLSTM("recurrent4j OnLstm (C 16)", CellTypes.ONLSTM, false),
    DL4J_LSTM("DL4J LSTM", CellTypes.DL4J_LSTM, false),
    DL4J_GRAVES_LSTM("DL4J GravesLSTM", GravesLstmType.INSTANCE, false),
    DL4J_SIMPLE_RNN("DL4J SimpleRnn", CellTypes.DL4J_SIMPLE_RNN, false);

    /** ON-LSTM's chunk size in the benchmark: {@link CellTypes#ONLSTM}'s for a hidden size divisible by 16. */
    public static final int CHUNK = 16;

    /** DL4J's {@code GravesLSTM} (peephole LSTM, tanh), compared here only. */
    private enum GravesLstmType implements CellType {
        INSTANCE;

        @Override
        public String id() {
            return "dl4j_graves_lstm";
        }

        @Override
        @SuppressWarnings("deprecation") // DL4J's old LSTM, compared on purpose
        public Layer layer(int nIn, int nOut) {
            return new GravesLSTM.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .activation(Activation.TANH)
                    .build();
        }

        @Override
        public boolean takesInitialState() {
            return false;
        }
    }

    private final String label;
    private final CellType cell;
    private final boolean stepwise;

    LayerKind(String label, CellType cell, boolean stepwise) {
        this.label = label;
        this.cell = cell;
        this.stepwise = stepwise;
    }

    public String label() {
        return label;
    }

    /** The cell type whose layer is measured. */
    public CellType cell() {
        return cell;
    }

    /** Whether the layer runs its cell step by step although the cell has a whole-sequence path. */
    public boolean stepwise() {
        return stepwise;
    }

    public Layer layer(int nIn, int hidden) {
        return cell.layer(nIn, hidden);
    }

    /**
     * The benchmark's softmax and cross-entropy over every step, as each side's users build it:
     * recurrent4j's {@link RnnOutput} after our layers, DL4J's {@code RnnOutputLayer} after DL4J's.
     */
    public Layer softmaxOutput(int nIn, int classes) {
        return ours()
                ? new RnnOutput.Builder(LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(nIn)
                        .nOut(classes)
                        .build()
                : new RnnOutputLayer.Builder(LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(nIn)
                        .nOut(classes)
                        .build();
    }

    /**
     * Matrix FLOPs of one forward pass: {@code 2·B·T·(R_in·k·nIn + R_rec·H)}, with {@code R_in}
     * the projection rows, {@code k} the window and {@code R_rec} the recurrent rows: LSTM 4H and
     * 4H, GRU 3H, RNN H, QRNN (fo) 3H with k = 2 and no recurrent product, SRU (nIn ≠ H: projected
     * highway) 4H and none, ON-LSTM 4H + 2H/C for both.
     */
    public double forwardFlops(int batch, int steps, int nIn, int hidden) {
        MatrixWork work = work(nIn, hidden);
        return 2.0 * batch * steps * (work.projection() + work.recurrent());
    }

    /**
     * Matrix FLOPs of one training step of the layer as the network's first layer, as performed:
     * the forward products, the weight gradients (as many again) and the recurrent product's input
     * gradient. The input projection's input gradient ({@code 2·B·T·R_in·k·nIn}) is not computed by
     * recurrent4j's layers there, since the network discards it (as PyTorch does for an input that
     * does not require a gradient); DL4J's layers compute it, so theirs is three times the forward.
     */
    public double trainingFlops(int batch, int steps, int nIn, int hidden) {
        double forward = forwardFlops(batch, steps, nIn, hidden);
        if (!ours()) {
            return 3 * forward;
        }
        return 3 * forward - 2.0 * batch * steps * work(nIn, hidden).projection();
    }

    private boolean ours() {
        return name().startsWith("RECURRENT4J");
    }

    /** Multiply-adds per example and step: the input projection's and the recurrent product's. */
    private record MatrixWork(double projection, double recurrent) {}

    private MatrixWork work(int nIn, int hidden) {
        double projection;
        double recurrent;
        switch (this) {
            case RECURRENT4J_LSTM, DL4J_LSTM, DL4J_GRAVES_LSTM -> {
                projection = 4.0 * hidden * nIn;
                recurrent = 4.0 * hidden * hidden;
            }
            case RECURRENT4J_GRU -> {
                projection = 3.0 * hidden * nIn;
                recurrent = 3.0 * hidden * hidden;
            }
            case RECURRENT4J_RNN, DL4J_SIMPLE_RNN -> {
                projection = (double) hidden * nIn;
                recurrent = (double) hidden * hidden;
            }
            case RECURRENT4J_QRNN, RECURRENT4J_QRNN_STEPWISE -> {
                projection = 3.0 * hidden * 2 * nIn;
                recurrent = 0;
            }
            case RECURRENT4J_SRU, RECURRENT4J_SRU_STEPWISE -> {
                projection = (nIn == hidden ? 3.0 : 4.0) * hidden * nIn;
                recurrent = 0;
            }
            case RECURRENT4J_ONLSTM -> {
                double rows = 4.0 * hidden + 2.0 * hidden / CHUNK;
                projection = rows * nIn;
                recurrent = rows * hidden;
            }
            default -> throw new IllegalStateException(name());
        }
        return new MatrixWork(projection, recurrent);
    }
}
