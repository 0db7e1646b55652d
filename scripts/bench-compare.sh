#!/usr/bin/env bash
# Before and after in one run: builds the benchmarks of REV (in a scratch worktree) and of the
# working tree, then runs the same benchmark main on each, alternating, ROUNDS times, so that both
# see the same machine. For changes that must not regress a figure.
#
#   scripts/bench-compare.sh REV scheduling|scheduling-one|mesos [ROUNDS]
#
# Nothing is installed into ~/.m2: each tree is packaged and run from its own target/ folders.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ $# -ge 2 ] || { echo "usage: $0 REV scheduling|scheduling-one|mesos [ROUNDS]" >&2; exit 2; }
rev=$1
which=$2
rounds=${3:-2}
case "$which" in
  scheduling) main=(io.upone.bench.SchedulingBench) ;;
  scheduling-one) main=(io.upone.bench.SchedulingBench --apps 1 --instances 10000 --mixed false) ;;
  mesos) main=(io.upone.bench.MesosBench) ;;
  *) echo "unknown benchmark: $which" >&2; exit 2 ;;
esac
MVN=${MVN:-mvn -B -q}
WORK=$(mktemp -d -t upone-bench-compare.XXXXXX)
cleanup() {
  git -C "$ROOT" worktree remove --force "$WORK/before" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# prints the classpath of the benchmarks of the tree at $1 (modules packaged in place)
classpath() {
  (cd "$1" && $MVN package -DskipTests -pl modules/upone-bench -am \
    dependency:build-classpath -Dmdep.outputFile="$1/bench.cp" >/dev/null)
  local cp
  cp="$1/modules/upone-bench/target/classes"
  for m in "$1"/modules/*/target/classes; do cp="$cp:$m"; done
  echo "$cp:$(sed "s|$HOME/.m2/repository/io/upone/[^:]*||g" "$1/bench.cp")"
}

# runs the benchmark main on classpath $1 in a scratch directory, without the JVMs' noise
run_main() {
  local out
  out=$(cd "$WORK/run" && java -Xmx3g -XX:+UseParallelGC -Dcom.google.protobuf.use_unsafe_pre22_gencode \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$1" "${main[@]}" 2>&1) || true
  printf '%s\n' "$out" | grep -vE '^Sofa-Middleware|^WARNING|hessian|AbstractStringBuilderDeserializer' || true
}

git worktree add -q --detach "$WORK/before" "$rev"
echo "building $rev (before) and the working tree (after) ..."
before_cp=$(classpath "$WORK/before")
after_cp=$(classpath "$ROOT")
mkdir -p "$WORK/run"
for i in $(seq 1 "$rounds"); do
  for side in before after; do
    cp=$before_cp
    [ "$side" = after ] && cp=$after_cp
    echo "== round $i, $side ($([ "$side" = before ] && echo "$rev" || echo "working tree")): ${main[*]} =="
    run_main "$cp"
  done
done
