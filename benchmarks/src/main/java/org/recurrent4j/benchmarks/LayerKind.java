package org.recurrent4j.benchmarks;

import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;

/**
 * The recurrent layers under comparison, with what sets their matrix work: the rows of the input
 * projection (per input feature of the window) and of the recurrent product.
 */
public enum LayerKind {
    RECURRENT4J_LSTM("recurrent4j Lstm"),
    RECURRENT4J_GRU("recurrent4j Gru"),
    RECURRENT4J_RNN("recurrent4j Rnn"),
    RECURRENT4J_QRNN("recurrent4j Qrnn (k 2, fo)"),
    RECURRENT4J_QRNN_STEPWISE("recurrent4j Qrnn (k 2, fo), step by step"),
    RECURRENT4J_SRU("recurrent4j Sru"),
    RECURRENT4J_SRU_STEPWISE("recurrent4j Sru, step by step"),
    RECURRENT4J_ONLSTM("recurrent4j OnLstm (C 16)"),
    DL4J_LSTM("DL4J LSTM"),
    DL4J_GRAVES_LSTM("DL4J GravesLSTM"),
    DL4J_SIMPLE_RNN("DL4J SimpleRnn");

    /** ON-LSTM's chunk size in the benchmark. */
    public static final int CHUNK = 16;

    private final String label;

    LayerKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether the layer runs its cell step by step although the cell has a whole-sequence path. */
    public boolean stepwise() {
        return this == RECURRENT4J_QRNN_STEPWISE || this == RECURRENT4J_SRU_STEPWISE;
    }

    public Layer layer(int nIn, int hidden) {
        return switch (this) {
            case RECURRENT4J_LSTM -> new Lstm.Builder().nIn(nIn).nOut(hidden).build();
            case RECURRENT4J_GRU -> new Gru.Builder().nIn(nIn).nOut(hidden).build();
            case RECURRENT4J_RNN -> new Rnn.Builder().nIn(nIn).nOut(hidden).build();
            case RECURRENT4J_QRNN, RECURRENT4J_QRNN_STEPWISE -> new Qrnn.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .window(2)
                    .pooling(QrnnCell.Pooling.FO)
                    .build();
            case RECURRENT4J_SRU, RECURRENT4J_SRU_STEPWISE -> new Sru.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .build();
            case RECURRENT4J_ONLSTM -> new OnLstm.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .chunkSize(CHUNK)
                    .build();
            case DL4J_LSTM -> new LSTM.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(Activation.TANH)
                    .build();
            case DL4J_GRAVES_LSTM -> new GravesLSTM.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(Activation.TANH)
                    .build();
            case DL4J_SIMPLE_RNN -> new SimpleRnn.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(Activation.TANH)
                    .build();
        };
    }

    /**
     * Matrix FLOPs of one forward pass: {@code 2·B·T·(R_in·k·nIn + R_rec·H)}, with {@code R_in}
     * the projection rows, {@code k} the window and {@code R_rec} the recurrent rows: LSTM 4H and
     * 4H, GRU 3H, RNN H, QRNN (fo) 3H with k = 2 and no recurrent product, SRU (nIn ≠ H: projected
     * highway) 4H and none, ON-LSTM 4H + 2H/C for both. A training step does three times that
     * (the forward products, and the weight and input gradients).
     */
    public double forwardFlops(int batch, int steps, int nIn, int hidden) {
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
        return 2.0 * batch * steps * (projection + recurrent);
    }
}
