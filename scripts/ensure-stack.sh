#!/usr/bin/env bash
# Makes sure the real Prometheus and Alertmanager binaries the integration and e2e tests
# run are installed (Debian packages prometheus, prometheus-alertmanager). Installs them
# when missing and this is root with apt-get; otherwise says how, and fails.
set -u
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-stack: installing ${need[*]} (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || {
    echo "ensure-stack: apt-get install ${need[*]} failed" >&2; exit 1; }
  # The packages may start their own daemons; the tests start theirs on free ports.
  pkill -x prometheus 2>/dev/null; pkill -x prometheus-alertmanager 2>/dev/null
  exit 0
fi
echo "ensure-stack: missing ${need[*]}; install with: sudo apt-get install prometheus prometheus-alertmanager" >&2
exit 1
