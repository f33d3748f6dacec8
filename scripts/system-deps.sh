#!/usr/bin/env bash
# Debian packages the tests need: Chromium (the browser tests, driven by Playwright) and the
# PostgreSQL server (the tests of several replicas sharing one store start a throw-away
# cluster). Installs only what is missing; needs root (CI and these machines run as root).
# A package that cannot be installed is a warning, not a failed run: its tests then skip and
# say why.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installed, and cannot be installed here (needs root and apt-get): ${missing[*]}; their tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "could not install with apt-get: ${missing[*]}; their tests will skip" >&2
fi
