#!/usr/bin/env bash
# `make bench`: benchmarks that print figures and their ratio to a baseline measured in the same
# run. Not tests: they take minutes and their numbers depend on the machine.
#   scripts/bench.sh            # all
#   scripts/bench.sh append     # one of: append, restart, launch
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
mvn -B -q -f modules/upone-bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
CP="modules/upone-bench/target/classes:$(cat modules/upone-bench/target/bench.cp)"
JAVA="java -Xmx3g -XX:+UseParallelGC -Dcom.google.protobuf.use_unsafe_pre22_gencode -cp $CP"
quiet() { grep -vE '^Sofa-Middleware|^WARNING|hessian|AbstractStringBuilderDeserializer' || true; }
which="${1:-all}"
if [ "$which" = all ] || [ "$which" = append ]; then
  echo "== event log append throughput (issue: foundation) =="; $JAVA io.upone.bench.AppendBench 2>&1 | quiet; echo
fi
if [ "$which" = all ] || [ "$which" = restart ]; then
  echo "== restart from snapshot + tail, heap per task (issue: foundation) =="; $JAVA io.upone.bench.RestartBench 2>&1 | quiet; echo
fi
if [ "$which" = all ] || [ "$which" = launch ]; then
  echo "== master-agent launches, real processes (issue: master-agent mode) =="; $JAVA io.upone.bench.LaunchBench 2>&1 | quiet; echo
fi
