#!/usr/bin/env bash
# Installs and starts what the test suite talks to: Debian packages and the local PostgreSQL server.
set -euo pipefail
need=()
[ -x /usr/lib/nagios/plugins/check_dummy ] || need+=(monitoring-plugins-basic monitoring-plugins-standard)
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    # Installed services must not start on their default ports: the tests start their own instances.
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made_policy=1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi
  else
    echo "missing Debian packages (run as root to install): ${need[*]}" >&2
  fi
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi
