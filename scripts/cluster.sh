#!/usr/bin/env bash
# A three-node upone group and two agents on loopback, in the background.
#   scripts/cluster.sh start   # nodes on HTTP 8081-8083, raft 7071-7073; agents on 5051-5052;
#                              # logs, data and sandboxes under run/; prints who leads
#   scripts/cluster.sh stop    # ends the agents, every task they started, their watchdogs, then the nodes
#   scripts/cluster.sh status  # who leads, which agents are registered
# Env: JAVA_OPTS; UPONE_RUN_DIR (run); UPONE_HTTP_BASE (8080), UPONE_RAFT_BASE (7070),
# UPONE_AGENT_BASE (5050): member i of 1..3 (agent i of 1..2) listens on base + i;
# UPONE_CLASSPATH: run io.upone.server.Main from this classpath instead of the jar (tests);
# UPONE_WAIT_S (60): how long start waits for a leader with both agents.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=modules/upone-server/target/upone.jar
HTTP_BASE=${UPONE_HTTP_BASE:-8080}
RAFT_BASE=${UPONE_RAFT_BASE:-7070}
AGENT_BASE=${UPONE_AGENT_BASE:-5050}
RUN=$(mkdir -p "${UPONE_RUN_DIR:-run}" && cd "${UPONE_RUN_DIR:-run}" && pwd -P)
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx512m -Dcom.google.protobuf.use_unsafe_pre22_gencode}"
if [ -n "${UPONE_CLASSPATH:-}" ]; then
  upone=(-cp "$UPONE_CLASSPATH" io.upone.server.Main)
else
  upone=(-jar "$JAR")
fi
PEERS=""
MASTERS=""
for i in 1 2 3; do
  PEERS="$PEERS${PEERS:+,}127.0.0.1:$((RAFT_BASE + i))/$((HTTP_BASE + i))"
  MASTERS="$MASTERS${MASTERS:+,}http://127.0.0.1:$((HTTP_BASE + i))"
done

# pid of a process we started ($RUN/<name>.pid) if it is still that process (its arguments name $RUN)
alive_pid() {
  local f="$RUN/$1.pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN/" || return 1
  echo "$pid"
}

launch() { # name, arguments of upone...
  local name=$1; shift
  if pid=$(alive_pid "$name"); then echo "$name already running (pid $pid)"; return 1; fi
  nohup java "${java_opts[@]}" "${upone[@]}" "$@" > "$RUN/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"
}

leader() { # member i: prints the leader's HTTP URL as that member sees it, or nothing
  curl -fs -m 2 "http://127.0.0.1:$((HTTP_BASE + $1))/v1/cluster" 2>/dev/null \
    | sed -n 's/.*"leader":{"raft":"[^"]*","http":"\([^"]*\)"}.*/\1/p' || true
}

agent_count() { # leader URL
  curl -fs -m 2 "$1/v1/agents" 2>/dev/null | grep -o '"hostname"' | wc -l || true
}

# Stops the processes of $RUN/<name>.pid: SIGTERM, then SIGKILL after 20 s.
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

# Task processes run in sandboxes under $RUN/agent*/sandboxes, each in a process group of its own
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

# Each agent left an orphan watchdog (it would end the agent's tasks after the grace): the tasks
# are ended above, so end the watchdogs too (their pid is in the agent's work dir).
stop_watchdogs() {
  local f pid pids=()
  for f in "$RUN"/agent*/watchdog.pid; do
    [ -f "$f" ] || continue
    read -r pid _ < "$f" # "pid start-ticks grace"
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN/"; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  wait_gone 5 "${pids[@]}"
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
    [ -n "${UPONE_CLASSPATH:-}" ] || [ -f "$JAR" ] || mvn -B -q install -DskipTests
    for i in 1 2 3; do
      launch "node$i" server --data-dir "$RUN/node$i" --http-port "$((HTTP_BASE + i))" \
        --raft "127.0.0.1:$((RAFT_BASE + i))" --peers "$PEERS" \
        && echo "node$i: http://127.0.0.1:$((HTTP_BASE + i)) (log $RUN/node$i.log)"
    done
    for i in 1 2; do
      launch "agent$i" agent --master "$MASTERS" --port "$((AGENT_BASE + i))" --work-dir "$RUN/agent$i" \
        --hostname "local-agent-$i" --resources "cpus:2;mem:2048;disk:10000;ports:[3${i}000-3${i}999]" \
        && echo "agent$i: http://127.0.0.1:$((AGENT_BASE + i)) (log $RUN/agent$i.log)"
    done
    deadline=$((SECONDS + ${UPONE_WAIT_S:-60}))
    while [ "$SECONDS" -lt "$deadline" ]; do
      for i in 1 2 3; do
        l=$(leader "$i")
        if [ -n "$l" ] && [ "$(agent_count "$l")" -ge 2 ]; then status; exit 0; fi
      done
      sleep 0.2
    done
    echo "no leader with two agents after ${UPONE_WAIT_S:-60} s; see $RUN/*.log" >&2
    exit 1
    ;;
  stop)
    stop_named agent1 agent2
    stop_tasks
    stop_watchdogs
    stop_named node1 node2 node3
    echo "stopped"
    ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
