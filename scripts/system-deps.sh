#!/usr/bin/env bash
# Debian packages the browser tests need (Chromium driven by Playwright). Installs only what
# is missing; needs root (CI and these machines run as root) — otherwise it says so and the
# browser tests skip.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is not installed and cannot be installed here (needs root and apt-get): browser tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# A failed install is a warning, not a failed run: the browser tests then skip and say why.
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
  echo "could not install chromium with apt-get: browser tests will skip" >&2
fi
