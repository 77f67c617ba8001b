#!/usr/bin/env bash
# A real multi-process Spark run on this machine, loopback only, downloading nothing:
# a standalone master and two workers (separate JVMs, one core each), spark-submit of the module's job jar
# (SentimentJob: the sentiment classifier, stacked bidirectional GRU, from labelled text files), one worker
# killed with SIGKILL during epoch 2, then a second submission with --resume that continues from the last
# checkpoint. Prints what happened; everything it writes is under one temporary folder (kept, and named at
# the end); it stops every process it started, on success, failure or Ctrl-C.
#
#   spark/scripts/standalone-run.sh                 generated sentences (8 training files, a dev file)
#   spark/scripts/standalone-run.sh --sst2 DIR      SST-2 instead (DIR/train.tsv cut into 8 files, DIR/dev.tsv)
#   spark/scripts/standalone-run.sh --no-kill       the same without killing a worker
#
# Environment: EPOCHS (default 3, then one more on resume), LIMIT_SECONDS per submission (default 900).
#
# There is no Spark distribution on Maven Central, so the script makes a stand-in: SPARK_HOME/jars holds links
# to the module's class path (Spark and its dependencies, and DL4J's; recurrent4j's own jars are left out, so
# its classes reach the executors only through the job jar, as on a real cluster), and the master, the workers
# and spark-submit are started with `java -cp SPARK_HOME/jars/*` and Spark's own main classes.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

SST2=""
KILL=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sst2) SST2="$2"; shift 2 ;;
    --no-kill) KILL=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "standalone-run.sh: error: unknown argument '$1' (--sst2 DIR, --no-kill, --help)" >&2; exit 2 ;;
  esac
done
EPOCHS=${EPOCHS:-3}
LIMIT_SECONDS=${LIMIT_SECONDS:-900}

WORK=$(mktemp -d /tmp/recurrent4j-standalone.XXXXXX)
LOG="$WORK/run.log"
PIDS=()
cleanup() {
  for file in "$WORK"/*.pid; do
    [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true   # timeout passes it on to its spark-submit
  done
  for pid in "${PIDS[@]}"; do
    kill -- "-$pid" 2>/dev/null || true   # each was started with setsid: its group holds its executors too
  done
  sleep 1
  for pid in "${PIDS[@]}"; do
    kill -9 -- "-$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM
say() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$LOG"; }

say "building the job jar (mvnw -Pjob-jar package)"
./mvnw -B -q -pl spark -am package -DskipTests -Dspotless.check.skip=true -Dmaven.javadoc.skip=true \
  -Dmaven.source.skip=true -Pjob-jar >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
JOB_JAR=$(ls "$ROOT"/spark/target/recurrent4j-spark-*-job.jar)

export SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
i=0
{ tr ':' '\n' <spark/target/classpath.txt; echo; } | while read -r entry; do
  case "$entry" in
    "") ;;
    "$ROOT"/*|*/recurrent4j-*) ;;   # recurrent4j itself travels in the job jar
    *.jar) i=$((i + 1)); ln -s "$entry" "$SPARK_HOME/jars/$i-$(basename "$entry")" ;;
  esac
done
CP="$SPARK_HOME/jars/*"
# What Spark's launcher gives a Java 17 JVM (SparkTrainingConf.JAVA_17_OPTIONS), and the parameter server's timeout.
OPENS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
EXECUTOR_OPTIONS="$OPENS -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=4g -Daeron.publication.unblock.timeout=60000000000"

# --- data -------------------------------------------------------------------------------------------------
DATA="$WORK/data"
mkdir -p "$DATA/train"
if [ -n "$SST2" ]; then
  [ -f "$SST2/train.tsv" ] && [ -f "$SST2/dev.tsv" ] || { echo "standalone-run.sh: error: $SST2 has no train.tsv and dev.tsv" >&2; exit 2; }
  tail -n +2 "$SST2/train.tsv" | split -n r/8 -d - "$DATA/train/part-"
  for f in "$DATA"/train/part-*; do { head -1 "$SST2/train.tsv"; cat "$f"; } >"$f.tsv"; rm "$f"; done
  cp "$SST2/dev.tsv" "$DATA/dev.tsv"
  say "data: SST-2 from $SST2, training set cut into 8 files"
else
  # sentences of 3 to 14 words; label 1 when their opinion words are good ones, 0 when bad ones, with 10% of
  # the labels flipped (so about 90% is the best dev accuracy there is)
  gen() {  # gen FILE SENTENCES SEED
    awk -v n="$2" -v seed="$3" 'BEGIN {
      srand(seed);
      split("good great moving fine superb charming", good, " ");
      split("bad dull awful poor tedious weak", bad, " ");
      split("the film plot actors a story is was and it this music very quite", filler, " ");
      print "sentence\tlabel";
      for (s = 0; s < n; s++) {
        label = int(rand() * 2); len = 3 + int(rand() * 12); line = "";
        op = 1 + int(rand() * 2); at1 = int(rand() * len); at2 = int(rand() * len);
        for (w = 0; w < len; w++) {
          word = filler[1 + int(rand() * 14)];
          if (w == at1 || (op == 2 && w == at2)) word = label ? good[1 + int(rand() * 6)] : bad[1 + int(rand() * 6)];
          line = line (w ? " " : "") word;
        }
        if (rand() < 0.1) label = 1 - label;   # 10% label noise: no model can be right on those
        print line "\t" label;
      }
    }' >"$1"
  }
  for k in 0 1 2 3 4 5 6 7; do gen "$DATA/train/part-$k.tsv" 500 $((k + 1)); done
  gen "$DATA/dev.tsv" 500 99
  say "data: generated, 8 training files of 500 sentences, a dev file of 500, 10% of the labels flipped"
