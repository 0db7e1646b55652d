#!/usr/bin/env bash
# `make bench`: benchmarks that print figures and their ratio to a baseline measured in the same
# run. Not tests: they take minutes and their numbers depend on the machine.
#   scripts/bench.sh            # all
#   scripts/bench.sh append     # one of: append, recovery (scripts/bench-eventlog.sh), launch, cron, placement, scheduling, mesos, deploy, api, bridge, alerts
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in
  all) scripts/bench-eventlog.sh all ;;
  append|recovery) scripts/bench-eventlog.sh "$which" ;;
  launch|cron|placement|scheduling|mesos|deploy|api|bridge|alerts) ;;
  *) echo "usage: $0 [all|append|recovery|launch|cron|placement|scheduling|mesos|deploy|api|bridge|alerts]" >&2; exit 2 ;;
esac
CP=""
RUNDIR=$(mktemp -d -t upone-bench.XXXXXX)
trap 'rm -rf "$RUNDIR"' EXIT
# runs one benchmark main in a scratch directory (jraft may write files into the working directory)
bench_main() {
  if [ -z "$CP" ]; then
    mvn -B -q install -DskipTests
    mvn -B -q -f modules/upone-bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
    CP="$PWD/modules/upone-bench/target/classes:$(cat modules/upone-bench/target/bench.cp)"
  fi
  (cd "$RUNDIR" || exit 1
   java -Xmx3g -XX:+UseParallelGC -Dcom.google.protobuf.use_unsafe_pre22_gencode \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" "$@" 2>&1 \
    | grep -vE '^Sofa-Middleware|^WARNING|hessian|AbstractStringBuilderDeserializer' || true)
}
if [ "$which" = all ] || [ "$which" = placement ]; then
  echo "== placement pipeline alone: 1,000 agents x 10,000 tasks of 100 apps, vs OfferMatcher (issue: placement) =="
  bench_main io.upone.bench.PlacementBench
fi
if [ "$which" = all ] || [ "$which" = scheduling ]; then
  echo "== scheduling end to end on a 3-node raft, 1,000 simulated agents, 10,000 tasks of 100 apps (issue: placement) =="
  bench_main io.upone.bench.SchedulingBench
  echo "== the same, one app of 10,000 instances =="
  bench_main io.upone.bench.SchedulingBench --apps 1 --instances 10000 --mixed false
fi
if [ "$which" = all ] || [ "$which" = mesos ]; then
  echo "== Mesos framework: 3-node raft, simulated master with 1,000 agents, one app of 10,000 instances (issue: Mesos driver) =="
  bench_main io.upone.bench.MesosBench
  echo "== the same, one app of 1,000 instances on 1,000 agents (the master's view: issue: Mesos simulator) =="
  bench_main io.upone.bench.MesosBench --instances 1000
fi
if [ "$which" = all ] || [ "$which" = api ]; then
  echo "== HTTP write path: 20 clients creating apps, one node and a 3-node group's leader and follower (issue: performance) =="
  bench_main io.upone.bench.ApiBench
fi
if [ "$which" = all ] || [ "$which" = deploy ]; then
  echo "== rolling deployment: 3-node raft, 1,000 simulated agents, 1,000 instances, minimumHealthCapacity 0.9 (issue: deployments) =="
  bench_main io.upone.bench.DeployBench
fi
if [ "$which" = all ] || [ "$which" = alerts ]; then
  echo "== alert storm: 1,000 LOST tasks to Slack (a local receiver) while scheduling, with and without (issue: monitoring) =="
  bench_main io.upone.bench.AlertStormBench
fi
if [ "$which" = all ] || [ "$which" = launch ]; then
  echo "== master-agent launches, real processes (issue: master-agent mode) =="
  bench_main io.upone.bench.LaunchBench
fi
if [ "$which" = all ] || [ "$which" = cron ]; then
  echo "== cron: 10,000 jobs at rest, upone vs Quartz (issue: cron jobs) =="
  bench_main io.upone.bench.CronBench --seconds "${CRON_SECONDS:-60}"
fi
if [ "$which" = all ] || [ "$which" = bridge ]; then
  echo "== event bus bridge: 10 TCP clients vs an in-process consumer, events/s and commit -> client latency (issue: monitoring) =="
  bench_main io.upone.bench.BridgeBench
fi
