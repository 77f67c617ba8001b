#!/usr/bin/env python3
"""Writes the float64 reference fixtures that recurrent4j's cells are compared against.

Run from the repository root (needs PyTorch and NumPy: `apt-get install python3-torch`, then
`/usr/bin/python3`):

    /usr/bin/python3 testkit/src/test/python/generate_cell_fixtures.py

It is deterministic (fixed seeds) and writes testkit/src/test/resources/fixtures/cells/<case>.npz.
The Java test suite reads those files and never runs Python.

References. Each cell is written here as a plain float64 loop of its published equations (the
equations of the cell classes' Javadoc). Where PyTorch has the cell (nn.RNN, nn.LSTM, nn.GRU),
the loop is first checked against it, outputs and autograd gradients, so the loop itself is
verified; the variants PyTorch lacks (peepholes, coupled gates, the reset gate before the product)
differ from a verified loop by one term each.

Every case holds, for a random input and random parameters (PyTorch layout):
  params     W_ih [rows][k*n_in], W_hh [rows][H], b_ih, b_hh, w_peep (names as PyTorch's)
  input      [B][n_in][T] (DL4J's NCW layout); h0, c0 [B][H] (initial states the cell declares)
  the loss is L = sum(output * R) with R[b][j][t] = cos(0.37 b + 1.13 j + 0.71 t + 1) (the tests
  compute the same R, so it is not stored)
  output     [B][H][T] from h0/c0, and h_n, c_n the final states
  output_zero_state from zero initial states (small cases only)
  grad_input, grad_<param>, grad_h0, grad_c0: dL/d(...) by autograd
With a mask (cases *_masked): mask [B][T], 1 on real steps; the reference runs each example alone
on its real steps (padding leaves no trace: output 0, state carried, no gradient).
Truncated BPTT (cases tbptt_*): T = 8 in segments of `forward` steps, gradient through the last
`back` steps of each segment only, state detached where truncation starts: grad_seg<s>_<param>
and grad_seg<s>_input for each segment s of L_s = sum over the segment's last `back` steps of
output * R.
"""
import os

import numpy as np
import torch

OUT_DIR = os.path.join("testkit", "src", "test", "resources", "fixtures", "cells")
SMALL = dict(n_in=3, hidden=4, batch=3, steps=5)
# H * B = 8192 elements per step: the size at which the cells' row loops run on all cores.
PARALLEL = dict(n_in=4, hidden=32, batch=256, steps=3)

torch.set_default_dtype(torch.float64)


def uniform(*shape, scale=1.0):
    return (torch.rand(*shape) - 0.5) * 2 * scale


# ---------------------------------------------------------------- cells as plain loops
# Each cell: states(H) -> list of state names; rows(H); step(x_t, states, p, opts) -> (h_t, states).

class RnnRef:
    names = ["h"]

    def __init__(self, activation):
        self.act = torch.tanh if activation == "tanh" else torch.relu

    def rows(self, h):
        return h

    def param_shapes(self, n_in, h):
        return {"W_ih": (h, n_in), "W_hh": (h, h), "b_ih": (h,), "b_hh": (h,)}

    def step(self, x, s, p):
        h = self.act(x @ p["W_ih"].T + p["b_ih"] + s["h"] @ p["W_hh"].T + p["b_hh"])
        return h, {"h": h}


class LstmRef:
    names = ["h", "c"]

    def __init__(self, peephole, coupled):
        self.peephole, self.coupled = peephole, coupled

    def rows(self, h):
        return (3 if self.coupled else 4) * h

    def param_shapes(self, n_in, h):
        g = self.rows(h)
        shapes = {"W_ih": (g, n_in), "W_hh": (g, h), "b_ih": (g,), "b_hh": (g,)}
        if self.peephole:
            shapes["w_peep"] = ((2 if self.coupled else 3) * h,)
        return shapes

    def step(self, x, s, p):
        h_prev, c_prev = s["h"], s["c"]
        H = h_prev.shape[1]
        a = x @ p["W_ih"].T + p["b_ih"] + h_prev @ p["W_hh"].T + p["b_hh"]
        if self.coupled:
            ai, ag, ao = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
        else:
            ai, af, ag, ao = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        if self.peephole:
            w = p["w_peep"]
            ai = ai + w[:H] * c_prev
            if not self.coupled:
                af = af + w[H:2 * H] * c_prev
        i = torch.sigmoid(ai)
        f = 1 - i if self.coupled else torch.sigmoid(af)
        c = f * c_prev + i * torch.tanh(ag)
        if self.peephole:
            ao = ao + (w[H:2 * H] if self.coupled else w[2 * H:]) * c
        h = torch.sigmoid(ao) * torch.tanh(c)
        return h, {"h": h, "c": c}


