#!/usr/bin/env bash
# Makes sure the system programs the integration, e2e and browser tests run are installed:
# the real Prometheus and Alertmanager, Chromium (driven headless by playwright-core;
# never a downloaded browser), strace (the store's fsync test counts fdatasync calls), and
# PostgreSQL (the PostgreSQL knowledge store and leader-election tests start their own server). Installs the missing ones when this is root with apt-get;
# otherwise says how, and fails.
#
# The packages would start their own daemons on install. They are kept from starting at
# all (a policy-rc.d that answers 101, "action forbidden", which invoke-rc.d and
# deb-systemd-invoke honour), so nothing is ever stopped afterwards: no process is killed by
# name, and a Prometheus the user runs on this machine is left alone.
set -u
# The one list: "command Debian-package", one line each.
PACKAGES=(
  "prometheus prometheus"
  "prometheus-alertmanager prometheus-alertmanager"
  "chromium chromium"
  "strace strace"
  "/usr/lib/postgresql/*/bin/initdb postgresql"
)
need=()
for entry in "${PACKAGES[@]}"; do
  read -r cmd pkg <<<"$entry"
  # A command on PATH, or a path pattern (PostgreSQL's initdb is not on PATH in Debian).
  command -v "$cmd" >/dev/null 2>&1 || compgen -G "$cmd" >/dev/null || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-stack: installing ${need[*]} (Debian packages; their services are not started)" >&2
  export DEBIAN_FRONTEND=noninteractive
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# ensure-stack: no daemon starts during this install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || {
    echo "ensure-stack: apt-get install ${need[*]} failed" >&2; exit 1; }
  exit 0
fi
echo "ensure-stack: missing ${need[*]}; install with: sudo apt-get install ${need[*]}" >&2
exit 1
