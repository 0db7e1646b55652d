#!/usr/bin/env bash
# Starts one upone node in the foreground: a one-member raft group with its data in data/node1,
# and an embedded agent that runs tasks as real processes on this machine, and as Docker containers
# when an engine answers (DOCKER_HOST, /var/run/docker.sock, /tmp/ctr/docker.sock); ended on Ctrl-C.
# Env: UPONE_HTTP_PORT (8080), UPONE_RAFT (127.0.0.1:7070), UPONE_DATA_DIR (data/node1), JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=modules/upone-server/target/upone.jar
[ -f "$JAR" ] || mvn -B -q install -DskipTests
export UPONE_HTTP_PORT="${UPONE_HTTP_PORT:-8080}"
export UPONE_RAFT="${UPONE_RAFT:-127.0.0.1:7070}"
export UPONE_DATA_DIR="${UPONE_DATA_DIR:-data/node1}"
# JAVA_OPTS holds several JVM flags: split it into words on purpose.
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g -Dcom.google.protobuf.use_unsafe_pre22_gencode}"
# UPONE_LOCAL_AGENT_RESOURCES is read by the server itself (UPONE_* variables are settings).
exec java "${java_opts[@]}" -jar "$JAR" server --local-agent
