#!/usr/bin/env bash
# Starts a local Kestra 1.3 (`server local`: H2 database + local storage, one process) for railclone.
# Fetches it first (scripts/kestra-fetch.sh, cached). Launches `java … io.kestra.cli.App` directly because
# the launcher stub inside the executable passes -Djava.security.manager=allow, which JDK >= 24 refuses.
#
#   KESTRA_PORT=8080                  API + UI port
#   KESTRA_USER / KESTRA_PASSWORD     basic-auth credentials (username must be an e-mail). When unset, a
#                                     local pair is generated once into .kestra/credentials.env (mode 600).
#   RAILWAY_API_TOKEN, WEBHOOK_KEY, RAILCLONE_OUTPUT_KEY   become Kestra secrets (SECRET_<NAME>, base64)
#   RAILWAY_API_URL, RAILWAY_PROJECT_ID                    become {{ envs.railway_api_url }} / {{ envs.railway_project_id }}
#   KESTRA_START_TIMEOUT=240          seconds to wait for readiness
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KESTRA_HOME="${KESTRA_HOME:-$ROOT/.kestra}"
PORT="${KESTRA_PORT:-8080}"
PID_FILE="$KESTRA_HOME/kestra.pid"
LOG_FILE="$KESTRA_HOME/kestra.log"
RUN_DIR="$KESTRA_HOME/run"
CONFIG="${KESTRA_CONFIG:-$ROOT/kestra/application.yml}"
TIMEOUT="${KESTRA_START_TIMEOUT:-240}"

say() { printf 'kestra-start: %s\n' "$*" >&2; }
die() { printf 'kestra-start: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  say "already running (pid $(cat "$PID_FILE")); stop it with scripts/kestra-stop.sh"
  exit 0
fi

bash "$ROOT/scripts/kestra-fetch.sh"
# shellcheck disable=SC1091
source "$KESTRA_HOME/fetched.env"

# --- credentials --------------------------------------------------------------------------------------
CRED_FILE="$KESTRA_HOME/credentials.env"
if [[ -z "${KESTRA_USER:-}" || -z "${KESTRA_PASSWORD:-}" ]]; then
  if [[ ! -f "$CRED_FILE" ]]; then
    umask 077
    # Kestra's rule: 8+ characters with an upper-case letter and a digit.
    printf 'KESTRA_USER=admin@railclone.local\nKESTRA_PASSWORD=Rc1%s\n' "$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)" >"$CRED_FILE"
    say "generated local credentials in $CRED_FILE"
  fi
  # shellcheck disable=SC1090
  source "$CRED_FILE"
fi
[[ "$KESTRA_USER" == *@*.* ]] || die "KESTRA_USER must be an e-mail address (Kestra basic-auth rule), got '$KESTRA_USER'"

b64() { printf '%s' "$1" | base64 -w0; }

# --- the server's environment: only what it needs ------------------------------------------------------
# Process-runner tasks inherit this environment, so the Railway token goes in only as a Kestra secret
# (SECRET_*, read by {{ secret('…') }}), never as a plain variable.
mkdir -p "$RUN_DIR" "$KESTRA_HOME/tmp"
ENVS=(
  "PATH=$PATH" "HOME=$HOME" "LANG=C.UTF-8" "TZ=UTC"
  "KESTRA_USER=$KESTRA_USER" "KESTRA_PASSWORD=$KESTRA_PASSWORD"
  "KESTRA_URL=http://localhost:$PORT"
  "RAILCLONE_KESTRA_TMP=$KESTRA_HOME/tmp"
  "ENV_KESTRA_URL=http://localhost:$PORT"
  "SECRET_KESTRA_USER=$(b64 "$KESTRA_USER")" "SECRET_KESTRA_PASSWORD=$(b64 "$KESTRA_PASSWORD")"
)
for name in RAILWAY_API_TOKEN WEBHOOK_KEY RAILCLONE_OUTPUT_KEY; do
  if [[ -n "${!name:-}" ]]; then ENVS+=("SECRET_$name=$(b64 "${!name}")"); else say "note: $name is not set; flows that need {{ secret('$name') }} will fail until it is"; fi
done
[[ -n "${RAILWAY_API_URL:-}" ]] && ENVS+=("ENV_RAILWAY_API_URL=$RAILWAY_API_URL")
[[ -n "${RAILWAY_PROJECT_ID:-}" ]] && ENVS+=("ENV_RAILWAY_PROJECT_ID=$RAILWAY_PROJECT_ID")

# `server local` keeps its H2 database and storage in <cwd>/data, so it runs in its own directory.
cd "$RUN_DIR"
env -i "${ENVS[@]}" nohup "$JAVA_BIN" -Xmx1g \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -cp "$KESTRA_EXEC" io.kestra.cli.App server local --port "$PORT" --no-tutorials \
  -c "$CONFIG" -p "$KESTRA_PLUGINS_DIR" >"$LOG_FILE" 2>&1 &
echo $! >"$PID_FILE"
say "started Kestra $KESTRA_VERSION (pid $(cat "$PID_FILE")), log $LOG_FILE"

# --- readiness: /ping, then an authenticated call ------------------------------------------------------
deadline=$((SECONDS + TIMEOUT))
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/ping" 2>/dev/null; do
  kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { tail -n 40 "$LOG_FILE" >&2; rm -f "$PID_FILE"; die "Kestra exited while starting (log above, full log $LOG_FILE)"; }
  (( SECONDS < deadline )) || die "Kestra did not answer /ping within ${TIMEOUT}s (log $LOG_FILE)"
  sleep 2
done
until curl -fsS -o /dev/null -u "$KESTRA_USER:$KESTRA_PASSWORD" "http://127.0.0.1:$PORT/api/v1/main/flows/search?page=1&size=1" 2>/dev/null; do
  (( SECONDS < deadline )) || die "Kestra answers /ping but refuses KESTRA_USER/KESTRA_PASSWORD on /api/v1/main/flows/search (log $LOG_FILE)"
  sleep 2
done
say "ready at http://localhost:$PORT (UI /ui, user $KESTRA_USER)"
printf 'KESTRA_URL=http://localhost:%s\n' "$PORT"
