#!/usr/bin/env python3
"""Makes the ONNX fixtures of recurrent4j-interop's tests. Run from the repository root with Debian's
python3-onnx (1.12), python3-torch (1.13) and libonnx-testdata:

    /usr/bin/python3 interop/src/test/fixtures-src/onnx/make_onnx_fixtures.py

Writes interop/src/test/resources/fixtures/onnx/:

- node/test_{gru,lstm,rnn,simple_rnn}_*: the ONNX project's own operator test cases (model.onnx and
  test_data_set_0/*.pb), copied from libonnx-testdata with their licence notice (LICENSE-onnx-testdata).
- generated/NAME.onnx + NAME.io.npz: single-node models for what the test data lacks (reverse,
  bidirectional, sequence_lens, initial_h/initial_c as graph inputs, layout 1, linear_before_reset 1,
  float64). Expected outputs come from the ONNX project's reference implementations
  (onnx.backend.test.case.node.{gru,lstm,rnn}: *_Helper, one direction, one sequence), run per
  direction and per sequence on its first sequence_lens steps (reversed for the reverse direction),
  which is how the operator's specification defines Y and Y_h.
- torch/NAME.onnx + NAME.io.npz: PyTorch modules exported by torch.onnx.export, with PyTorch's outputs.
"""
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from onnx.backend.test.case.node.gru import GRU_Helper
from onnx.backend.test.case.node.lstm import LSTM_Helper
from onnx.backend.test.case.node.rnn import RNN_Helper

OUT = os.path.join("interop", "src", "test", "resources", "fixtures", "onnx")
TESTDATA = "/usr/share/libonnx-testdata/data/node"
CASES = ["test_gru_batchwise", "test_gru_defaults", "test_gru_seq_length", "test_gru_with_initial_bias",
         "test_lstm_batchwise", "test_lstm_defaults", "test_lstm_with_initial_bias", "test_lstm_with_peepholes",
         "test_rnn_seq_length", "test_simple_rnn_batchwise", "test_simple_rnn_defaults",
         "test_simple_rnn_with_initial_bias"]
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def copy_testdata():
    for case in CASES:
        target = os.path.join(OUT, "node", case)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(os.path.join(TESTDATA, case), target)
    with open("/usr/share/doc/libonnx-testdata/copyright") as f:
        notice = f.read()
    with open(os.path.join(OUT, "node", "LICENSE-onnx-testdata"), "w") as f:
        f.write("The directories test_* beside this file are copied unchanged from Debian's libonnx-testdata\n"
                "(the ONNX project's operator test data, onnx/backend/test/data/node). Their licence:\n\n" + notice)


def reference(op, X, W, R, B, P, h0, c0, lens, reverse, lbr):
    """Y [T, D, B, H] and Y_h [D, B, H] from the ONNX helpers, per direction and per sequence."""
    T, batch, _ = X.shape
    D, H = W.shape[0], R.shape[-1]
    Y = np.zeros((T, D, batch, H))
    Yh = np.zeros((D, batch, H))
    for d in range(D):
        for b in range(batch):
            L = int(lens[b])
            xs = X[:L, b:b + 1]
            if reverse[d]:
                xs = xs[::-1]
            params = dict(X=xs, W=W[d:d + 1], R=R[d:d + 1], B=B[d:d + 1], initial_h=h0[d:d + 1, b:b + 1])
            if op == "LSTM":
                params.update(P=P[d:d + 1], initial_c=c0[d:d + 1, b:b + 1])
                helper_ = LSTM_Helper(**params)
            elif op == "GRU":
                helper_ = GRU_Helper(**params)
                helper_.LBR = lbr
            else:
                helper_ = RNN_Helper(**params)
            y, yh = helper_.step()
            y = y[:, 0, 0]
            if reverse[d]:
                y = y[::-1]
            Y[:L, d, b] = y
            Yh[d, b] = yh[0, 0]
    return Y, Yh


