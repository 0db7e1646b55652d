#!/usr/bin/env bash
# The upone agent's orphan watchdog (see OrphanWatchdog.java and src-docs/operations.md).
# Started detached (setsid) by the agent, one per work dir. The agent renews a lease file every
# second; when no renewal has been seen for the grace, the agent is dead or hung and its tasks
# have been (or will be) replaced elsewhere: end every process group its sandboxes record
# (SIGTERM, SIGKILL after the task's kill grace), then exit. A restarted agent renews the same
# lease within the grace and keeps this watchdog.
#
# Costs nothing at rest: one bash, asleep in `read -t` (no fork per check), reading one small
# file per period. It signals a group only while the group's leader is the process the agent
# started: pids are reused, so the leader's start time (/proc/<pid>/stat field 22) must match.
#
# usage: orphan-watchdog.sh WORK_DIR GRACE_MS
set -u
dir=$1
grace_ms=$2
lease="$dir/watchdog.lease"
pidfile="$dir/watchdog.pid"

log() { printf '%(%Y-%m-%dT%H:%M:%S%z)T orphan-watchdog %s: %s\n' -1 "$$" "$*"; }

# one check per second, more often under a short grace (tests), never a busy loop
period_ms=$(( grace_ms / 4 < 1000 ? grace_ms / 4 : 1000 ))
(( period_ms < 50 )) && period_ms=50
printf -v period_s '%d.%03d' $(( period_ms / 1000 )) $(( period_ms % 1000 ))
# a pipe opened read-write never delivers data and never ends: `read -t` on it sleeps without a fork
exec {tick}<> <(:)
pause() { read -r -t "$1" -u "$tick" _ || :; }

# The start time of process $1 in clock ticks after boot, or nothing when it is gone.
# comm (field 2) may hold spaces and parentheses: split after the last ')'.
start_ticks() {
  local line rest f
  read -r line 2>/dev/null < "/proc/$1/stat" || return 0
  rest=${line##*) }
  read -ra f <<< "$rest"
  printf '%s' "${f[19]}"
}

# Ends every task group the sandboxes record: TERM now, KILL after each task's own grace.
end_tasks() {
  local f pid ticks grace sandbox waited=0 left=() g
  for f in "$dir"/sandboxes/*/.upone-pgroup; do
    [[ -f $f ]] || continue
    sandbox=${f%/*}
    [[ -e $sandbox/.upone-done ]] && continue
    read -r pid ticks grace < "$f" || continue
    [[ $pid =~ ^[0-9]+$ && $ticks =~ ^[0-9]+$ && $grace =~ ^[0-9]+$ ]] || continue
    # the leader must still be the task's own process, or the pid now names someone else
    [[ $(start_ticks "$pid") == "$ticks" ]] || continue
    printf '%s\n' "$stale_ms" > "$sandbox/.upone-orphaned"
    log "SIGTERM to task group $pid (${sandbox##*/}): no agent for ${stale_ms} ms"
    kill -TERM -- "-$pid" 2>/dev/null
    left+=("$pid:$ticks:$grace")
  done
  while (( ${#left[@]} > 0 )); do
    pause "$period_s"
    waited=$(( waited + period_ms ))
    local still=()
    for g in "${left[@]}"; do
      IFS=: read -r pid ticks grace <<< "$g"
      kill -0 -- "-$pid" 2>/dev/null || continue
      if (( waited < grace * 1000 )); then still+=("$g"); continue; fi
      # the leader may have gone and its pid been reused by a new group: leave that one alone
      local now
      now=$(start_ticks "$pid")
      [[ -n $now && $now != "$ticks" ]] && continue
      log "SIGKILL to task group $pid: still running ${grace} s after SIGTERM"
      kill -KILL -- "-$pid" 2>/dev/null
    done
    left=("${still[@]}")
  done
}

log "watching $lease (grace ${grace_ms} ms, a check every ${period_ms} ms)"
last="" stale_ms=0
while :; do
  seen=""
  read -r seen 2>/dev/null < "$lease"
  if [[ -n $seen && $seen != "$last" ]]; then
    # the lease reads HOLDER_PID:COUNT; a new holder is a restarted agent that claimed the tasks
    [[ ${seen%%:*} != "${last%%:*}" ]] && log "lease held by agent process ${seen%%:*} (no renewal for ${stale_ms} ms before)"
    last=$seen
    stale_ms=0
  else
    stale_ms=$(( stale_ms + period_ms ))
  fi
  (( stale_ms >= grace_ms )) && break
  pause "$period_s"
done
log "no lease renewal for ${stale_ms} ms (grace ${grace_ms} ms): the agent is gone, ending its tasks"
end_tasks
# leave the pid file to a successor if one has taken over already
mine=""
read -r mine _ 2>/dev/null < "$pidfile"
[[ $mine == "$$" ]] && rm -f "$pidfile"
log "done"
