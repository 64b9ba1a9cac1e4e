#!/usr/bin/env bash
# What the benchmark suite needs beyond the .NET SDK: wrk (Debian package). Installs only what is missing.
set -euo pipefail
if ! command -v wrk >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  for attempt in 1 2 3 4 5; do
    # Another apt user may hold the dpkg lock for a moment.
    if $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq wrk; then break; fi
    sleep 10
  done
fi
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
