# Sourced by scripts/*-goldens.sh: the start and the end every recording
# shares.

# golden_setup VERSION [--check]: sets check (1 with --check), NODE_BIN
# (the oracle's Node 24), OPENCLAW_DIR and DIST (openclaw@VERSION in the
# oracle install under ORACLE_ROOT: npm-VERSION, else npm when that holds
# VERSION) and tmp (a directory removed on exit);
# exits 3 saying what to install when something is missing.
golden_setup() {
  export ORACLE_ROOT="${ORACLE_ROOT:-$HOME/.cache/openclaw-oracle}"
  export OPENCLAW_VERSION=$1
  check=0
  [[ "${2:-}" == "--check" ]] && check=1
  # || true: under pipefail a failing ls would end the script without a word.
  NODE_BIN="$(ls "$ORACLE_ROOT"/node24/node_modules/node-linux-*/bin/node 2>/dev/null | head -1 || true)"
  [[ -x "$NODE_BIN" ]] || { echo "Node 24 not found under $ORACLE_ROOT/node24; run /work/shared/oracle/setup.sh" >&2; exit 3; }
  OPENCLAW_DIR="$ORACLE_ROOT/npm-$OPENCLAW_VERSION/node_modules/openclaw"
  # setup.sh installs the newest release under npm/ rather than npm-<version>.
  if [[ ! -f "$OPENCLAW_DIR/package.json" ]] &&
    grep -q "\"version\": *\"$OPENCLAW_VERSION\"" "$ORACLE_ROOT/npm/node_modules/openclaw/package.json" 2>/dev/null; then
    OPENCLAW_DIR="$ORACLE_ROOT/npm/node_modules/openclaw"
  fi
  DIST="$OPENCLAW_DIR/dist"
  [[ -f "$OPENCLAW_DIR/package.json" && -d "$DIST" ]] || {
    echo "openclaw@$OPENCLAW_VERSION not found at $OPENCLAW_DIR; run OPENCLAW_VERSIONS=$OPENCLAW_VERSION /work/shared/oracle/setup.sh" >&2; exit 3; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
}

# golden_finish NEW GOLDEN CHECK: with CHECK=1 compare NEW with GOLDEN
# (exit 1 and a diff when stale), else install NEW as GOLDEN.
golden_finish() {
  local new=$1 golden=$2 check=$3 script
  script="scripts/$(basename "$0")"
  if (( check )); then
    if cmp -s "$new" "$golden"; then
      echo "golden up to date: $golden ($(wc -l < "$golden") lines)"
    else
      diff -u "$golden" "$new" | head -60 >&2 || true
      echo "golden is stale: run $script" >&2
      exit 1
    fi
  else
    mkdir -p "$(dirname "$golden")"
    cp "$new" "$golden"
    echo "wrote $golden ($(wc -l < "$golden") lines)"
  fi
}
