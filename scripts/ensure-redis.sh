#!/usr/bin/env bash
# The remote-worker tests start their own redis-server (a free loopback port, a temporary folder; never the
# system service). Installs Debian's redis-server when missing and we are root on a Debian-like system.
set -euo pipefail
if command -v "${EPOCHLAB_REDIS_SERVER:-redis-server}" >/dev/null; then exit 0; fi
# Root, or passwordless sudo (CI runners), on a Debian-like system.
as_root=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root="sudo -n"; fi
if { [ "$(id -u)" = "0" ] || [ -n "$as_root" ]; } && command -v apt-get >/dev/null; then
  echo "installing Debian's redis-server for the remote-worker tests…"
  $as_root apt-get update -qq
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  # The package may start its system service; the tests never use it.
  if command -v service >/dev/null; then $as_root service redis-server stop >/dev/null 2>&1 || true; fi
else
  echo "redis-server not found: install it (e.g. sudo apt-get install redis-server) or set EPOCHLAB_REDIS_SERVER to a redis-server binary." >&2
  exit 1
fi
