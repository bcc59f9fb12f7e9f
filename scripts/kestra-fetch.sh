#!/usr/bin/env bash
# Fetches the pinned Kestra server and the Node.js script plugin from Maven Central into .kestra/
# (cached: nothing is downloaded when the files are there) and finds a JDK >= 21.
# Writes .kestra/fetched.env (KESTRA_EXEC, KESTRA_PLUGINS_DIR, JAVA_BIN) for kestra-start.sh.
#
#   KESTRA_VERSION=1.3.34          Kestra 1.3 LTS server (io.kestra:kestra:<v>:zip:exec)
#   PLUGIN_NODE_VERSION=1.9.8      io.kestra.plugin:plugin-script-node, built against Kestra 1.3.19
#   MAVEN_MIRROR=<url>             fetch from this Maven repository instead of the default one
#   KESTRA_EXEC=/path/kestra-1.3.x use this self-executable Kestra instead of fetching it
#   KESTRA_PLUGIN_NODE_JAR=/path   use this plugin jar instead of fetching it
#   KESTRA_HOME=<dir>              where to keep it all (default <repo>/.kestra)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KESTRA_VERSION="${KESTRA_VERSION:-1.3.34}"
PLUGIN_NODE_VERSION="${PLUGIN_NODE_VERSION:-1.9.8}"
KESTRA_HOME="${KESTRA_HOME:-$ROOT/.kestra}"
PLUGINS_DIR="$KESTRA_HOME/plugins"
DOWNLOAD_DIR="$KESTRA_HOME/download"
KESTRA_ARTIFACT="io.kestra:kestra:${KESTRA_VERSION}:zip:exec"
PLUGIN_ARTIFACT="io.kestra.plugin:plugin-script-node:${PLUGIN_NODE_VERSION}:jar"

say() { printf 'kestra-fetch: %s\n' "$*" >&2; }
die() { printf 'kestra-fetch: ERROR: %s\n' "$*" >&2; exit 2; }

mkdir -p "$PLUGINS_DIR" "$DOWNLOAD_DIR"

# --- JDK >= 21 (Kestra 1.x needs 21+; the bundled launcher is bypassed, so 24+ is fine too) -------------
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
JAVA_BIN=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
  JAVA_BIN="$JAVA_HOME/bin/java"
else
  best=0
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major="$(java_major "$candidate")"
    [[ -n "$major" ]] || continue
    if (( major >= 21 && major > best )); then best=$major; JAVA_BIN="$candidate"; fi
  done
fi
[[ -n "$JAVA_BIN" ]] || die "no JDK >= 21 found (JAVA_HOME or /usr/lib/jvm/*); Kestra 1.3 needs Java 21+: install one (e.g. temurin-25-jdk) or set JAVA_HOME"
say "using Java $(java_major "$JAVA_BIN") at $JAVA_BIN"

# --- Maven copy with a one-line, precise error ------------------------------------------------------------
SETTINGS_ARGS=()
if [[ -n "${MAVEN_MIRROR:-}" ]]; then
  settings="$DOWNLOAD_DIR/settings.xml"
  cat >"$settings" <<XML
<settings><mirrors><mirror><id>railclone-mirror</id><mirrorOf>*</mirrorOf><url>${MAVEN_MIRROR}</url></mirror></mirrors></settings>
XML
  SETTINGS_ARGS=(-s "$settings")
fi

mvn_copy() { # artifact outputDir
  local artifact="$1" out="$2" log="$DOWNLOAD_DIR/mvn-$(echo "$1" | tr ':' '_').log"
  command -v mvn >/dev/null || die "mvn not found; install Maven or set KESTRA_EXEC / KESTRA_PLUGIN_NODE_JAR to local copies"
  if ! mvn -B -U "${SETTINGS_ARGS[@]}" dependency:copy -Dartifact="$artifact" -DoutputDirectory="$out" -Dmdep.overWriteReleases=false >"$log" 2>&1; then
    local repo
    repo="$(grep -o 'in [a-zA-Z0-9_-]* ([^)]*)' "$log" | head -n1 || true)"
    [[ -n "$repo" ]] || repo="in ${MAVEN_MIRROR:-the configured Maven repositories}"
    local reason
    reason="$(grep -o -m1 -E 'Could not find artifact [^ ]+|was not found in [^ ]+|Could not transfer artifact [^ ]+|Unknown host [^ ]+|Connection refused' "$log" | head -n1 || true)"
    die "$artifact is not available $repo${reason:+ ($reason)}; set MAVEN_MIRROR=<a Maven repository that has it>, or KESTRA_EXEC=/path/to/kestra-${KESTRA_VERSION} and KESTRA_PLUGIN_NODE_JAR=/path/to/plugin-script-node-${PLUGIN_NODE_VERSION}.jar to use local copies (full Maven log: $log)"
  fi
}

# --- the Kestra server ------------------------------------------------------------------------------------
if [[ -n "${KESTRA_EXEC:-}" ]]; then
  [[ -f "$KESTRA_EXEC" ]] || die "KESTRA_EXEC=$KESTRA_EXEC is not a file"
  EXEC="$KESTRA_EXEC"
else
  EXEC="$KESTRA_HOME/kestra-${KESTRA_VERSION}"
  if [[ ! -f "$EXEC" ]]; then
    zip="$DOWNLOAD_DIR/kestra-${KESTRA_VERSION}-exec.zip"
    [[ -f "$zip" ]] || mvn_copy "$KESTRA_ARTIFACT" "$DOWNLOAD_DIR"
    [[ -f "$zip" ]] || die "Maven finished but $zip is missing"
    unpack="$DOWNLOAD_DIR/unpack-${KESTRA_VERSION}"
    rm -rf "$unpack" && mkdir -p "$unpack"
    unzip -q -o "$zip" -d "$unpack" || die "cannot unzip $zip"
    found="$(find "$unpack" -type f -name "kestra*" | head -n1)"
    [[ -n "$found" ]] || die "$zip holds no kestra executable"
    mv "$found" "$EXEC" && chmod +x "$EXEC" && rm -rf "$unpack"
  fi
fi
# The self-executable is a shell stub followed by a jar; the server classes must be inside.
if ! unzip -l "$EXEC" 2>/dev/null | grep -q 'io/kestra/cli/App.class'; then
  die "$EXEC does not contain io/kestra/cli/App.class; it is not a Kestra server executable"
fi
say "Kestra ${KESTRA_VERSION}: $EXEC"

# --- the Node.js plugin -----------------------------------------------------------------------------------
if [[ -n "${KESTRA_PLUGIN_NODE_JAR:-}" ]]; then
  [[ -f "$KESTRA_PLUGIN_NODE_JAR" ]] || die "KESTRA_PLUGIN_NODE_JAR=$KESTRA_PLUGIN_NODE_JAR is not a file"
  cp -f "$KESTRA_PLUGIN_NODE_JAR" "$PLUGINS_DIR/"
else
  jar="$PLUGINS_DIR/plugin-script-node-${PLUGIN_NODE_VERSION}.jar"
  [[ -f "$jar" ]] || mvn_copy "$PLUGIN_ARTIFACT" "$PLUGINS_DIR"
  [[ -f "$jar" ]] || die "Maven finished but $jar is missing"
fi
say "plugins: $(ls "$PLUGINS_DIR" | tr '\n' ' ')"

cat >"$KESTRA_HOME/fetched.env" <<ENV
KESTRA_VERSION=${KESTRA_VERSION}
KESTRA_EXEC=${EXEC}
KESTRA_PLUGINS_DIR=${PLUGINS_DIR}
JAVA_BIN=${JAVA_BIN}
ENV
