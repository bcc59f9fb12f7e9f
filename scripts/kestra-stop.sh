#!/usr/bin/env bash
# Stops the Kestra that scripts/kestra-start.sh started (by its pid file, never by name).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KESTRA_HOME="${KESTRA_HOME:-$ROOT/.kestra}"
PID_FILE="$KESTRA_HOME/kestra.pid"

if [[ ! -f "$PID_FILE" ]]; then
  echo "kestra-stop: not running (no $PID_FILE)" >&2
  exit 0
fi
pid="$(cat "$PID_FILE")"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "kestra-stop: pid $pid is gone; removing $PID_FILE" >&2
  rm -f "$PID_FILE"
  exit 0
fi
# Only a process we started: its command line must be Kestra's.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'io.kestra.cli.App'; then
  echo "kestra-stop: pid $pid is not a Kestra server; leaving it alone and removing $PID_FILE" >&2
  rm -f "$PID_FILE"
  exit 1
fi
kill -TERM "$pid"
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; echo "kestra-stop: stopped (pid $pid)" >&2; exit 0; }
  sleep 0.5
done
echo "kestra-stop: pid $pid ignored SIGTERM for 30s; sending SIGKILL" >&2
kill -KILL "$pid" 2>/dev/null || true
rm -f "$PID_FILE"
