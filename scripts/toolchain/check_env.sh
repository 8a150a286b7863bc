#!/usr/bin/env bash
# Checks what `make setup` needs before it starts, with one line saying what to do.
set -u
PY="${PYTHON:-python3.11}"
fail() { echo "setup: $*" >&2; exit 1; }
command -v "$PY" >/dev/null 2>&1 || fail "'$PY' not found: install Python 3.11 (or run: make PYTHON=/path/to/python3.11)"
ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || fail "'$PY' does not run"
[ "$ver" = "3.11" ] || fail "Python 3.11 is required, '$PY' is $ver (run: make PYTHON=/path/to/python3.11)"
"$PY" -c 'import venv, ensurepip' 2>/dev/null || fail "'$PY' lacks venv/ensurepip: install your distribution's python3.11-venv package"
command -v node >/dev/null 2>&1 || fail "'node' not found: install Node.js 20 (it runs the solc-js compiler)"
command -v npm >/dev/null 2>&1 || fail "'npm' not found: install npm (it installs solc-js and anvil)"
major=$(node -e 'console.log(process.versions.node.split(".")[0])')
[ "$major" -ge 18 ] || fail "Node.js >= 18 is required, found $(node --version): install Node.js 20"
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "anvil ships here for Linux x86_64 only; found $(uname -s)-$(uname -m)"
exit 0
