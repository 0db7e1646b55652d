#!/usr/bin/env bash
# Event-log benchmarks (called by `make bench`): figures printed next to their targets and, for
# append throughput, next to a raw SOFAJRaft baseline measured in the same run. Not tests: the
# numbers depend on the machine (they were sized for 2 cores; about 1.5 + 0.5 minutes).
#
#   scripts/bench-eventlog.sh                 # both
#   scripts/bench-eventlog.sh append [ARGS]   # AppendThroughputBench only (ARGS: --rounds 5, --cases raw-1n,...)
#   scripts/bench-eventlog.sh recovery [ARGS] # RecoveryBench only (ARGS: --snapshot-every 1000, ...)
#
# Environment: MVN (default "mvn -B -q"), MVN_OFFLINE (default empty; "-o" keeps Maven
# offline), SKIP_BUILD=1 (use what is built), BENCH_JAVA_OPTS (extra JVM flags).
# Profiling with JFR: jraft installs a SIGUSR2 handler, which is the signal HotSpot uses to
# sample threads; run with _JAVA_SR_SIGNUM=39 or JFR gets almost no samples and every sample
# makes jraft write node_describe/node_metrics files into the working directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
which="${1:-all}"
[ $# -gt 0 ] && shift
case "$which" in all|append|recovery) ;; *) echo "usage: $0 [all|append|recovery] [args for the main]" >&2; exit 2 ;; esac

# MVN and MVN_OFFLINE hold several words each (a command and its flags): split into arrays.
read -r -a MVN <<< "${MVN:-mvn -B -q}"
read -r -a MVN_OFFLINE <<< "${MVN_OFFLINE-}"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building upone-core, upone-eventlog, upone-bench (and what upone-bench depends on) ..."
  "${MVN[@]}" "${MVN_OFFLINE[@]}" install -DskipTests -pl modules/upone-bench -am
  "${MVN[@]}" "${MVN_OFFLINE[@]}" -f modules/upone-bench/pom.xml dependency:build-classpath \
    -Dmdep.outputFile="$ROOT/modules/upone-bench/target/bench.cp" >/dev/null
fi
CP="$ROOT/modules/upone-bench/target/classes:$(cat "$ROOT/modules/upone-bench/target/bench.cp")"

# The JVMs run in a scratch directory (jraft may write files into its working directory);
# their own temp dirs go away with them. Whatever happens, nothing stays behind.
RUNDIR=$(mktemp -d -t upone-bench-run.XXXXXX)
trap 'rm -rf "$RUNDIR"' EXIT
trap 'exit 130' INT TERM

# ParallelGC, as in k8s-free-deploy/upone.env: the projection replaces many small immutable objects,
# which costs G1 far more (batched ratio to raw about 0.5 under G1, 0.6-0.75 under ParallelGC)
read -r -a EXTRA_JAVA_OPTS <<< "${BENCH_JAVA_OPTS:-}"
JAVA_OPTS=(-Xmx2g -XX:+UseParallelGC -Dcom.google.protobuf.use_unsafe_pre22_gencode "${EXTRA_JAVA_OPTS[@]}")
quiet() { grep -vE '^RESULT\||^Sofa-Middleware-Log|^WARNING: |com\.caucho\.hessian' || true; }

status=0
run_main() { # label, main class, args...
  local label=$1 cls=$2
  shift 2
  echo
  echo "######## $label"
  set +e
  ( cd "$RUNDIR" && exec timeout 300 java "${JAVA_OPTS[@]}" -cp "$CP" "$cls" "$@" ) 2>&1 | tee "$RUNDIR/$label.out" | quiet
  local rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    echo "!! $label failed with exit code $rc (see the output above)"
    status=1
  fi
  grep '^RESULT|' "$RUNDIR/$label.out" >>"$RUNDIR/results" || true
}

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM; $(java -version 2>&1 | head -1);" \
  "upone $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ "$which" = all ] || [ "$which" = append ]; then
  run_main append io.upone.bench.AppendThroughputBench "$@"
fi
if [ "$which" = all ] || [ "$which" = recovery ]; then
  run_main recovery io.upone.bench.RecoveryBench "$@"
fi

echo
echo "################ event log: summary"
if [ -s "$RUNDIR/results" ]; then
  awk -F'|' 'BEGIN { printf "  %-42s %14s  %-12s %s\n", "figure", "value", "target", "" ;
                     printf "  %-42s %14s  %-12s %s\n", "------", "-----", "------", "" }
             { printf "  %-42s %14s  %-12s %s\n", $2, $3, ($4 == "-" ? "" : $4), ($5 == "-" ? "" : $5) }' \
    "$RUNDIR/results"
else
  echo "  (no figures)"
fi
exit $status
