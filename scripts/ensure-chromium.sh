#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium through playwright-core (playwright's own browser download
# cannot work offline). Installs it when missing and we are root on a Debian-like system.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the end-to-end tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium not found at /usr/bin/chromium: install it (e.g. sudo apt-get install chromium) or set EPOCHLAB_CHROMIUM to a Chromium binary." >&2
  [ -n "${EPOCHLAB_CHROMIUM:-}" ] || exit 1
fi
