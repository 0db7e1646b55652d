#!/usr/bin/env bash
# A three-node upone group on loopback, in the background.
#   scripts/cluster.sh start   # nodes on HTTP 8081-8083, raft 7071-7073; logs and data under run/
#   scripts/cluster.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=modules/upone-server/target/upone.jar
PEERS="127.0.0.1:7071/8081,127.0.0.1:7072/8082,127.0.0.1:7073/8083"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m -Dcom.google.protobuf.use_unsafe_pre22_gencode}"

case "${1:-start}" in
  start)
    [ -f "$JAR" ] || mvn -B -q install -DskipTests
    mkdir -p run
    for i in 1 2 3; do
      if [ -f "run/node$i.pid" ] && kill -0 "$(cat "run/node$i.pid")" 2>/dev/null; then
        echo "node$i already running (pid $(cat "run/node$i.pid"))"; continue
      fi
      # shellcheck disable=SC2086
      nohup java $JAVA_OPTS -jar "$JAR" server --data-dir "run/node$i" --http-port "808$i" \
        --raft "127.0.0.1:707$i" --peers "$PEERS" > "run/node$i.log" 2>&1 &
      echo $! > "run/node$i.pid"
      echo "node$i: http://127.0.0.1:808$i (pid $!, log run/node$i.log)"
    done
    for _ in $(seq 1 150); do
      if curl -fs http://127.0.0.1:8081/health >/dev/null 2>&1; then
        curl -s http://127.0.0.1:8081/v1/cluster; echo; exit 0
      fi
      sleep 0.2
    done
    echo "no leader yet; see run/node*.log" >&2; exit 1
    ;;
  stop)
    for i in 1 2 3; do
      if [ -f "run/node$i.pid" ]; then
        kill "$(cat "run/node$i.pid")" 2>/dev/null || true
        rm -f "run/node$i.pid"
      fi
    done
    echo "stopped"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
