#!/usr/bin/env bash
# `make bench`: benchmarks that print figures and their ratio to a baseline measured in the same
# run. Not tests: they take minutes and their numbers depend on the machine.
#   scripts/bench.sh            # all
#   scripts/bench.sh append     # one of: append, recovery (scripts/bench-eventlog.sh), launch, placement
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in
  all) scripts/bench-eventlog.sh all ;;
  append|recovery) scripts/bench-eventlog.sh "$which" ;;
  launch|placement) ;;
  *) echo "usage: $0 [all|append|recovery|launch|placement]" >&2; exit 2 ;;
esac
if [ "$which" = all ] || [ "$which" = launch ] || [ "$which" = placement ]; then
  mvn -B -q install -DskipTests
  mvn -B -q -f modules/upone-bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
  RUNDIR=$(mktemp -d -t upone-bench.XXXXXX)
  trap 'rm -rf "$RUNDIR"' EXIT
  CP="$PWD/modules/upone-bench/target/classes:$(cat modules/upone-bench/target/bench.cp)"
fi
if [ "$which" = all ] || [ "$which" = placement ]; then
  echo "== placement pipeline alone: 1,000 agents x 10,000 tasks of 100 apps, vs OfferMatcher (issue: placement) =="
  (cd "$RUNDIR" && java -Xmx1g -XX:+UseParallelGC -Dcom.google.protobuf.use_unsafe_pre22_gencode -cp "$CP" \
    io.upone.bench.PlacementBench)
fi
if [ "$which" = all ] || [ "$which" = launch ]; then
  echo "== master-agent launches, real processes (issue: master-agent mode) =="
  (cd "$RUNDIR" && java -Xmx3g -XX:+UseParallelGC -Dcom.google.protobuf.use_unsafe_pre22_gencode -cp "$CP" \
    io.upone.bench.LaunchBench 2>&1 | grep -vE '^Sofa-Middleware|^WARNING|hessian|AbstractStringBuilderDeserializer' || true)
fi
