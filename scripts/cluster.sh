#!/usr/bin/env bash
# A three-node upone group and two agents on loopback, in the background.
#   scripts/cluster.sh start   # nodes on HTTP 8081-8083, raft 7071-7073; agents on 5051-5052;
#                              # logs, data and sandboxes under run/; prints who leads
#   scripts/cluster.sh stop    # ends the agents, every task they started, then the nodes
#   scripts/cluster.sh status  # who leads, which agents are registered
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=modules/upone-server/target/upone.jar
PEERS="127.0.0.1:7071/8081,127.0.0.1:7072/8082,127.0.0.1:7073/8083"
MASTERS="http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083"
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx512m -Dcom.google.protobuf.use_unsafe_pre22_gencode}"
RUN="$PWD/run"

# pid of a process we started (run/<name>.pid) if it is still that process
alive_pid() {
  local f="$RUN/$1.pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q upone.jar || return 1
  echo "$pid"
}

launch() { # name, args of upone.jar...
  local name=$1; shift
  if pid=$(alive_pid "$name"); then echo "$name already running (pid $pid)"; return 1; fi
  nohup java "${java_opts[@]}" -jar "$JAR" "$@" > "$RUN/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"
}

leader() { # prints the leader's HTTP URL as a member sees it, or nothing
  curl -fs -m 2 "http://127.0.0.1:808$1/v1/cluster" 2>/dev/null \
    | sed -n 's/.*"leader":{"raft":"[^"]*","http":"\([^"]*\)"}.*/\1/p' || true
}

agent_count() { # leader URL
  curl -fs -m 2 "$1/v1/agents" 2>/dev/null | grep -o '"hostname"' | wc -l || true
}

# Stops the processes of run/<name>.pid: SIGTERM, then SIGKILL after 20 s.
stop_named() {
  local pids=() name pid
  for name in "$@"; do
    if pid=$(alive_pid "$name"); then kill "$pid" 2>/dev/null || true; pids+=("$pid"); fi
    rm -f "$RUN/$name.pid"
  done
  wait_gone 20 "${pids[@]}"
}

wait_gone() { # seconds, pids or -pgids...
  local secs=$1 p left; shift
  for _ in $(seq 1 $((secs * 10))); do
    left=0
    for p in "$@"; do kill -0 -- "$p" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  for p in "$@"; do kill -KILL -- "$p" 2>/dev/null || true; done
}

# Task processes run in sandboxes under run/agent*/sandboxes, each in a process group of its own
# (the agent starts them with setsid), and outlive a stopped agent by design: end those groups.
stop_tasks() {
  local d cwd pgid groups=()
  for d in /proc/[0-9]*; do
    cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
    case "$cwd" in
      "$RUN"/agent*/sandboxes/*)
        pgid=$(ps -o pgid= -p "${d#/proc/}" 2>/dev/null | tr -d ' ') || continue
        [ -n "$pgid" ] && groups+=("$pgid") ;;
    esac
  done
  [ ${#groups[@]} -gt 0 ] || return 0
  mapfile -t groups < <(printf -- '-%s\n' "${groups[@]}" | sort -u)
  for g in "${groups[@]}"; do kill -TERM -- "$g" 2>/dev/null || true; done
  wait_gone 5 "${groups[@]}"
  echo "ended ${#groups[@]} task process group(s)"
}

status() {
  local l
  for i in 1 2 3; do
    l=$(leader "$i")
    if [ -n "$l" ]; then echo "leader: $l"; echo "agents registered: $(agent_count "$l")"; return 0; fi
  done
  echo "no leader" >&2
  return 1
}

case "${1:-start}" in
  start)
    [ -f "$JAR" ] || mvn -B -q install -DskipTests
    mkdir -p "$RUN"
    for i in 1 2 3; do
      launch "node$i" server --data-dir "$RUN/node$i" --http-port "808$i" --raft "127.0.0.1:707$i" --peers "$PEERS" \
        && echo "node$i: http://127.0.0.1:808$i (log run/node$i.log)"
    done
    for i in 1 2; do
      launch "agent$i" agent --master "$MASTERS" --port "505$i" --work-dir "$RUN/agent$i" \
        --hostname "local-agent-$i" --resources "cpus:2;mem:2048;disk:10000;ports:[3${i}000-3${i}999]" \
        && echo "agent$i: http://127.0.0.1:505$i (log run/agent$i.log)"
    done
    for _ in $(seq 1 300); do
      for i in 1 2 3; do
        l=$(leader "$i")
        if [ -n "$l" ] && [ "$(agent_count "$l")" -ge 2 ]; then status; exit 0; fi
      done
      sleep 0.2
    done
    echo "no leader with two agents after 60 s; see run/*.log" >&2
    exit 1
    ;;
  stop)
    stop_named agent1 agent2
    stop_tasks
    stop_named node1 node2 node3
    echo "stopped"
    ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
