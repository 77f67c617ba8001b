#!/usr/bin/env python3
"""Writes the Keras fixtures of recurrent4j-interop in Keras' .h5 layout (h5py), with inputs and the
saving framework's outputs beside them (NAME.io.npz: x0, x1, ... inputs; y0, y1, ... outputs).

    /usr/bin/python3 interop/src/test/fixtures-src/keras/to_h5.py OUT_DIR

1. The models make_models.js built and ran with TensorFlow.js (OUT_DIR/NAME/model.json, weights.bin,
   io.json) become NAME.h5. The topology is tfjs' own Keras topology, unchanged except that GRU
   configurations get "reset_after": false written out: tfjs computes that form (it refuses
   reset_after=True) but leaves the field out, and Keras 2.3+ reads a missing field as true.
   Weights go where Keras 2 puts them: model_weights/LAYER/WEIGHT_NAME:0, with the weight_names
   and layer_names attributes.
2. gru_reset_after_numpy_reference.h5: GRU(reset_after=True), which tfjs cannot run, written from
   Keras' documented layout (TensorFlow 2's nested weight names, bias [2, 3H]: input and recurrent
   biases) with outputs computed here by an independent numpy implementation of Keras' GRU
   equations (gates z, r, h; h_t = z * h_{t-1} + (1 - z) * hh).
"""
import json
import os
import shutil
import sys

import h5py
import numpy as np

FIXTURES = os.path.join("interop", "src", "test", "resources", "fixtures", "keras")
# The examples module's test of `recurrent4j import` and `sentiment predict` reads the classifier too.
EXAMPLES = os.path.join("examples", "src", "test", "resources", "fixtures", "interop")


def explicit_reset_after(node):
    if isinstance(node, dict):
        if node.get("class_name") == "GRU" and "reset_after" not in node["config"]:
            node["config"]["reset_after"] = False
        for v in node.values():
            explicit_reset_after(v)
    elif isinstance(node, list):
        for v in node:
            explicit_reset_after(v)


def write_h5(path, topology, keras_version, backend, weights):
    """weights: list of (layer name, weight name as Keras names it, array), in layer order."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = backend
        f.attrs["model_config"] = json.dumps({"class_name": topology["class_name"], "config": topology["config"]})
        mw = f.create_group("model_weights")
        layer_names = [layer["config"]["name"] for layer in topology["config"]["layers"]]
        mw.attrs["layer_names"] = [n.encode() for n in layer_names]
        mw.attrs["backend"] = backend
        mw.attrs["keras_version"] = keras_version
        for name in layer_names:
            g = mw.create_group(name)
            own = [(w, a) for (layer, w, a) in weights if layer == name]
            g.attrs["weight_names"] = [w.encode() for w, _ in own]
            for w, a in own:
                g.create_dataset(w, data=a)


def convert_tfjs(out_dir, name):
    src = os.path.join(out_dir, name)
    with open(os.path.join(src, "model.json")) as f:
        model = json.load(f)
    topology = model["modelTopology"]
    if "model_config" in topology:
        topology = topology["model_config"]
    explicit_reset_after(topology)
    data = open(os.path.join(src, "weights.bin"), "rb").read()
    weights, offset = [], 0
    for spec in model["weightsManifest"][0]["weights"]:
        n = int(np.prod(spec["shape"]))
        a = np.frombuffer(data, dtype="<f4", count=n, offset=offset).reshape(spec["shape"])
        offset += 4 * n
        weights.append((spec["name"].split("/")[0], spec["name"] + ":0", a))
    version = model["modelTopology"].get("keras_version", "tfjs-layers")
    backend = model["modelTopology"].get("backend", "tensor_flow.js")
    write_h5(os.path.join(FIXTURES, name + ".h5"), topology, version, backend, weights)
    with open(os.path.join(src, "io.json")) as f:
        io = json.load(f)
    arrays = {}
    for i, t in enumerate(io["inputs"]):
        arrays[f"x{i}"] = np.array(t["values"], dtype=np.int64 if t["dtype"] == "int32" else np.float32).reshape(t["shape"])
    for i, t in enumerate(io["outputs"]):
        arrays[f"y{i}"] = np.array(t["values"], dtype=np.float32).reshape(t["shape"])
    np.savez(os.path.join(FIXTURES, name + ".io.npz"), **arrays)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def keras_gru_reset_after(x, kernel, recurrent, bias, go_backwards=False):
    """Keras' GRU (reset_after=True): x [B, T, F] -> all outputs [B, T, H] (float64)."""
    H = recurrent.shape[0]
    b_in, b_rec = bias[0], bias[1]
    h = np.zeros((x.shape[0], H))
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs = []
    for t in steps:
        xk = x[:, t] @ kernel + b_in
        m = h @ recurrent + b_rec
        z = sigmoid(xk[:, :H] + m[:, :H])
        r = sigmoid(xk[:, H:2 * H] + m[:, H:2 * H])
        hh = np.tanh(xk[:, 2 * H:] + r * m[:, 2 * H:])
        h = z * h + (1 - z) * hh
        outputs.append(h)
    return np.stack(outputs, axis=1)


