# Sourced by scripts/*-goldens.sh: the end every recording shares.
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
