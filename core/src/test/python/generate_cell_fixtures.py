#!/usr/bin/env python3
"""Writes the float64 reference fixtures that recurrent4j's cells are compared against.

Run from the repository root (needs PyTorch: `apt-get install python3-torch`, then `/usr/bin/python3`):

    /usr/bin/python3 core/src/test/python/generate_cell_fixtures.py

It is deterministic (fixed seed) and writes core/src/test/resources/fixtures/cells/<case>.json.
The Java test suite reads those files and never runs Python.

Reference: torch.nn.RNN / nn.LSTM / nn.GRU in float64 for the standard cells; for the variants
PyTorch does not have (peephole LSTM, coupled input-forget gate, GRU with the reset gate before the
recurrent product) a plain float64 loop of the published equations, which this script first checks
against nn.LSTM / nn.GRU on the standard variants, so the loop itself is verified.

JSON schema of a case:
  case, cell ("rnn" | "lstm" | "gru"), options {activation, peephole, coupled, reset_after},
  n_in, hidden, batch, steps,
  params: PyTorch layout, keys W_ih [G*H][n_in], W_hh [G*H][H], b_ih [G*H], b_hh [G*H],
          w_peep (peephole LSTM: [3H] = w_ci, w_cf, w_co; coupled: [2H] = w_ci, w_co),
          gate order: LSTM i, f, g, o (coupled: i, g, o); GRU r, z, n,
  input [batch][n_in][steps] (DL4J's NCW layout),
  h0 [batch][hidden], c0 (LSTM),
  output [batch][hidden][steps] from h0/c0, h_n, c_n (LSTM): final states,
  output_zero_state [batch][hidden][steps] from zero initial state.
"""
import json
import os

import torch

N_IN, HIDDEN, BATCH, STEPS = 3, 4, 2, 5
OUT_DIR = os.path.join("core", "src", "test", "resources", "fixtures", "cells")


def uniform(*shape):
    return (torch.rand(*shape, dtype=torch.float64) - 0.5)


def lstm_loop(x, h, c, p, peephole, coupled):
    """x [T, B, n_in]; returns outputs [T, B, H], h_n, c_n. Equations as LstmCell's Javadoc."""
    H = h.shape[1]
    outs = []
    for t in range(x.shape[0]):
        z = x[t] @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T + p["b_hh"]
        if coupled:
            zi, zg, zo = z[:, :H], z[:, H:2 * H], z[:, 2 * H:]
        else:
            zi, zf, zg, zo = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        if peephole:
            w = p["w_peep"]
            w_ci = w[:H]
            w_cf = None if coupled else w[H:2 * H]
            w_co = w[H:2 * H] if coupled else w[2 * H:]
            zi = zi + w_ci * c
            if not coupled:
                zf = zf + w_cf * c
        i = torch.sigmoid(zi)
        f = 1 - i if coupled else torch.sigmoid(zf)
        g = torch.tanh(zg)
        c = f * c + i * g
        if peephole:
            zo = zo + w_co * c
        o = torch.sigmoid(zo)
        h = o * torch.tanh(c)
        outs.append(h)
    return torch.stack(outs), h, c


def gru_loop(x, h, p, reset_after):
    H = h.shape[1]
    outs = []
    for t in range(x.shape[0]):
        gi = x[t] @ p["W_ih"].T + p["b_ih"]
        W_hr, W_hz, W_hn = p["W_hh"][:H], p["W_hh"][H:2 * H], p["W_hh"][2 * H:]
        b_hr, b_hz, b_hn = p["b_hh"][:H], p["b_hh"][H:2 * H], p["b_hh"][2 * H:]
        r = torch.sigmoid(gi[:, :H] + h @ W_hr.T + b_hr)
        z = torch.sigmoid(gi[:, H:2 * H] + h @ W_hz.T + b_hz)
        if reset_after:
            n = torch.tanh(gi[:, 2 * H:] + r * (h @ W_hn.T + b_hn))
        else:
            n = torch.tanh(gi[:, 2 * H:] + (r * h) @ W_hn.T + b_hn)
        h = (1 - z) * n + z * h
        outs.append(h)
    return torch.stack(outs), h


def params_for(gates, peephole_len=0):
    p = {
        "W_ih": uniform(gates * HIDDEN, N_IN),
        "W_hh": uniform(gates * HIDDEN, HIDDEN),
        "b_ih": uniform(gates * HIDDEN),
        "b_hh": uniform(gates * HIDDEN),
    }
    if peephole_len:
        p["w_peep"] = uniform(peephole_len)
    return p


