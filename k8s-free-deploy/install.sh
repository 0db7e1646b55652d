#!/usr/bin/env bash
# Installs upone on a Debian host (run as root):
#   install.sh server path/to/upone.jar path/to/upone.properties   # each of the three server hosts
#   install.sh agent  path/to/upone.jar [path/to/upone-agent.env]  # each worker host
#   install.sh vip                                                 # keepalived + its check, on server hosts
# Re-running it upgrades the jar and the unit and keeps existing env files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
usage() {
  echo "usage: $0 server upone.jar upone.properties | agent upone.jar [upone-agent.env] | vip" >&2
  exit 2
}

need_java() {
  command -v java >/dev/null || apt-get install -y openjdk-17-jre-headless
}

install_jar() {
  install -d -m 0755 /opt/upone /etc/upone
  install -m 0644 "$1" /opt/upone/upone.jar
}

# A system user with no login; its home is the unit's state directory.
ensure_user() {
  id "$1" >/dev/null 2>&1 || useradd --system --home-dir "/var/lib/$1" --no-create-home --shell /usr/sbin/nologin "$1"
}

start_unit() {
  install -m 0644 "$here/$1" "/etc/systemd/system/$1"
  systemctl daemon-reload
  systemctl enable "$1"
  systemctl restart "$1"
}

role="${1:-}"
case "$role" in
  server)
    [ $# -eq 3 ] || usage
    need_java
    ensure_user upone
    install_jar "$2"
    install -m 0640 -g upone "$3" /etc/upone/upone.properties
    [ -f /etc/upone/upone.env ] || install -m 0640 -g upone "$here/upone.env" /etc/upone/upone.env
    start_unit upone.service
    port=$(sed -n 's/^http-port=//p' /etc/upone/upone.properties)
    echo "upone server installed; check: curl -s http://127.0.0.1:${port:-8080}/v1/cluster"
    ;;
  agent)
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
    need_java
    ensure_user upone-agent
    # Docker tasks: the docker group is what grants access to /run/docker.sock.
    if getent group docker >/dev/null; then usermod -aG docker upone-agent; fi
    install_jar "$2"
    if [ $# -eq 3 ]; then
      install -m 0640 -g upone-agent "$3" /etc/upone/upone-agent.env
    elif [ ! -f /etc/upone/upone-agent.env ]; then
      install -m 0640 -g upone-agent "$here/upone-agent.env" /etc/upone/upone-agent.env
      echo "edit /etc/upone/upone-agent.env (--master, --host), then: systemctl restart upone-agent" >&2
    fi
    start_unit upone-agent.service
    echo "upone agent installed; it appears in: curl -s http://<vip>:8080/v1/agents"
    ;;
  vip)
    command -v keepalived >/dev/null || apt-get install -y keepalived
    command -v curl >/dev/null || apt-get install -y curl
    install -d -m 0755 /usr/local/lib/upone
    install -m 0755 "$here/upone-vip-check.sh" /usr/local/lib/upone/upone-vip-check
    if [ ! -f /etc/keepalived/keepalived.conf ]; then
      install -m 0644 "$here/keepalived.conf.example" /etc/keepalived/keepalived.conf
      echo "edit /etc/keepalived/keepalived.conf (interface, priority, VIP, auth_pass), then:" >&2
      echo "  keepalived -t && systemctl restart keepalived" >&2
    else
      keepalived -t
      systemctl reload keepalived
    fi
    ;;
  *) usage ;;
esac
