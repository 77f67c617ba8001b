package org.recurrent4j.interop.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How an ONNX graph output lays out what the imported network gives as {@code [B, D·H, T]}
 * (a sequence: D directions of H units, concatenated) or {@code [B, N·H]} (final states: N =
 * directions × layers, concatenated).
 */
public enum OnnxLayout {
    /** {@code [T, B, D·H]}: PyTorch's time-major output. */
    SEQUENCE_T_B_DH,
    /** {@code [B, T, D·H]}: PyTorch's batch-first output. */
    SEQUENCE_B_T_DH,
    /** {@code [T, D, B, H]}: the operators' {@code Y}, layout 0. */
    SEQUENCE_T_D_B_H,
    /** {@code [B, T, D, H]}: the operators' {@code Y}, layout 1. */
    SEQUENCE_B_T_D_H,
    /** {@code [N, B, H]}: the operators' {@code Y_h}, layout 0, and PyTorch's {@code h_n}. */
    STATE_N_B_H,
    /** {@code [B, N, H]}: the operators' {@code Y_h}, layout 1. */
    STATE_B_N_H;

    /** True for the sequence layouts. */
    public boolean isSequence() {
        return ordinal() <= SEQUENCE_B_T_D_H.ordinal();
    }

    /**
     * The network's output {@code ours} ({@code [B, D·H, T]} or {@code [B, N·H]}) in this layout.
     *
     * @param units the hidden size H
     */
    public INDArray fromNetwork(INDArray ours, long units) {
        long b = ours.size(0);
        long n = ours.size(1) / units;
        return switch (this) {
            case SEQUENCE_T_B_DH -> ours.permute(2, 0, 1);
            case SEQUENCE_B_T_DH -> ours.permute(0, 2, 1);
            case SEQUENCE_T_D_B_H -> ours.dup('c')
                    .reshape('c', b, n, units, ours.size(2))
                    .permute(3, 1, 0, 2);
            case SEQUENCE_B_T_D_H -> ours.dup('c')
                    .reshape('c', b, n, units, ours.size(2))
                    .permute(0, 3, 1, 2);
            case STATE_N_B_H -> ours.dup('c').reshape('c', b, n, units).permute(1, 0, 2);
            case STATE_B_N_H -> ours.dup('c').reshape('c', b, n, units);
        };
    }

    /**
     * An initial state in this layout ({@link #STATE_N_B_H} or {@link #STATE_B_N_H}) as the network
     * takes it: {@code [B, N·H]}.
     */
    public INDArray stateToNetwork(INDArray onnx) {
        return switch (this) {
            case STATE_N_B_H -> onnx.permute(1, 0, 2).dup('c').reshape('c', onnx.size(1), onnx.size(0) * onnx.size(2));
            case STATE_B_N_H -> onnx.dup('c').reshape('c', onnx.size(0), onnx.size(1) * onnx.size(2));
            default -> throw new IllegalArgumentException(this + " is not a state layout");
        };
    }
}