class GruRef:
    names = ["h"]

    def __init__(self, reset_after):
        self.reset_after = reset_after

    def rows(self, h):
        return 3 * h

    def param_shapes(self, n_in, h):
        return {"W_ih": (3 * h, n_in), "W_hh": (3 * h, h), "b_ih": (3 * h,), "b_hh": (3 * h,)}

    def step(self, x, s, p):
        h_prev = s["h"]
        H = h_prev.shape[1]
        gi = x @ p["W_ih"].T + p["b_ih"]
        W, b = p["W_hh"], p["b_hh"]
        r = torch.sigmoid(gi[:, :H] + h_prev @ W[:H].T + b[:H])
        z = torch.sigmoid(gi[:, H:2 * H] + h_prev @ W[H:2 * H].T + b[H:2 * H])
        if self.reset_after:
            n = torch.tanh(gi[:, 2 * H:] + r * (h_prev @ W[2 * H:].T + b[2 * H:]))
        else:
            n = torch.tanh(gi[:, 2 * H:] + (r * h_prev) @ W[2 * H:].T + b[2 * H:])
        h = (1 - z) * n + z * h_prev
        return h, {"h": h}


class IndRnnRef:
    """The IndRNN of the "Writing a cell" example (tests): h_t = tanh(W_ih x_t + b_ih + u * h_{t-1})."""
    names = ["h"]

    def rows(self, h):
        return h

    def param_shapes(self, n_in, h):
        return {"W_ih": (h, n_in), "b_ih": (h,), "u": (h,)}

    def step(self, x, s, p):
        h = torch.tanh(x @ p["W_ih"].T + p["b_ih"] + p["u"] * s["h"])
        return h, {"h": h}


class QrnnRef:
    """QRNN (Bradbury et al.) with a causal window of k steps, oldest first; zero before the start."""
    names = ["c"]

    def __init__(self, pooling, k, zoneout=0.0):
        # zoneout: its expectation, as at inference (1 - f scaled by 1 - p)
        self.pooling, self.k, self.zoneout = pooling, k, zoneout
        self.gates = {"f": 2, "fo": 3, "ifo": 4}[pooling]

    def rows(self, h):
        return self.gates * h

    def param_shapes(self, n_in, h):
        return {"W_ih": (self.gates * h, self.k * n_in), "b_ih": (self.gates * h,)}

    def extra_state(self, B, n_in):
        # The last k-1 inputs, oldest first, as one [B, (k-1) n_in] tensor (so masks blend it like a state).
        return {"x": torch.zeros(B, (self.k - 1) * n_in)} if self.k > 1 else {}

    def step(self, x, s, p):
        window = torch.cat([s["x"], x], 1) if self.k > 1 else x
        a = window @ p["W_ih"].T + p["b_ih"]
        H = a.shape[1] // self.gates
        z, f = torch.tanh(a[:, :H]), torch.sigmoid(a[:, H:2 * H])
        f = 1 - (1 - f) * (1 - self.zoneout)
        if self.pooling == "ifo":
            c = f * s["c"] + torch.sigmoid(a[:, 3 * H:]) * z
        else:
            c = f * s["c"] + (1 - f) * z
        h = c if self.pooling == "f" else torch.sigmoid(a[:, 2 * H:3 * H]) * c
        new = {"c": c}
        if self.k > 1:
            new["x"] = window[:, x.shape[1]:]
        return h, new


class SruRef:
    """SRU (Lei et al.): identity highway when n_in == H, else projected; optional feedback, rescale."""
    names = ["c"]

    def __init__(self, feedback=False, tanh=True, rescale=False, highway_bias=0.0):
        self.feedback, self.tanh, self.rescale, self.highway_bias = feedback, tanh, rescale, highway_bias

    def rows(self, h):
        return None

    def param_shapes(self, n_in, h):
        k = 3 if n_in == h else 4
        shapes = {"W_ih": (k * h, n_in), "b_ih": (2 * h,)}
        if self.feedback:
            shapes["v"] = (2 * h,)
        return shapes

    def step(self, x, s, p):
        H = p["b_ih"].shape[0] // 2
        u = x @ p["W_ih"].T
        c_prev = s["c"]
        vf = p["v"][:H] if self.feedback else 0
        vr = p["v"][H:] if self.feedback else 0
        f = torch.sigmoid(u[:, H:2 * H] + p["b_ih"][:H] + vf * c_prev)
        r = torch.sigmoid(u[:, 2 * H:3 * H] + p["b_ih"][H:] + vr * c_prev)
        c = f * c_prev + (1 - f) * u[:, :H]
        g = torch.tanh(c) if self.tanh else c
        if x.shape[1] == H:
            scale = (1 + 2 * np.exp(self.highway_bias)) ** 0.5 if self.rescale else 1.0
            k = scale * x
        else:
            k = u[:, 3 * H:]
        return r * g + (1 - r) * k, {"c": c}