def generated(name, op, direction, layout, lbr=0, peephole=False, dtype=np.float32, T=5, batch=3, F=2, H=3, seed=0):
    rng = np.random.default_rng(seed)
    D = 2 if direction == "bidirectional" else 1
    G = GATES[op]
    reverse = {"forward": [False], "reverse": [True], "bidirectional": [False, True]}[direction]
    W = rng.normal(0, 0.5, (D, G * H, F)).astype(dtype)
    R = rng.normal(0, 0.5, (D, G * H, H)).astype(dtype)
    B = rng.normal(0, 0.3, (D, 2 * G * H)).astype(dtype)
    P = rng.normal(0, 0.3, (D, 3 * H)).astype(dtype) if peephole else np.zeros((D, 3 * H), dtype)
    X = rng.normal(0, 1, (T, batch, F)).astype(dtype)
    lens = np.array([T, 2, 4][:batch], dtype=np.int32)
    h0 = rng.normal(0, 0.5, (D, batch, H)).astype(dtype)
    c0 = rng.normal(0, 0.5, (D, batch, H)).astype(dtype)
    Y, Yh = reference(op, X.astype(np.float64), W, R, B, P, h0, c0, lens, reverse, lbr)
    elem = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    inits = [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R"), numpy_helper.from_array(B, "B")]
    inputs = ["X", "W", "R", "B", "sequence_lens", "initial_h"]
    graph_inputs = [helper.make_tensor_value_info("X", elem, ["T", "N", F] if layout == 0 else ["N", "T", F]),
                    helper.make_tensor_value_info("sequence_lens", TensorProto.INT32, ["N"]),
                    helper.make_tensor_value_info("initial_h", elem, [D, "N", H] if layout == 0 else ["N", D, H])]
    if op == "LSTM":
        inputs += ["initial_c"]
        graph_inputs.append(helper.make_tensor_value_info("initial_c", elem, [D, "N", H] if layout == 0 else ["N", D, H]))
        if peephole:
            inputs += ["P"]
            inits.append(numpy_helper.from_array(P, "P"))
    attrs = dict(hidden_size=H, direction=direction, layout=layout)
    if op == "GRU":
        attrs["linear_before_reset"] = lbr
    node = helper.make_node(op, inputs, ["Y", "Y_h"], **attrs)
    outs = [helper.make_tensor_value_info("Y", elem, ["T", D, "N", H] if layout == 0 else ["N", "T", D, H]),
            helper.make_tensor_value_info("Y_h", elem, [D, "N", H] if layout == 0 else ["N", D, H])]
    model = helper.make_model(helper.make_graph([node], name, graph_inputs, outs, inits),
                              opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, "generated", name + ".onnx"))
    io = dict(sequence_lens=lens, Y=Y.astype(dtype), Y_h=Yh.astype(dtype))
    if layout == 0:
        io.update(X=X, initial_h=h0, initial_c=c0)
    else:
        io.update(X=X.transpose(1, 0, 2), initial_h=h0.transpose(1, 0, 2), initial_c=c0.transpose(1, 0, 2),
                  Y=io["Y"].transpose(2, 0, 1, 3), Y_h=io["Y_h"].transpose(1, 0, 2))
    np.savez(os.path.join(OUT, "generated", name + ".io.npz"), **io)


class WithState(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, h0):
        return self.rnn(x, h0)


class Sequence(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        y, state = self.rnn(x)
        return y, state[0] if isinstance(state, tuple) else state


def exported(name, module, inputs, input_names, output_names, dynamic):
    module.eval()
    with torch.no_grad():
        outputs = module(*inputs)
    torch.onnx.export(module, tuple(inputs), os.path.join(OUT, "torch", name + ".onnx"), input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic, opset_version=14)
    arrays = {n: t.numpy() for n, t in zip(input_names, inputs)}
    arrays.update({n: t.numpy() for n, t in zip(output_names, outputs)})
    np.savez(os.path.join(OUT, "torch", name + ".io.npz"), **arrays)


def main():
    os.makedirs(os.path.join(OUT, "generated"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "torch"), exist_ok=True)
    copy_testdata()
    generated("gru_bidirectional_seqlens_initial_h_lbr0", "GRU", "bidirectional", 0, lbr=0, seed=1)
    generated("gru_reverse_layout1_lbr1", "GRU", "reverse", 1, lbr=1, seed=2)
    generated("gru_bidirectional_lbr1_float64", "GRU", "bidirectional", 0, lbr=1, dtype=np.float64, seed=3)
    generated("lstm_bidirectional_seqlens_initial_hc_peephole", "LSTM", "bidirectional", 0, peephole=True, seed=4)
    generated("lstm_reverse_layout1", "LSTM", "reverse", 1, seed=5)
    generated("rnn_bidirectional_layout1", "RNN", "bidirectional", 1, seed=6)
    torch.manual_seed(7)
    exported("lstm_2layer_bidirectional_batchfirst",
             Sequence(torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)),
             [torch.randn(2, 5, 3)], ["x"], ["y", "h_n"], {"x": {0: "batch", 1: "time"}})
    exported("gru_initial_state", WithState(torch.nn.GRU(3, 5)), [torch.randn(4, 2, 3), torch.randn(1, 2, 5)],
             ["x", "h0"], ["y", "h_n"], {"x": {0: "time", 1: "batch"}, "h0": {1: "batch"}})
    exported("rnn_relu_2layer_static", Sequence(torch.nn.RNN(2, 3, num_layers=2, nonlinearity="relu")),
             [torch.randn(6, 1, 2)], ["x"], ["y", "h_n"], None)
    # The examples module's test of `recurrent4j import --from onnx` reads one.
    examples = os.path.join("examples", "src", "test", "resources", "fixtures", "interop")
    os.makedirs(examples, exist_ok=True)
    shutil.copyfile(os.path.join(OUT, "torch", "gru_initial_state.onnx"), os.path.join(examples, "gru_initial_state.onnx"))


if __name__ == "__main__":
    main()
