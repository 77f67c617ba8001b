#!/usr/bin/env python3
"""Fits the rational tanh of org.recurrent4j.kernel.RationalTanh and measures its float32 error.

  python3 core/src/test/python/fit_rational_tanh.py        (numpy and scipy; about a minute)

tanh(x) ~ x * P(x^2) / Q(x^2) on [-9, 9], P of degree 6 and Q of degree 3 (Q(0) = 1), with the
input clamped to [-9, 9] (tanh(9) is within one float32 ulp of 1). The coefficients minimise the
largest relative error on a dense grid: a linear programme per round, each round weighting by the
previous round's denominator (the differential-correction idea), in float64.

Then the function is evaluated exactly as the Java code does it, in float32 with the same operation
order (numpy's float32 operations round as Java's do; Java never contracts to fused multiply-adds),
for every positive float32 below 20 (the function is odd, and beyond 9 it is constant), and compared
with tanh in float64. It prints the Java constants and the error bounds that the Javadoc states.
"""

import numpy as np
from scipy.optimize import linprog

CLAMP = 9.0
P_DEGREE, Q_DEGREE = 6, 3


def fit():
    x = np.sort(np.concatenate([np.linspace(0, CLAMP, 4000)[1:], np.geomspace(1e-4, 1, 500)]))
    s = x * x
    f = np.tanh(x) / x
    vp = np.vstack([s**k for k in range(P_DEGREE + 1)]).T
    vq = np.vstack([s**k for k in range(1, Q_DEGREE + 1)]).T
    unknowns = P_DEGREE + 1 + Q_DEGREE
    q_previous = np.ones_like(s)
    for _ in range(12):
        # |P(s) - f Q(s)| <= e f Q_previous(s), minimise e
        w = (f * q_previous)[:, None]
        above = np.hstack([vp, -f[:, None] * vq, -w])
        below = np.hstack([-vp, f[:, None] * vq, -w])
        result = linprog(
            np.r_[np.zeros(unknowns), 1.0],
            A_ub=np.vstack([above, below]),
            b_ub=np.r_[f, -f],
            bounds=[(None, None)] * unknowns + [(0, None)],
            method="highs",
        )
        p = result.x[: P_DEGREE + 1]
        q = np.r_[1.0, result.x[P_DEGREE + 1 : unknowns]]
        q_previous = np.polyval(q[::-1], s)
    return p.astype(np.float32), q.astype(np.float32)


def tanh32(x, p, q):
    clamp = np.float32(CLAMP)
    v = np.minimum(np.maximum(x, -clamp), clamp)
    s = v * v
    num = p[-1]
    for k in range(len(p) - 2, -1, -1):
        num = num * s + p[k]
    den = q[-1]
    for k in range(len(q) - 2, -1, -1):
        den = den * s + q[k]
    return (v * num) / den


def measure(p, q):
    top = int(np.float32(20).view(np.int32))
    worst = {"tanh_abs": 0.0, "tanh_ulp": 0.0, "sigmoid_abs": 0.0}
    half = np.float32(0.5)
    for start in range(1, top, 1 << 24):
        x = np.arange(start, min(start + (1 << 24), top), dtype=np.int32).view(np.float32)
        y = tanh32(x, p, q)
        exact = np.tanh(x.astype(np.float64))
        error = np.abs(y.astype(np.float64) - exact)
        ulp = np.spacing(exact.astype(np.float32)).astype(np.float64)
        worst["tanh_abs"] = max(worst["tanh_abs"], error.max())
        worst["tanh_ulp"] = max(worst["tanh_ulp"], (error / ulp).max())
        # sigmoid(2x) = 0.5 + 0.5 tanh(x), and sigmoid(-2x) = 0.5 - 0.5 tanh(x)
        sigmoid = 1.0 / (1.0 + np.exp(-2.0 * x.astype(np.float64)))
        worst["sigmoid_abs"] = max(
            worst["sigmoid_abs"],
            np.abs((half + half * y) - sigmoid).max(),
            np.abs((half - half * y) - (1.0 - sigmoid)).max(),
        )
    return worst


def main():
    p, q = fit()
    print("P (x^0, x^2, ...):", ", ".join(repr(float(c)) + "f" for c in p))
    print("Q (x^0, x^2, ...):", ", ".join(repr(float(c)) + "f" for c in q))
    worst = measure(p, q)
    print(
        "every float32: tanh |error| <= %.3g (%.2f ulp of the result), sigmoid |error| <= %.3g"
        % (worst["tanh_abs"], worst["tanh_ulp"], worst["sigmoid_abs"])
    )


if __name__ == "__main__":
    main()
