#!/usr/bin/env bash
# `make test` needs a browser for the dashboard test: Debian's chromium, driven by Playwright
# (which never downloads one). Installs it when missing and this user can (root, or sudo without
# a password prompt); otherwise prints the one command to run and stops.
set -u
CHROMIUM="${ORACLE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ "${ORACLE_CHROMIUM:-}" != "" ]; then
  echo "setup: ORACLE_CHROMIUM=$CHROMIUM is not an executable" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "setup: the dashboard test needs Chromium and this user cannot install it; run:" >&2
    echo "  sudo apt-get install -y chromium" >&2
    echo "(or point ORACLE_CHROMIUM at a Chromium executable)" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: no apt-get here: install Chromium with your package manager and set ORACLE_CHROMIUM to it" >&2
  exit 1
fi
echo "setup: installing Debian's chromium for the dashboard test (apt-get)" >&2
$sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "setup: apt-get did not install $CHROMIUM: run sudo apt-get install -y chromium" >&2; exit 1; }
