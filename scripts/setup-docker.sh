#!/usr/bin/env bash
# Gives this Debian machine a Docker engine for upone's container tests and `make run`, with no
# change to the machine's network: no docker0 bridge, no iptables rules, no IP forwarding.
# Containers then run with host networking (or none); see src-docs/containers.md.
#
#   scripts/setup-docker.sh         install what is missing, start dockerd, import the test image
#   scripts/setup-docker.sh stop    stop the dockerd this script started (and its containers)
#
# Idempotent: a second run with the engine up only checks it. Needs root (apt-get, dockerd).
# Then: export DOCKER_HOST=unix://$UPONE_DOCKER_DIR/docker.sock (default /tmp/ctr/docker.sock).
set -euo pipefail

DIR=${UPONE_DOCKER_DIR:-/tmp/ctr}
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/dockerd.pid"
IMAGE=${UPONE_TEST_IMAGE:-local/busybox:1}
# the Debian CLI: another docker binary earlier in PATH may be a different version
CLI=/usr/bin/docker

engine() { DOCKER_HOST="unix://$SOCK" "$CLI" "$@"; }

stop_engine() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    local pid
    pid=$(cat "$PIDFILE")
    # containers left running would each cost dockerd its 10 s stop timeout on the way down
    engine ps -aq | xargs -r env DOCKER_HOST="unix://$SOCK" "$CLI" rm -f >/dev/null 2>&1 || true
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped dockerd (pid $pid)"
  else
    echo "no dockerd of ours is running ($PIDFILE)"
  fi
  # an exited dockerd leaves the bind mount of its data root and the default netns mount behind
  for m in "$DIR/exec/netns/default" "$DIR/docker"; do
    if mountpoint -q "$m" 2>/dev/null; then umount "$m" || true; fi
  done
}

if [ "${1:-}" = stop ]; then
  stop_engine
  exit 0
fi

# 1. packages. docker.io's postinst would start a stock dockerd (bridge + NAT) through invoke-rc.d;
#    a policy-rc.d answering 101 forbids that. The test image needs a statically linked busybox
#    (ldd succeeds on Debian's dynamic /bin/busybox, fails on busybox-static's).
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
if [ ! -x /usr/sbin/dockerd ] || [ ! -x "$CLI" ] || ! static_busybox; then
  own_policy=""
  if [ ! -x /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=yes
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io busybox-static >/dev/null
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# 2. the engine: own socket, data and exec roots; no bridge, no iptables; --live-restore keeps
#    containers running while dockerd restarts (the agent re-attaches to them either way)
mkdir -p "$DIR"
if ! engine version >/dev/null 2>&1; then
  echo '{}' > "$DIR/daemon.json"
  nohup /usr/sbin/dockerd --config-file "$DIR/daemon.json" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
    --live-restore --data-root "$DIR/docker" --exec-root "$DIR/exec" --pidfile "$PIDFILE" \
    -H "unix://$SOCK" >"$DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 300); do
    if engine version >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
fi
if ! engine version --format "dockerd {{.Server.Version}}, API {{.Server.APIVersion}}, unix://$SOCK"; then
  echo "dockerd did not answer on $SOCK; the end of $DIR/dockerd.log:" >&2
  tail -20 "$DIR/dockerd.log" >&2
  exit 1
fi

# 3. the test image, built locally from busybox-static: no registry is reachable from here
if ! engine image inspect "$IMAGE" >/dev/null 2>&1; then
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,etc,tmp,www,proc,sys,dev}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    if [ "$applet" != busybox ]; then ln -sf busybox "$root/bin/$applet"; fi
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  echo 'hello from upone busybox' > "$root/www/index.html"
  chmod 1777 "$root/tmp"
  tar -C "$root" -cf "$DIR/busybox-rootfs.tar" .
  rm -rf "$root"
  engine import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$DIR/busybox-rootfs.tar" "$IMAGE" >/dev/null
fi
echo "image $IMAGE ready; export DOCKER_HOST=unix://$SOCK"
