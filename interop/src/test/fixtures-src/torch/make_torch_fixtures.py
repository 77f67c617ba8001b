#!/usr/bin/env python3
"""Makes the PyTorch fixtures of recurrent4j-interop's tests, and checks recurrent4j's exports.

Run with Debian's python3-torch (1.13) from the repository root:

    /usr/bin/python3 interop/src/test/fixtures-src/torch/make_torch_fixtures.py make
    /usr/bin/python3 interop/src/test/fixtures-src/torch/make_torch_fixtures.py check-export

`make` writes interop/src/test/resources/fixtures/torch/: for each case the weights as PyTorch saves
them (torch.save of the state_dict; some also as np.savez and safetensors), the input and
PyTorch's own output (NAME.io.npz: x, y, h_n[, c_n]). Bad files (proj_size, the legacy format, a
pickled module) are made here too, so the refusals are tested on what PyTorch really writes.

`check-export` loads the files recurrent4j exported (export/*.safetensors, export/*.npz, written by
ExportFixtures in the test sources) into fresh PyTorch modules and checks that PyTorch computes,
on the stored input, the output recurrent4j computed.
"""
import json
import os
import shutil
import struct
import sys

import numpy as np
import torch

OUT = os.path.join("interop", "src", "test", "resources", "fixtures", "torch")


def write_safetensors(path, tensors):
    """safetensors by hand (the package is not in Debian): u64 header length, JSON header, raw LE data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        dtype = {np.dtype("float32"): "F32", np.dtype("float64"): "F64"}[a.dtype]
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F32": "<f4", "F64": "<f8"}[e["dtype"]]
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:end], dtype=dtype).reshape(e["shape"]).copy())
    return out


def run(module, x):
    with torch.no_grad():
        y, state = module(x)
    if isinstance(state, tuple):
        return y, state[0], state[1]
    return y, state, None


def save_io(name, x, y, h, c=None):
    arrays = {"x": x.numpy(), "y": y.numpy(), "h_n": h.numpy()}
    if c is not None:
        arrays["c_n"] = c.numpy()
    np.savez(os.path.join(OUT, name + ".io.npz"), **arrays)


def case(name, module, x, formats=("pt",), prefix=""):
    module.eval()
    y, h, c = run(module, x)
    sd = {prefix + k: v for k, v in module.state_dict().items()}
    if "pt" in formats:
        torch.save(sd, os.path.join(OUT, name + ".pt"))
    if "npz" in formats:
        np.savez(os.path.join(OUT, name + ".npz"), **{k: v.numpy() for k, v in sd.items()})
    if "safetensors" in formats:
        write_safetensors(os.path.join(OUT, name + ".safetensors"), sd)
    save_io(name, x, y, h, c)


class Tagger(torch.nn.Module):
    """A module holding a GRU beside other layers: the state_dict has more than the recurrent module."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(7, 3)
        self.encoder = torch.nn.Module()
        self.encoder.gru = torch.nn.GRU(3, 4, bidirectional=True, batch_first=True)
        self.out = torch.nn.Linear(8, 2)


def make():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(1234)
    # LSTM, 2 layers, bidirectional, batch_first, float32: in all three formats.
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    case("lstm_2layer_bidir_batchfirst", lstm, torch.randn(2, 5, 3), ("pt", "npz", "safetensors"))
    # GRU without biases, float64, time-major input.
    gru = torch.nn.GRU(3, 4, bias=False).double()
    case("gru_nobias_float64", gru, torch.randn(6, 2, 3, dtype=torch.float64), ("pt", "npz"))
    # RNN with ReLU, 2 layers, time-major.
    rnn = torch.nn.RNN(3, 5, num_layers=2, nonlinearity="relu")
    case("rnn_relu_2layer", rnn, torch.randn(4, 3, 3), ("pt", "safetensors"))
    # RNN tanh, bidirectional, one layer, batch of one.
    rnn = torch.nn.RNN(2, 3, bidirectional=True, batch_first=True)
    case("rnn_tanh_bidir", rnn, torch.randn(1, 7, 2), ("npz",))
    # GRU inside a larger model: the state_dict names it encoder.gru.
    tagger = Tagger()
    tagger.eval()
    x = torch.randn(3, 4, 3)
    y, h, _ = run(tagger.encoder.gru, x)
    torch.save(tagger.state_dict(), os.path.join(OUT, "tagger_gru_bidir.pt"))
    save_io("tagger_gru_bidir", x, y, h)
    # A non-contiguous tensor (a transposed view) and two tensors sharing one storage.
    lstm = torch.nn.LSTM(3, 2)
    sd = lstm.state_dict()
    wih = torch.randn(3, 8).t()  # [8, 3], strides (1, 8)
    both = torch.randn(16)
    sd["weight_ih_l0"] = wih
    sd["bias_ih_l0"] = both[:8]
    sd["bias_hh_l0"] = both[8:]
    lstm.load_state_dict(sd)
    torch.save(sd, os.path.join(OUT, "lstm_strided_views.pt"))
    x = torch.randn(5, 1, 3)
    y, h, c = run(lstm, x)
    save_io("lstm_strided_views", x, y, h, c)
    # Refused: proj_size, the legacy format, a pickled module.
    torch.save(torch.nn.LSTM(3, 4, proj_size=2).state_dict(), os.path.join(OUT, "bad_lstm_proj_size.pt"))
    torch.save(torch.nn.GRU(3, 4).state_dict(), os.path.join(OUT, "bad_legacy_format.pt"),
               _use_new_zipfile_serialization=False)
    torch.save(torch.nn.GRU(3, 4), os.path.join(OUT, "bad_pickled_module.pt"))
    # The examples module's test of `recurrent4j import --from pytorch` reads two of them.
    examples = os.path.join("examples", "src", "test", "resources", "fixtures", "interop")
    os.makedirs(examples, exist_ok=True)
    for f in ("rnn_relu_2layer.safetensors", "bad_lstm_proj_size.pt"):
        shutil.copyfile(os.path.join(OUT, f), os.path.join(examples, f))


def check_export():
    """Loads recurrent4j's exports into PyTorch and compares outputs with recurrent4j's."""
    folder = os.path.join(OUT, "export")
    with open(os.path.join(folder, "modules.json")) as f:
        modules = json.load(f)
    failures = 0
    for name, spec in modules.items():
        io = np.load(os.path.join(folder, name + ".io.npz"))
        cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[spec["kind"]]
        kwargs = dict(num_layers=spec["num_layers"], bidirectional=spec["bidirectional"], batch_first=True)
        if spec["kind"] == "RNN":
            kwargs["nonlinearity"] = spec["nonlinearity"]
        for fmt in ("safetensors", "npz"):
            path = os.path.join(folder, name + "." + fmt)
            sd = read_safetensors(path) if fmt == "safetensors" else {k: torch.from_numpy(v) for k, v in np.load(path).items()}
            dtype = next(iter(sd.values())).dtype
            module = cls(spec["input_size"], spec["hidden_size"], **kwargs).to(dtype)
            module.load_state_dict(sd, strict=True)
            x = torch.from_numpy(io["x"])
            y, _, _ = run(module, x)
            expected = io["y"]
            tol = 1e-5 if dtype == torch.float32 else 1e-12
            err = np.max(np.abs(y.numpy() - expected) / (np.abs(expected) + 1e-3))
            status = "ok" if err < tol else "MISMATCH"
            failures += status != "ok"
            print(f"{name}.{fmt}: {spec} max relative difference {err:.2e} {status}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    {"make": make, "check-export": check_export}[sys.argv[1]]()