def load_torch_module(module, p):
    with torch.no_grad():
        module.weight_ih_l0.copy_(p["W_ih"])
        module.weight_hh_l0.copy_(p["W_hh"])
        module.bias_ih_l0.copy_(p["b_ih"])
        module.bias_hh_l0.copy_(p["b_hh"])


def ncw(seq):
    """[T, B, F] -> [B][F][T] lists."""
    return seq.permute(1, 2, 0).tolist()


def make_case(name, cell, options):
    x = torch.randn(STEPS, BATCH, N_IN, dtype=torch.float64)
    h0 = uniform(BATCH, HIDDEN)
    c0 = uniform(BATCH, HIDDEN)
    zeros = torch.zeros(BATCH, HIDDEN, dtype=torch.float64)
    record = {"case": name, "cell": cell, "options": options, "n_in": N_IN, "hidden": HIDDEN,
              "batch": BATCH, "steps": STEPS}
    if cell == "rnn":
        p = params_for(1)
        m = torch.nn.RNN(N_IN, HIDDEN, nonlinearity=options["activation"]).double()
        load_torch_module(m, p)
        with torch.no_grad():
            out, h_n = m(x, h0.unsqueeze(0))
            out0, _ = m(x, zeros.unsqueeze(0))
        record.update(h_n=h_n[0].tolist(), output=ncw(out), output_zero_state=ncw(out0),
                      notes="torch.nn.RNN, nonlinearity " + options["activation"])
    elif cell == "lstm":
        peephole, coupled = options["peephole"], options["coupled"]
        gates = 3 if coupled else 4
        p = params_for(gates, (2 if coupled else 3) * HIDDEN if peephole else 0)
        out, h_n, c_n = lstm_loop(x, h0, c0, p, peephole, coupled)
        out0, _, _ = lstm_loop(x, zeros, zeros, p, peephole, coupled)
        if not peephole and not coupled:
            m = torch.nn.LSTM(N_IN, HIDDEN).double()
            load_torch_module(m, p)
            with torch.no_grad():
                ref, (rh, rc) = m(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
            assert torch.allclose(ref, out, atol=1e-13) and torch.allclose(rc[0], c_n, atol=1e-13)
            notes = "torch.nn.LSTM (equal to the plain loop to 1e-13)"
        else:
            notes = "plain float64 loop of LstmCell's equations (the loop matches nn.LSTM on the standard cell)"
        record.update(h_n=h_n.tolist(), c_n=c_n.tolist(), c0=c0.tolist(), output=ncw(out),
                      output_zero_state=ncw(out0), notes=notes)
    else:
        reset_after = options["reset_after"]
        p = params_for(3)
        out, h_n = gru_loop(x, h0, p, reset_after)
        out0, _ = gru_loop(x, zeros, p, reset_after)
        if reset_after:
            m = torch.nn.GRU(N_IN, HIDDEN).double()
            load_torch_module(m, p)
            with torch.no_grad():
                ref, _ = m(x, h0.unsqueeze(0))
            assert torch.allclose(ref, out, atol=1e-13)
            notes = "torch.nn.GRU (equal to the plain loop to 1e-13)"
        else:
            notes = "plain float64 loop, reset gate before the product (Cho et al. 2014)"
        record.update(h_n=h_n.tolist(), output=ncw(out), output_zero_state=ncw(out0), notes=notes)
    record["params"] = {k: v.tolist() for k, v in p.items()}
    record["input"] = ncw(x)
    record["h0"] = h0.tolist()
    return record


CASES = [
    ("rnn_tanh", "rnn", {"activation": "tanh"}),
    ("rnn_relu", "rnn", {"activation": "relu"}),
    ("lstm", "lstm", {"peephole": False, "coupled": False}),
    ("lstm_peephole", "lstm", {"peephole": True, "coupled": False}),
    ("lstm_coupled", "lstm", {"peephole": False, "coupled": True}),
    ("lstm_peephole_coupled", "lstm", {"peephole": True, "coupled": True}),
    ("gru", "gru", {"reset_after": True}),
    ("gru_reset_before", "gru", {"reset_after": False}),
]


def main():
    torch.manual_seed(20261123)
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, cell, options in CASES:
        with open(os.path.join(OUT_DIR, name + ".json"), "w") as f:
            json.dump(make_case(name, cell, options), f, indent=1)
            f.write("\n")
        print("wrote", name)


if __name__ == "__main__":
    main()
