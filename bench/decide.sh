#!/usr/bin/env bash
# Times the inbound decision: 'openclawcfg decide' (one process, N message
# lines) against OpenClaw 2026.3.24's own resolveIMessageInboundDecision
# called N times through ../shared/oracle/runtime-oracle.sh (one Node
# process), in one run, and prints the per-decision cost and the ratio. The
# OpenClaw side needs the oracle (OPENCLAW_VERSIONS=2026.3.24
# ../shared/oracle/setup.sh) and is skipped without it. Both sides include
# reading and writing one JSON line per message.
#   bench/decide.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
oracle=${RUNTIME_ORACLE:-../shared/oracle/runtime-oracle.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/openclawcfg" ./cmd/openclawcfg
cat > "$work/cfg.json5" <<'CFG'
{
  agents: { list: [{ id: "main", default: true, groupChat: { mentionPatterns: ["\\b@?openclaw\\b", "@bot", "hey\\s+clawd"] } }] },
  channels: { imessage: { allowFrom: ["+15550001111"], groupAllowFrom: ["+15550001111", "+15550002222"], groups: { "42": { requireMention: true } } } },
}
CFG
"$work/openclawcfg" compile "$work/cfg.json5" -o "$work/plan.json"
# Four kinds of message, cycled: an admitted DM, a stranger, an unmentioned
# and a mentioned group message.
msgs=(
  '{"id":1,"chat_id":7,"sender":"+15550001111","text":"hello there, how are you?","created_at":"2026-05-16T15:24:36.123Z"}'
  '{"id":2,"chat_id":8,"sender":"+15559999999","text":"who is this?","created_at":"2026-05-16T15:24:37.123Z"}'
  '{"id":3,"chat_id":42,"is_group":true,"sender":"+15550002222","text":"anyone up for pizza tonight?","created_at":"2026-05-16T15:24:38.123Z"}'
  '{"id":4,"chat_id":42,"is_group":true,"sender":"+15550001111","text":"hey clawd, what do you think?","created_at":"2026-05-16T15:24:39.123Z"}'
)
for ((i = 0; i < n; i++)); do echo "${msgs[$((i % 4))]}"; done > "$work/in.jsonl"
ms() { date +%s%N; }
t0=$(ms); "$work/openclawcfg" decide "$work/plan.json" --state-dir "$work/state" < "$work/in.jsonl" > "$work/go.out"; t1=$(ms)
go_ns=$(( (t1 - t0) / n ))
echo "openclawcfg decide: $n decisions in $(( (t1 - t0) / 1000000 )) ms = ${go_ns} ns/decision ($(( n * 1000000000 / (t1 - t0) )) /s), process start included"
if [ -x "$oracle" ] && echo '{"fn":"$version"}' | "$oracle" >/dev/null 2>&1; then
  # The same messages as resolveIMessageInboundDecision requests, with the
  # monitor's inputs for this config (cfg as OpenClaw loads it).
  cfgjson='{"agents":{"list":[{"id":"main","default":true,"groupChat":{"mentionPatterns":["\\b@?openclaw\\b","@bot","hey\\s+clawd"]}}]},"channels":{"imessage":{"allowFrom":["+15550001111"],"groupAllowFrom":["+15550001111","+15550002222"],"groups":{"42":{"requireMention":true}},"dmPolicy":"pairing","groupPolicy":"allowlist"}}}'
  for ((i = 0; i < n; i++)); do
    m=${msgs[$((i % 4))]}
    echo "{\"fn\":\"resolveIMessageInboundDecision\",\"args\":[{\"cfg\":$cfgjson,\"accountId\":\"default\",\"message\":$m,\"dmPolicy\":\"pairing\",\"groupPolicy\":\"allowlist\",\"allowFrom\":[\"+15550001111\"],\"groupAllowFrom\":[\"+15550001111\",\"+15550002222\"],\"historyLimit\":50}]}"
  done > "$work/oracle.jsonl"
  t0=$(ms); "$oracle" < "$work/oracle.jsonl" > "$work/oc.out"; t1=$(ms)
  oc_ns=$(( (t1 - t0) / n ))
  bad=$(grep -c '"ok":false' "$work/oc.out" || true)
  echo "OpenClaw resolveIMessageInboundDecision (oracle): $n decisions in $(( (t1 - t0) / 1000000 )) ms = ${oc_ns} ns/decision, module load included ($bad errors)"
  # The same with one request: the module load, to take out.
  head -1 "$work/oracle.jsonl" > "$work/one.jsonl"
  t2=$(ms); "$oracle" < "$work/one.jsonl" > /dev/null; t3=$(ms)
  marginal=$(( ((t1 - t0) - (t3 - t2)) / n ))
  echo "  of which loading OpenClaw: $(( (t3 - t2) / 1000000 )) ms; per decision after loading: ${marginal} ns"
  awk -v a="$oc_ns" -v b="$go_ns" -v m="$marginal" 'BEGIN { printf "ratio: %.1fx overall, %.1fx per decision once loaded\n", a / b, m / b }'
else
  echo "OpenClaw side skipped: no oracle at $oracle"
fi
