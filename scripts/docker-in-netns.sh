#!/usr/bin/env bash
# A Docker engine WITH a bridge, inside a network namespace of its own, for testing BRIDGE
# networking without touching the machine's network: the docker0 bridge, the NAT rules and IP
# forwarding all live in the namespace. Only the network namespace is new (nsenter --net), so
# the engine sees the machine's cgroups and files. Needs root, iproute2, and the packages of
# scripts/setup-docker.sh (run that first: its busybox image archive is imported here too).
#
#   scripts/docker-in-netns.sh start NAME   prints the engine's socket path when it answers
#   scripts/docker-in-netns.sh stop NAME    removes the containers, stops the engine, deletes the namespace
#
# NAME (default upone-br) names the namespace; files live in /tmp/ctr-NAME.
set -euo pipefail

NAME=${2:-upone-br}
DIR=/tmp/ctr-$NAME
SOCK=$DIR/docker.sock
NS=/run/netns/$NAME
CLI=/usr/bin/docker
ROOTFS=${UPONE_DOCKER_DIR:-/tmp/ctr}/busybox-rootfs.tar
IMAGE=${UPONE_TEST_IMAGE:-local/busybox:1}
# a private range used only inside the namespace
BRIDGE_IP=${UPONE_NETNS_BRIDGE_IP:-10.213.7.1/24}

engine() { DOCKER_HOST="unix://$SOCK" "$CLI" "$@"; }

stop() {
  if [ -f "$DIR/dockerd.pid" ] && kill -0 "$(cat "$DIR/dockerd.pid")" 2>/dev/null; then
    local pid
    pid=$(cat "$DIR/dockerd.pid")
    engine ps -aq | xargs -r env DOCKER_HOST="unix://$SOCK" "$CLI" rm -f >/dev/null 2>&1 || true
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  for m in "$DIR/exec/netns/default" "$DIR/docker"; do
    if mountpoint -q "$m" 2>/dev/null; then umount "$m" || true; fi
  done
  if [ -e "$NS" ]; then ip netns del "$NAME"; fi
  rm -rf "$DIR"
}

start() {
  [ -f "$ROOTFS" ] || { echo "no $ROOTFS: run scripts/setup-docker.sh first" >&2; exit 1; }
  mkdir -p "$DIR"
  [ -e "$NS" ] || ip netns add "$NAME"
  nsenter --net="$NS" ip link set lo up
  if ! engine version >/dev/null 2>&1; then
    echo '{}' > "$DIR/daemon.json"
    nsenter --net="$NS" nohup /usr/sbin/dockerd --config-file "$DIR/daemon.json" --bip "$BRIDGE_IP" \
      --data-root "$DIR/docker" --exec-root "$DIR/exec" --pidfile "$DIR/dockerd.pid" \
      -H "unix://$SOCK" >"$DIR/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 300); do
      if engine version >/dev/null 2>&1; then break; fi
      sleep 0.1
    done
  fi
  if ! engine version >/dev/null 2>&1; then
    echo "dockerd in $NAME did not answer; the end of $DIR/dockerd.log:" >&2
    tail -20 "$DIR/dockerd.log" >&2
    exit 1
  fi
  if ! engine image inspect "$IMAGE" >/dev/null 2>&1; then
    engine import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$ROOTFS" "$IMAGE" >/dev/null
  fi
  echo "$SOCK"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [NAME]" >&2; exit 2 ;;
esac
