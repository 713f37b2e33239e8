#!/usr/bin/env bash
# Builds and runs every benchmark, then writes docs/benchmarks.md.
#
#   benchmarks/run.sh                 full run (about 17 minutes on 2 cores, plus the build) -> docs/benchmarks.md
#   QUICK=1 benchmarks/run.sh         smoke run (about 3 minutes)           -> benchmarks/target/benchmarks-quick.md
#
# Environment: QUICK=1 (short iterations, output outside docs/), OUT=<file> (report path),
# SKIP_BUILD=1 (reuse benchmarks/target/benchmarks.jar).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
QUICK=${QUICK:-0}
JAR=benchmarks/target/benchmarks.jar
RESULTS=benchmarks/target/results
COMMAND="benchmarks/run.sh"

if [[ "$QUICK" == "1" ]]; then
  JMH_OPTS=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
  POINT_SELECT_OPTS=("${JMH_OPTS[@]}")
  FIGURES_MODE=quick
  OUT=${OUT:-benchmarks/target/benchmarks-quick.md}
  COMMAND="QUICK=1 benchmarks/run.sh"
else
  JMH_OPTS=(-f 1 -wi 2 -i 3 -w 2s -r 2s)
  # the point select is the read hot path (issue 10): its differences are a few percent, so it gets
  # enough forks and iterations for an error bar smaller than that (about 4.5 minutes per thread count)
  POINT_SELECT_OPTS=(-f 3 -wi 5 -i 8 -w 2s -r 2s)
  FIGURES_MODE=full
  OUT=${OUT:-docs/benchmarks.md}
fi

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "== build"
  mvn -q -B -DskipTests -pl benchmarks -am package
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
START=$(date +%s)

# Shardline is a contender in the 2-shard benchmarks only once it answers them correctly.
echo "== probe: does Shardline run the 2-shard workloads?"
if java -cp "$JAR" io.shardline.benchmarks.ShardingProbe > "$RESULTS/sharding-probe.txt" 2> "$RESULTS/sharding-probe.err"; then
  SHARDED_CONTENDERS=raw,shardline,shardingsphere
else
  SHARDED_CONTENDERS=raw,shardingsphere
fi
cat "$RESULTS/sharding-probe.txt"

for t in 1 2; do
  echo "== primary + 2 replicas, point select, $t thread(s)"
  java -jar "$JAR" 'io.shardline.benchmarks.PrimaryReplicaBenchmark.pointSelect' "${POINT_SELECT_OPTS[@]}" -t "$t" \
      -p contender=raw,shardline,shardingsphere \
      -rf json -rff "$RESULTS/primary-replica-select-t$t.json" > "$RESULTS/primary-replica-select-t$t.log" 2>&1 \
      || { tail -50 "$RESULTS/primary-replica-select-t$t.log"; exit 1; }
  grep -E '^(Benchmark|PrimaryReplica)' "$RESULTS/primary-replica-select-t$t.log" || true
  echo "== primary + 2 replicas, insert, $t thread(s)"
  java -jar "$JAR" 'io.shardline.benchmarks.PrimaryReplicaBenchmark.insert' "${JMH_OPTS[@]}" -t "$t" \
      -p contender=raw,shardline,shardingsphere \
      -rf json -rff "$RESULTS/primary-replica-insert-t$t.json" > "$RESULTS/primary-replica-insert-t$t.log" 2>&1 \
      || { tail -50 "$RESULTS/primary-replica-insert-t$t.log"; exit 1; }
  grep -E '^(Benchmark|PrimaryReplica)' "$RESULTS/primary-replica-insert-t$t.log" || true
  echo "== 2 shards, $t thread(s)"
  java -jar "$JAR" 'io.shardline.benchmarks.TwoShardBenchmark' "${JMH_OPTS[@]}" -t "$t" \
      -p contender="$SHARDED_CONTENDERS" \
      -rf json -rff "$RESULTS/two-shard-t$t.json" > "$RESULTS/two-shard-t$t.log" 2>&1 \
      || { tail -50 "$RESULTS/two-shard-t$t.log"; exit 1; }
  grep -E '^(Benchmark|TwoShard)' "$RESULTS/two-shard-t$t.log" || true
done

