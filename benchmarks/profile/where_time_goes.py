#!/usr/bin/env python3
"""Sorts a Flight Recorder recording of ProfiledPasses into where the time goes.

  python3 benchmarks/profile/where_time_goes.py RECORDING.jfr

Reads the recording with the JDK's `jfr print` (full stacks) and puts each sample of a thread
working for the network (the caller of fit/output, and the layer's RowParallel workers) in the
first category its stack matches, in this order:

  layer: OpenBLAS GEMM             the layer's matrix products (kernel.Blas)
  layer: element-wise step loops   the cells' passes (gates, recurrences, their gradients)
  layer: input projection          InputProjector (the projection's own loops, bias terms)
  layer: layout copies and state   the rest of CellLoopLayer (input/output/gradient permutes, masks)
  DL4J output layer and loss       RnnOutputLayer, the softmax and cross-entropy
  updater                          Adam and the gradient views
  workspaces, other DL4J, other

Java samples (jdk.ExecutionSample, threads running Java code) and native samples
(jdk.NativeMethodSample, Java threads inside native code: OpenBLAS, ND4J's ops) are counted apart,
as the JDK samples them at different rates (10 and 20 ms with settings=profile). Native samples
count a thread in native code whether it runs or waits for a core, so on a loaded machine they
overstate multi-threaded native calls: profile on a quiet machine.
"""

import collections
import re
import subprocess
import sys

CATEGORIES = [
    ("layer: OpenBLAS GEMM", r"kernel\.Blas"),
    ("layer: element-wise step loops", r"recurrent4j\.cell\.\w+\$\w*Pass|forwardRows|backwardRows"),
    ("layer: input projection", r"InputProjector"),
    ("layer: layout copies and state", r"CellLoopLayer|SequenceState"),
    ("DL4J output layer and loss", r"BaseOutputLayer|RnnOutputLayer|LossMCXENT|computeScore"),
    ("updater", r"nn\.updater|AdamUpdater|GradientUpdater|UpdaterBlock"),
    ("workspaces", r"Workspace"),
    ("other DL4J", r"deeplearning4j"),
]
WORKING = re.compile(r"MultiLayerNetwork\.(fit|output)|RowParallel|recurrent4j\.cell\.")
FRAME = re.compile(r"^\s+([\w$.<>]+)\(", re.M)


def stacks(recording, event):
    text = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", event, recording],
                          check=True, capture_output=True, text=True).stdout
    for block in text.split(event + " {")[1:]:
        frames = FRAME.findall(block)
        if frames and any(WORKING.search(f) for f in frames):
            yield frames


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for event, period in (("jdk.ExecutionSample", "Java"), ("jdk.NativeMethodSample", "native")):
        counts = collections.Counter()
        tops = collections.Counter()
        total = 0
        for frames in stacks(sys.argv[1], event):
            total += 1
            tops[frames[0]] += 1
            for name, pattern in CATEGORIES:
                if any(re.search(pattern, f) for f in frames):
                    counts[name] += 1
                    break
            else:
                counts["other"] += 1
        print("%s samples: %d" % (period, total))
        for name, _ in CATEGORIES + [("other", None)]:
            if counts[name]:
                print("  %5.1f%%  %s" % (100.0 * counts[name] / total, name))
        print("  top frames: " + ", ".join(
            "%s %d" % (".".join(f.split(".")[-2:]), n) for f, n in tops.most_common(10)))


if __name__ == "__main__":
    main()