fi

# --- the cluster ------------------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MASTER_PORT=$(free_port)
start() {  # start NAME CLASS ARGS...: a JVM in its own process group, logging to WORK/NAME.log
  local name=$1; shift
  setsid java $OPENS -Xmx512m -cp "$CP" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$name=$!"
}
start master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$(free_port)"
for _ in $(seq 60); do (exec 3<>"/dev/tcp/127.0.0.1/$MASTER_PORT") 2>/dev/null && break; sleep 1; done
MASTER="spark://127.0.0.1:$MASTER_PORT"
for w in 1 2; do
  start "worker$w" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 4g \
    --webui-port "$(free_port)" --work-dir "$WORK/worker$w" "$MASTER"
done
for _ in $(seq 60); do
  [ "$(grep -c 'Registering worker' "$WORK/master.log" || true)" -ge 2 ] && break; sleep 1
done
say "cluster: master $MASTER (pid $PID_master), workers pid $PID_worker1 and $PID_worker2, 1 core and 4g each"

submit() {  # submit NAME ARGS...: spark-submit of the job jar, bounded in time, in the background (its pid in NAME.pid)
  local name=$1; shift
  timeout --kill-after=30 "$LIMIT_SECONDS" java $OPENS -Xmx1g -Dorg.bytedeco.javacpp.maxbytes=2g \
    -Dorg.bytedeco.javacpp.maxphysicalbytes=4g -Daeron.publication.unblock.timeout=60000000000 -cp "$CP" \
    org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode client \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.ui.enabled=false \
    --conf spark.executor.memory=1500m --conf spark.executor.cores=1 \
    --conf "spark.executor.extraJavaOptions=$EXECUTOR_OPTIONS" \
    --class org.recurrent4j.spark.job.SentimentJob "$JOB_JAR" \
    --train "$DATA/train" --dev "$DATA/dev.tsv" --out "$WORK/run" --partitions 4 \
    --embedding 32 --hidden 32 --layers 2 --batch 32 "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
  echo $! >"$WORK/$name.pid"
}

# --- first submission: a worker dies during epoch 2 -----------------------------------------------------
say "submission 1: --epochs $EPOCHS"
set +e
submit submit1 --epochs "$EPOCHS"
SUBMIT=$(cat "$WORK/submit1.pid")
if [ "$KILL" = 1 ]; then
  for _ in $(seq "$LIMIT_SECONDS"); do
    grep -q '^epoch 1/' "$WORK/submit1.out" 2>/dev/null && break
    kill -0 "$SUBMIT" 2>/dev/null || break
    sleep 1
  done
  sleep 5
  EXECUTOR=$(pgrep -f "CoarseGrainedExecutorBackend.*worker2" || pgrep -P "$PID_worker2" || true)
  say "killing worker 2 (pid $PID_worker2) with SIGKILL during epoch 2; its executor: ${EXECUTOR:-none}"
  kill -9 "$PID_worker2"
fi
wait "$SUBMIT"; STATUS1=$?
set -e
say "submission 1 exited with status $STATUS1; its output:"
sed 's/^/    /' "$WORK/submit1.out" | tee -a "$LOG"
grep -E '^sentiment-on-spark' "$WORK/submit1.log" | sed 's/^/    /' | tee -a "$LOG" || true
say "what the master saw:"
grep -E 'Removing worker|lost|Lost|Removing executor|Launching executor|worker.*DEAD|Registering app|Removing app' \
  "$WORK/master.log" | sed 's/^/    /' | tee -a "$LOG" | tail -15 || true
say "what the driver saw (task failures and retries):"
grep -E 'Lost executor|Lost task|Resubmitt|ExecutorLostFailure|Removed executor|retry|aborting|failed [0-9]+ times|failed because|No more replicas' "$WORK/submit1.log" \
  | cut -c1-220 | sed 's/^/    /' | tee -a "$LOG" | head -15 || true

# --- second submission: resume from the newest checkpoint ----------------------------------------------
say "checkpoints: $(ls "$WORK/run/checkpoints" 2>/dev/null | tr '\n' ' ')"
NEXT=$((EPOCHS + 1))
say "submission 2: --resume --epochs $NEXT (on the remaining worker)"
set +e
submit submit2 --resume --epochs "$NEXT"
wait "$(cat "$WORK/submit2.pid")"; STATUS2=$?
set -e
say "submission 2 exited with status $STATUS2; its output:"
sed 's/^/    /' "$WORK/submit2.out" | tee -a "$LOG"
grep -E '^sentiment-on-spark' "$WORK/submit2.log" | sed 's/^/    /' | tee -a "$LOG" || true
say "done; everything is in $WORK (run.log, the processes' logs, the run directory)"
[ "$STATUS2" = 0 ]
