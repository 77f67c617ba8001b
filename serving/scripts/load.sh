#!/usr/bin/env bash
# The model server's load figures (docs/serving.md): serves a sentiment and a char-RNN model on
# loopback and measures each with N concurrent clients for a fixed time, then at twice the
# sustainable rate, and the heap before and after 10,000 requests. Bounded: every phase has a
# fixed duration or request count, and only 127.0.0.1 is addressed.
#
#   serving/scripts/load.sh [SENTIMENT_DIR] [CHAR_RNN_DIR]    (defaults: runs/sentiment runs/char-rnn)
#   CLIENTS=8 SECONDS_PER_PHASE=20 serving/scripts/load.sh
#
# Run it on a quiet machine (uptime's 1-minute load below 2.5): the figures are timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
sentiment=${1:-runs/sentiment}
charrnn=${2:-runs/char-rnn}
for dir in "$sentiment" "$charrnn"; do
  [[ -d "$dir" ]] || { echo "load.sh: no model directory $dir (train one first, e.g. ./recurrent4j char-rnn)" >&2; exit 2; }
done
echo "load.sh: building (tests skipped)..." >&2
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl examples -am package >&2
classpath="$PWD/examples/target/classes:$(cat examples/target/classpath.txt)"
echo "machine: $(nproc) cores; $(uptime)"
exec java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=6g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classpath" org.recurrent4j.examples.serving.LoadFigures \
  --sentiment "$sentiment" --char-rnn "$charrnn" \
  --clients "${CLIENTS:-8}" --seconds "${SECONDS_PER_PHASE:-20}" --requests "${REQUESTS:-10000}"