class OnLstmRef:
    """ON-LSTM (Shen et al. 2019), in the authors' row layout [i~ | f~ | o | c^ | i | f]."""
    names = ["h", "c"]

    def __init__(self, chunk, dropconnect=0.0):
        # dropconnect: as at inference, W_hh scaled by 1 - p
        self.chunk, self.dropconnect = chunk, dropconnect
        self.distances = []

    def rows(self, h):
        return 4 * h + 2 * (h // self.chunk)

    def param_shapes(self, n_in, h):
        r = self.rows(h)
        return {"W_ih": (r, n_in), "W_hh": (r, h), "b_ih": (r,), "b_hh": (r,)}

    def step(self, x, s, p):
        h_prev, c_prev = s["h"], s["c"]
        H = h_prev.shape[1]
        n = H // self.chunk
        a = x @ p["W_ih"].T + p["b_ih"] + h_prev @ (p["W_hh"] * (1 - self.dropconnect)).T + p["b_hh"]
        master_i = 1 - torch.cumsum(torch.softmax(a[:, :n], 1), 1)
        master_f = torch.cumsum(torch.softmax(a[:, n:2 * n], 1), 1)
        # The authors' syntactic distance (distance_cforget), recorded for the fixtures.
        self.distances.append(1 - master_f.mean(1))
        master_i = master_i.repeat_interleave(self.chunk, 1)
        master_f = master_f.repeat_interleave(self.chunk, 1)
        g = a[:, 2 * n:]
        o, cand, i, f = (torch.sigmoid(g[:, :H]), torch.tanh(g[:, H:2 * H]), torch.sigmoid(g[:, 2 * H:3 * H]),
                         torch.sigmoid(g[:, 3 * H:]))
        omega = master_f * master_i
        f_hat = f * omega + (master_f - omega)
        i_hat = i * omega + (master_i - omega)
        c = f_hat * c_prev + i_hat * cand
        h = o * torch.tanh(c)
        return h, {"h": h, "c": c}


VARIANTS = {
    "rnn_tanh": RnnRef("tanh"),
    "rnn_relu": RnnRef("relu"),
    "lstm": LstmRef(False, False),
    "lstm_peephole": LstmRef(True, False),
    "lstm_coupled": LstmRef(False, True),
    "lstm_peephole_coupled": LstmRef(True, True),
    "gru": GruRef(True),
    "gru_reset_before": GruRef(False),
    "indrnn": IndRnnRef(),
    "qrnn_f": QrnnRef("f", 1),
    "qrnn_fo_k2": QrnnRef("fo", 2),
    "qrnn_ifo_k3": QrnnRef("ifo", 3),
    "sru": SruRef(),
    "sru_feedback": SruRef(feedback=True, tanh=False, rescale=True, highway_bias=-1.0),
    "onlstm": OnLstmRef(2),
}


# ---------------------------------------------------------------- running a cell

def run(cell, x, states, p, mask=None):
    """x [T, B, n_in]; states {name: [B, H]}. Returns outputs [T, B, H] (0 on padding) and final states."""
    outs = []
    for t in range(x.shape[0]):
        h, new = cell.step(x[t], states, p)
        if mask is None:
            states = new
            outs.append(h)
        else:
            m = mask[:, t:t + 1]
            states = {k: m * new[k] + (1 - m) * states[k] for k in states}
            outs.append(m * h)
    return torch.stack(outs), states


def run_alone(cell, x, states, p, mask):
    """The masking reference: each example run alone on its real steps, scattered back."""
    T, B = x.shape[0], x.shape[1]
    H = next(iter(states.values())).shape[1]
    out = torch.zeros(T, B, H)
    finals = {k: [] for k in states}
    for b in range(B):
        real = [t for t in range(T) if mask[b, t] == 1]
        sb = {k: v[b:b + 1] for k, v in states.items()}
        if real:
            ob, sb = run(cell, x[real, b:b + 1], sb, p)
            out = out.index_put((torch.tensor(real), torch.tensor([b])), ob[:, 0])
        for k in finals:
            finals[k].append(sb[k][0])
    return out, {k: torch.stack(v) for k, v in finals.items()}


def loss_weights(T, B, H):
    """R [T, B, H] with R[t, b, j] = cos(0.37 b + 1.13 j + 0.71 t + 1)."""
    t = torch.arange(T).view(T, 1, 1)
    b = torch.arange(B).view(1, B, 1)
    j = torch.arange(H).view(1, 1, H)
    return torch.cos(0.37 * b + 1.13 * j + 0.71 * t + 1.0)


def ncw(seq):
    """[T, B, F] -> [B, F, T]."""
    return seq.permute(1, 2, 0)


def check_against_torch(name, cell, sizes):
    """The plain loops of the standard cells equal torch.nn's, outputs and gradients."""
    n_in, H, B, T = sizes["n_in"], sizes["hidden"], sizes["batch"], sizes["steps"]
    if isinstance(cell, RnnRef):
        module = torch.nn.RNN(n_in, H, nonlinearity="tanh" if cell.act is torch.tanh else "relu")
    elif isinstance(cell, LstmRef) and not cell.peephole and not cell.coupled:
        module = torch.nn.LSTM(n_in, H)
    elif isinstance(cell, GruRef) and cell.reset_after:
        module = torch.nn.GRU(n_in, H)
    else:
        return
    module = module.double()
    p = {k: uniform(*s).requires_grad_() for k, s in cell.param_shapes(n_in, H).items()}
    with torch.no_grad():
        module.weight_ih_l0.copy_(p["W_ih"])
        module.weight_hh_l0.copy_(p["W_hh"])
        module.bias_ih_l0.copy_(p["b_ih"])
        module.bias_hh_l0.copy_(p["b_hh"])
    x = torch.randn(T, B, n_in)
    s0 = {k: uniform(B, H) for k in cell.names}
    R = torch.randn(T, B, H)
    out, _ = run(cell, x, s0, p)
    (out * R).sum().backward()
    h0 = s0["h"].unsqueeze(0)
    ref, _ = module(x, (h0, s0["c"].unsqueeze(0)) if "c" in s0 else h0)
    (ref * R).sum().backward()
    assert torch.allclose(out, ref, atol=1e-13, rtol=0), name
    for ours, theirs in [("W_ih", module.weight_ih_l0), ("W_hh", module.weight_hh_l0),
                         ("b_ih", module.bias_ih_l0), ("b_hh", module.bias_hh_l0)]:
        assert torch.allclose(p[ours].grad, theirs.grad, atol=1e-12, rtol=0), (name, ours)


def make_case(cell, sizes, masked, zero_state=True):
    n_in, H, B, T = sizes["n_in"], sizes["hidden"], sizes["batch"], sizes["steps"]
    p = {k: uniform(*s).requires_grad_() for k, s in cell.param_shapes(n_in, H).items()}
    x = torch.randn(T, B, n_in).requires_grad_()
    s0 = {k: uniform(B, H).requires_grad_() for k in cell.names}
    extra = cell.extra_state(B, n_in) if hasattr(cell, "extra_state") else {}
    R = loss_weights(T, B, H)
    mask = None
    if masked:
        mask = torch.ones(B, T)
        for b in range(1, B):
            padded = min(T - 1, b)
            if b % 2 == 1:
                mask[b, T - padded:] = 0   # padding at the end
            else:
                mask[b, :padded] = 0       # padding at the start
        out, final = run_alone(cell, x, {**s0, **extra}, p, mask)
        # The blended loop must agree with running each example alone.
        blended, _ = run(cell, x, {**s0, **extra}, p, mask)
        assert torch.allclose(blended, out, atol=1e-14, rtol=0)
    else:
        out, final = run(cell, x, {**s0, **extra}, p)
    (out * R).sum().backward()
    arrays = {
        "hidden": torch.tensor(float(H)),
        "input": ncw(x.detach()),
        "output": ncw(out.detach()),
        "grad_input": ncw(x.grad),
    }
    if zero_state:
        with torch.no_grad():
            zero_states = {**{k: torch.zeros(B, H) for k in cell.names}, **extra}
            out0 = run_alone(cell, x, zero_states, p, mask)[0] if masked else run(cell, x, zero_states, p)[0]
        arrays["output_zero_state"] = ncw(out0)
    for k in cell.names:
        arrays[k + "0"] = s0[k].detach()
        arrays[k + "_n"] = final[k].detach()
        arrays["grad_" + k + "0"] = s0[k].grad
    for k, v in p.items():
        arrays["param_" + k] = v.detach()
        arrays["grad_" + k] = v.grad
    if mask is not None:
        arrays["mask"] = mask
    return arrays


def make_tbptt_case(cell, forward, back):
    n_in, H, B, T = 3, 4, 2, 8
    p = {k: uniform(*s).requires_grad_() for k, s in cell.param_shapes(n_in, H).items()}
    x = torch.randn(T, B, n_in)
    R = loss_weights(T, B, H)
    arrays = {"hidden": torch.tensor(float(H)), "input": ncw(x), "forward": torch.tensor(float(forward)),
              "back": torch.tensor(float(back))}
    for k, v in p.items():
        arrays["param_" + k] = v.detach()
    states = {k: torch.zeros(B, H) for k in cell.names}
    states.update(cell.extra_state(B, n_in) if hasattr(cell, "extra_state") else {})
    for seg, start in enumerate(range(0, T, forward)):
        end = min(T, start + forward)
        cut = max(start, end - back)
        xs = x[start:end].clone().requires_grad_()
        for v in p.values():
            v.grad = None
        # The steps before the cut run without gradient; the state at the cut is a constant.
        with torch.no_grad():
            _, at_cut = run(cell, xs[:cut - start], states, p) if cut > start else (None, states)
        out, final = run(cell, xs[cut - start:], {k: v.detach() for k, v in at_cut.items()}, p)
        (out * R[cut:end]).sum().backward()
        for k, v in p.items():
            arrays["grad_seg%d_%s" % (seg, k)] = v.grad.clone()
        arrays["grad_seg%d_input" % seg] = ncw(xs.grad)
        states = {k: v.detach() for k, v in final.items()}
    return arrays


def save(name, arrays):
    path = os.path.join(OUT_DIR, name + ".npz")
    # C order: ND4J's .npy reader does not honour fortran_order.
    np.savez_compressed(path, **{k: np.ascontiguousarray(v.detach().numpy(), dtype=np.float64)
                                 for k, v in arrays.items()})
    print("wrote", path, os.path.getsize(path), "bytes")


def main():
    torch.manual_seed(20261128)
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, cell in VARIANTS.items():
        check_against_torch(name, cell, SMALL)
        check_against_torch(name, cell, PARALLEL)
        case = make_case(cell, SMALL, masked=False)
        if name == "onlstm":
            # The last run of make_case is from zero state: its distances are [T][B].
            cell.distances = []
            with torch.no_grad():
                B, n_in = SMALL["batch"], SMALL["n_in"]
                zeros = {k: torch.zeros(B, SMALL["hidden"]) for k in cell.names}
                params = {k[6:]: v for k, v in case.items() if k.startswith("param_")}
                run(cell, case["input"].permute(2, 0, 1), zeros, params)
            case["distance"] = torch.stack(cell.distances).T
        save(name, case)
        save(name + "_masked", make_case(cell, SMALL, masked=True))
    # One case per code path at the size where the row loops run on all cores.
    for name in ["rnn_relu", "lstm_peephole", "lstm_coupled", "gru", "gru_reset_before", "indrnn",
                 "qrnn_ifo_k3", "sru_feedback", "onlstm"]:
        save(name + "_parallel", make_case(VARIANTS[name], PARALLEL, masked=False, zero_state=False))
    # Inference with zoneout and DropConnect: their expectations (the tests compare outputs only).
    save("qrnn_fo_k2_zoneout_inference", make_case(QrnnRef("fo", 2, zoneout=0.3), SMALL, masked=False))
    save("qrnn_ifo_k3_zoneout_inference", make_case(QrnnRef("ifo", 3, zoneout=0.3), SMALL, masked=False))
    save("onlstm_dropconnect_inference", make_case(OnLstmRef(2, dropconnect=0.25), SMALL, masked=False))
    # The SRU's identity highway needs n_in == H.
    square = dict(SMALL, n_in=SMALL["hidden"])
    for name in ["sru", "sru_feedback"]:
        save(name + "_identity", make_case(VARIANTS[name], square, masked=True))
    for name in ["rnn_tanh", "lstm_peephole", "gru", "gru_reset_before", "indrnn", "qrnn_fo_k2", "sru_feedback",
                 "onlstm"]:
        save("tbptt_" + name, make_tbptt_case(VARIANTS[name], forward=3, back=2))


if __name__ == "__main__":
    main()
