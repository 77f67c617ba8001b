#!/usr/bin/env python3
"""Shares of the calling thread's CPU samples in async-profiler's collapsed stacks of ProfiledPasses.

  python3 benchmarks/profile/collapsed_shares.py FILE.collapsed [ROWS]

The calling thread is the one whose stacks hold ProfiledPasses.main (async-profiler names it after
what the thread was called when the profile was written, DestroyJavaVM). Prints, as % of its
samples: the frames that take the most time including their callees (recurrent4j's, DL4J's, ND4J's
and the BLAS library's; lambdas and the JDK left out), how much of it waits for RowParallel's other
cores (RowTeam$Worker.await: the other core's share of a split is not done yet), and the frames that
take the most time themselves. The workers' threads (recurrent4j-rows-*) are summed apart.
"""

import collections
import sys

OURS = ("org/recurrent4j/", "org/deeplearning4j/", "org/nd4j/", "libopenblas", "openblas")


def short(frame):
    return frame.split("/")[-1]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: collapsed_shares.py FILE.collapsed [ROWS]")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    inclusive = collections.Counter()
    own = collections.Counter()
    total = 0
    workers = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            frames = stack.split(";")
            n = int(count)
            if frames[0].startswith("[recurrent4j-rows"):
                workers += n
                continue
            if not any("ProfiledPasses.main" in x for x in frames):
                continue
            total += n
            own[short(frames[-1])] += n
            for frame in set(frames[1:]):
                if frame.startswith(OURS) and "$$Lambda" not in frame:
                    inclusive[short(frame)] += n
    if total == 0:
        sys.exit("no samples of the calling thread in " + sys.argv[1])
    print(f"calling thread: {total} samples; RowParallel's workers: {workers}")
    print(f"waiting for the other cores (RowTeam$Worker.await): {100 * inclusive['RowTeam$Worker.await'] / total:.1f}%")
    print("--- including callees")
    for frame, n in inclusive.most_common(rows):
        print(f"{100 * n / total:5.1f}%  {frame}")
    print("--- itself")
    for frame, n in own.most_common(rows // 2):
        print(f"{100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