for t in 1 2; do
  echo "== Hibernate read/write mix, $t thread(s)"
  java -jar "$JAR" 'io.shardline.benchmarks.HibernateMixBenchmark' "${JMH_OPTS[@]}" -t "$t" \
      -p contender=raw,shardline,shardingsphere \
      -rf json -rff "$RESULTS/hibernate-mix-t$t.json" > "$RESULTS/hibernate-mix-t$t.log" 2>&1 \
      || { tail -50 "$RESULTS/hibernate-mix-t$t.log"; exit 1; }
  grep -E '^(Benchmark|HibernateMix)' "$RESULTS/hibernate-mix-t$t.log" || true
done

for t in 1 2; do
  echo "== routing decision alone, $t thread(s)"
  java -jar "$JAR" 'io.shardline.benchmarks.RoutingDecisionBenchmark' "${JMH_OPTS[@]}" -t "$t" \
      -rf json -rff "$RESULTS/routing-decision-t$t.json" > "$RESULTS/routing-decision-t$t.log" 2>&1 \
      || { tail -50 "$RESULTS/routing-decision-t$t.log"; exit 1; }
  grep -E '^(Benchmark|RoutingDecision)' "$RESULTS/routing-decision-t$t.log" || true
done

echo "== Shardline-only figures"
java -cp "$JAR" io.shardline.benchmarks.ShardlineFigures "$RESULTS/shardline-figures.json" "$FIGURES_MODE" \
    > "$RESULTS/shardline-figures.log" 2>&1 || { tail -50 "$RESULTS/shardline-figures.log"; exit 1; }

echo "== verify throughput (1,000,000 rows)"
VERIFY_ROWS=1000000
[[ "$QUICK" == "1" ]] && VERIFY_ROWS=100000
java -cp "$JAR" io.shardline.benchmarks.VerifyThroughput "$VERIFY_ROWS" 5000 > "$RESULTS/verify-throughput.txt" 2> "$RESULTS/verify-throughput.err" \
    || { tail -50 "$RESULTS/verify-throughput.err"; exit 1; }
cat "$RESULTS/verify-throughput.txt"

# row-based change capture (issue 11): one replica's apply rate, and write scaling on MariaDB
APPLY_ROWS=50000
WS_SECONDS=5
WS_ROUNDS=2
if [[ "$QUICK" == "1" ]]; then APPLY_ROWS=10000; WS_SECONDS=1; WS_ROUNDS=1; fi
if mariadb -uroot -h127.0.0.1 -e 'SELECT 1' >/dev/null 2>&1; then
  APPLY_ENGINES=both
else
  APPLY_ENGINES=h2
  echo "(the local MariaDB is not running: apply throughput on H2 only, no write scaling)"
fi
echo "== apply throughput (one replica)"
java -cp "$JAR" io.shardline.benchmarks.ApplyThroughput "$APPLY_ROWS" 1 "$APPLY_ENGINES" > "$RESULTS/apply-throughput.txt" \
    2> "$RESULTS/apply-throughput.err" || { tail -50 "$RESULTS/apply-throughput.err"; exit 1; }
grep '^|' "$RESULTS/apply-throughput.txt"
if [[ "$APPLY_ENGINES" == "both" ]]; then
  echo "== MariaDB write scaling"
  java -cp "$JAR" io.shardline.benchmarks.WriteScaling "$WS_SECONDS" "$WS_ROUNDS" > "$RESULTS/write-scaling.txt" \
      2> "$RESULTS/write-scaling.err" || { tail -50 "$RESULTS/write-scaling.err"; exit 1; }
  grep '^|' "$RESULTS/write-scaling.txt"
fi

# a JMH run that failed inside a benchmark still exits 0: refuse to report it
if grep -l '<failure>' "$RESULTS"/*.log; then
  echo "a benchmark failed (see the logs above in $RESULTS)" >&2
  exit 1
fi

END=$(date +%s)
mkdir -p "$(dirname "$OUT")"
python3 benchmarks/report.py \
    --results "$RESULTS" \
    --command "$COMMAND" \
    --jmh-options "${JMH_OPTS[*]}" \
    --point-select-options "${POINT_SELECT_OPTS[*]}" \
    --seconds $((END - START)) \
    --quick "$QUICK" > "$OUT"
echo "== wrote $OUT ($((END - START)) s of measurement)"
