#!/usr/bin/env bash
# Creates the files the media-outbound scenario names (fixed absolute paths, because the paths are
# part of the scripted rows). record.sh runs it; run it yourself before replaying that scenario with
# the oracle's replay.sh (cmd/openclawcfg/replay_test.go creates the same files). /tmp/openclaw is
# OpenClaw's preferred temp dir (resolvePreferredOpenClawTmpDir in dist/tmp-openclaw-dir-*.js): it
# must be a directory of the current user without group/other write permission, else OpenClaw falls
# back to /tmp/openclaw-<uid> and the scenario's first file is outside its media roots.
set -euo pipefail
mkdir -p /tmp/openclaw
if [[ -O /tmp/openclaw ]]; then
  chmod go-w /tmp/openclaw
else
  echo "warning: /tmp/openclaw belongs to another user; OpenClaw will not use it as a media root" >&2
fi
mkdir -p /tmp/openclaw/oc-e2e-media /tmp/oc-e2e-media-outside
printf 'openclawcfg e2e media file\n' > /tmp/openclaw/oc-e2e-media/reply.txt
printf 'openclawcfg e2e media file\n' > /tmp/oc-e2e-media-outside/reply.txt
rm -f /tmp/openclaw/oc-e2e-media/missing.txt
