#!/usr/bin/env bash
# Installs one upone node on a Debian host (run as root on each of the three hosts):
#   k8s-free-deploy/install.sh path/to/upone.jar path/to/upone.properties
set -euo pipefail
jar="${1:?usage: install.sh upone.jar upone.properties}"
props="${2:?usage: install.sh upone.jar upone.properties}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v java >/dev/null || apt-get install -y openjdk-17-jre-headless
id upone >/dev/null 2>&1 || useradd --system --home /var/lib/upone --shell /usr/sbin/nologin upone
install -d -o upone -g upone -m 0750 /var/lib/upone
install -d -m 0755 /opt/upone /etc/upone
install -m 0644 "$jar" /opt/upone/upone.jar
install -m 0644 "$props" /etc/upone/upone.properties
[ -f /etc/upone/upone.env ] || install -m 0644 "$here/upone.env" /etc/upone/upone.env
install -m 0644 "$here/upone.service" /etc/systemd/system/upone.service
systemctl daemon-reload
systemctl enable --now upone
echo "upone installed; check: curl -s http://127.0.0.1:8080/v1/cluster"
echo "for the VIP: apt-get install keepalived, adapt keepalived.conf.example to /etc/keepalived/keepalived.conf"
