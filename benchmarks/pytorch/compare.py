#!/usr/bin/env python3
"""PyTorch's side of the peer comparison (benchmarks/run --peer runs it between rounds of the JMH side).

Times, with the same work as the JMH suite's RecurrentLayerBenchmark and StepLatencyBenchmark:

  training   one step: forward of the recurrent layer and a 16-class softmax at every step,
             cross-entropy over all steps, backward, Adam (lr 1e-3)
  inference  forward of the layer and the softmax, no gradient
  step       per-token latency at batch 1: one step of the layer from its state, then the softmax

for PyTorch's LSTM, GRU and RNN (tanh), float32, on the CPU with --threads threads (2, as ND4J uses
here). Our QRNN, SRU and ON-LSTM have no PyTorch built-in: the report compares them with PyTorch's
LSTM, their nearest built-in equivalent.

Prints one JSON object per measurement on stdout:
  {"cell": "lstm", "kind": "training", "batch": 32, "steps": 100, "nin": 128, "hidden": 256, "ms": 59.4}
(kind "step" rows have "ms" per token). Medians over --repeats timed calls after --warmup calls.
The first line says what PyTorch runs on, so that a report states it:
  {"kind": "environment", "torch": "1.13.0a0", "blas": "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"}
Debian's python3-torch calls whatever libblas.so.3 the system's alternatives select; with only the
reference BLAS installed its times are 5-15x slower, and the script warns on stderr
(apt-get install -y libopenblas0-pthread selects OpenBLAS).

  python3 benchmarks/pytorch/compare.py                          # the issue's shape, B 32, T 100, nIn 128, H 256
  python3 benchmarks/pytorch/compare.py --shape 8x50x64x512      # other shapes: BATCHxSTEPSxNINxHIDDEN, repeatable
"""

import argparse
import json
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print("PyTorch is not installed: apt-get install -y python3-torch libopenblas0-pthread", file=sys.stderr)
    sys.exit(3)

CLASSES = 16
CELLS = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}


def parse_shape(text):
    parts = text.lower().split("x")
    if len(parts) != 4 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(
            "a shape is BATCHxSTEPSxNINxHIDDEN with positive integers, e.g. 32x100x128x256, got " + text)
    return tuple(int(p) for p in parts)


class Tagger(torch.nn.Module):
    """The recurrent layer and a softmax classifier at every step, as the JMH networks are."""

    def __init__(self, cell, n_in, hidden):
        super().__init__()
        self.rnn = CELLS[cell](n_in, hidden)
        self.out = torch.nn.Linear(hidden, CLASSES)

    def forward(self, x, state=None):
        h, state = self.rnn(x, state)
        return self.out(h), state


def median_ms(call, warmup, repeats, per=1):
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000.0 / per)
    return statistics.median(times)


def sequence_rows(cell, batch, steps, n_in, hidden, warmup, repeats):
    torch.manual_seed(42)
    model = Tagger(cell, n_in, hidden)
    # PyTorch's own layout, [T, B, nIn]: the same numbers as the JMH side's [B, nIn, T].
    x = torch.rand(steps, batch, n_in) - 0.5
    labels = torch.tensor([[(b * 7 + t) % CLASSES for b in range(batch)] for t in range(steps)])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train():
        optimizer.zero_grad()
        logits, _ = model(x)
        loss = loss_fn(logits.reshape(-1, CLASSES), labels.reshape(-1))
        loss.backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            logits, _ = model(x)
            torch.softmax(logits, dim=-1)

    shape = {"batch": batch, "steps": steps, "nin": n_in, "hidden": hidden}
    yield dict(cell=cell, kind="training", ms=median_ms(train, warmup, repeats), **shape)
    yield dict(cell=cell, kind="inference", ms=median_ms(infer, warmup, repeats), **shape)


def step_row(cell, n_in, hidden, warmup, repeats, tokens=100):
    torch.manual_seed(42)
    model = Tagger(cell, n_in, hidden)
    x = torch.rand(1, 1, n_in) - 0.5

    def generate():
        with torch.no_grad():
            state = None
            for _ in range(tokens):
                logits, state = model(x, state)
                torch.softmax(logits, dim=-1)

    ms = median_ms(generate, warmup, repeats, per=tokens)
    return dict(cell=cell, kind="step", ms=ms, batch=1, steps=1, nin=n_in, hidden=hidden)


def blas_libraries():
    """The BLAS libraries mapped into this process once PyTorch has run a product."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    found = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                path = line.split()[-1]
                name = path.rsplit("/", 1)[-1].lower()
                if path.startswith("/") and ("blas" in name or "mkl" in name) and path not in found:
                    found.append(path)
    except OSError:
        return "unknown (no /proc/self/maps)"
    return ", ".join(found) if found else "none mapped (PyTorch's own kernels)"


def environment_row():
    blas = blas_libraries()
    if "/blas/libblas" in blas and "openblas" not in blas:
        print("warning: PyTorch runs on Debian's reference BLAS (" + blas + "), 5-15x slower than OpenBLAS;"
              " apt-get install -y libopenblas0-pthread selects OpenBLAS", file=sys.stderr)
    return dict(kind="environment", torch=torch.__version__, blas=blas)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", type=parse_shape, action="append",
                        help="BATCHxSTEPSxNINxHIDDEN (repeatable; default 32x100x128x256)")
    parser.add_argument("--step-hidden", type=int, action="append",
                        help="hidden sizes of the batch-1 step latency (repeatable; default 256 and 512)")
    parser.add_argument("--step-nin", type=int, default=128, help="input size of the step latency (default 128)")
    parser.add_argument("--cells", default="lstm,gru,rnn", help="comma-separated: lstm, gru, rnn")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    cells = [c.strip() for c in args.cells.split(",") if c.strip()]
    for c in cells:
        if c not in CELLS:
            parser.error("unknown cell '%s'; cells: %s" % (c, ", ".join(CELLS)))
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    shapes = args.shape or [(32, 100, 128, 256)]
    print(json.dumps(environment_row()), flush=True)
    for cell in cells:
        for batch, steps, n_in, hidden in shapes:
            for row in sequence_rows(cell, batch, steps, n_in, hidden, args.warmup, args.repeats):
                print(json.dumps(row), flush=True)
        for hidden in args.step_hidden or [256, 512]:
            print(json.dumps(step_row(cell, args.step_nin, hidden, args.warmup, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