def gru_config(name, units, return_sequences, extra=None):
    config = {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": "tanh",
              "recurrent_activation": "sigmoid", "use_bias": True, "return_sequences": return_sequences,
              "return_state": False, "go_backwards": False, "stateful": False, "unroll": False,
              "time_major": False, "reset_after": True, "dropout": 0.0, "recurrent_dropout": 0.0}
    config.update(extra or {})
    return {"class_name": "GRU", "config": config}


def numpy_reference_gru():
    rng = np.random.default_rng(2024)
    F, H1, H2, T, B = 3, 4, 3, 5, 2
    w = lambda *s: rng.normal(0, 0.5, s).astype(np.float32)
    k1, r1, b1 = w(F, 3 * H1), w(H1, 3 * H1), w(2, 3 * H1)
    kf, rf, bf = w(H1, 3 * H2), w(H2, 3 * H2), w(2, 3 * H2)
    kb, rb, bb = w(H1, 3 * H2), w(H2, 3 * H2), w(2, 3 * H2)
    x = rng.normal(0, 1, (B, T, F)).astype(np.float32)
    y1 = keras_gru_reset_after(x.astype(np.float64), k1, r1, b1)
    fwd = keras_gru_reset_after(y1, kf, rf, bf)[:, -1]
    bwd = keras_gru_reset_after(y1, kb, rb, bb, go_backwards=True)[:, -1]
    y = np.concatenate([fwd, bwd], axis=1)
    topology = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, T, F], "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "gru_input"}},
        gru_config("gru", H1, True),
        {"class_name": "Bidirectional", "config": {"name": "bidirectional", "trainable": True, "dtype": "float32",
                                                   "layer": gru_config("gru_1", H2, False), "merge_mode": "concat"}}]}}
    weights = [("gru", "gru/gru_cell/kernel:0", k1), ("gru", "gru/gru_cell/recurrent_kernel:0", r1),
               ("gru", "gru/gru_cell/bias:0", b1),
               ("bidirectional", "bidirectional/forward_gru_1/gru_cell_1/kernel:0", kf),
               ("bidirectional", "bidirectional/forward_gru_1/gru_cell_1/recurrent_kernel:0", rf),
               ("bidirectional", "bidirectional/forward_gru_1/gru_cell_1/bias:0", bf),
               ("bidirectional", "bidirectional/backward_gru_1/gru_cell_2/kernel:0", kb),
               ("bidirectional", "bidirectional/backward_gru_1/gru_cell_2/recurrent_kernel:0", rb),
               ("bidirectional", "bidirectional/backward_gru_1/gru_cell_2/bias:0", bb)]
    write_h5(os.path.join(FIXTURES, "gru_reset_after_numpy_reference.h5"), topology, "2.11.0", "tensorflow", weights)
    np.savez(os.path.join(FIXTURES, "gru_reset_after_numpy_reference.io.npz"), x0=x, y0=y.astype(np.float32))


def main():
    out_dir = sys.argv[1]
    os.makedirs(FIXTURES, exist_ok=True)
    for name in sorted(os.listdir(out_dir)):
        if os.path.exists(os.path.join(out_dir, name, "model.json")):
            convert_tfjs(out_dir, name)
    numpy_reference_gru()
    os.makedirs(EXAMPLES, exist_ok=True)
    for f in ("sentiment_classifier.h5", "sentiment_classifier.io.npz"):
        shutil.copyfile(os.path.join(FIXTURES, f), os.path.join(EXAMPLES, f))


if __name__ == "__main__":
    main()
