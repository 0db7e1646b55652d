#!/bin/sh
# keepalived's check of the local upone node (installed as /usr/local/lib/upone/upone-vip-check).
#   upone-vip-check health   exit 0 while the node answers /health with 200 (it sees a raft leader)
#   upone-vip-check leader   exit 0 while the node is the raft leader
# keepalived drops the VIP from a node whose `health` check fails, and adds the `leader` check's
# weight to the priority of the leader's node, so the VIP sits on the leader whenever there is
# one (writes then reach it without a forwarding hop) and on another healthy node otherwise.
# UPONE_URL overrides the node's address (default http://127.0.0.1:8080).
set -u
url="${UPONE_URL:-http://127.0.0.1:8080}"
body=$(curl -fsS -m 2 "$url/health" 2>/dev/null) || exit 1
case "${1:-health}" in
  health) exit 0 ;;
  leader)
    case "$body" in
      *'"leader":true'*) exit 0 ;;
      *) exit 1 ;;
    esac ;;
  *) echo "usage: $0 health|leader" >&2; exit 2 ;;
esac
