// Package pairing is OpenClaw 2026.3.24's iMessage pairing store in Go,
// reading and writing the same files in the same bytes, so approvals carry
// over between OpenClaw and openclawcfg both ways and both can run at once.
//
// Ported from dist/pairing-store-Ci8ZfuL6.js (upsertChannelPairingRequest,
// approveChannelPairingCode, listChannelPairingRequests,
// readChannelAllowFromStore), dist/file-lock-Cm3HPowf.js (the lock),
// dist/json-files-BF0_WtT5.js (writeTextAtomic), dist/pairing-challenge-*.js
// (buildPairingReply), dist/pairing-message-*.js (PAIRING_APPROVED_MESSAGE)
// and dist/pairing-cli-B-LpTQzl.js (the approve command's messages).
//
// Layout under the state dir (OpenClaw's OPENCLAW_STATE_DIR; OpenClaw also
// honours OPENCLAW_OAUTH_DIR for the credentials dir, which we do not):
//
//	credentials/imessage-pairing.json            {"version":1,"requests":[…]}, all accounts
//	credentials/imessage-<account>-allowFrom.json {"version":1,"allowFrom":[…]}
//	credentials/imessage-allowFrom.json          legacy, merged into "default" on read
//	credentials/<file>.lock                      the lock, while held
//
// Files are JSON.stringify(value, null, 2) plus "\n", mode 0600, written
// atomically (temp file, fsync, rename, dir fsync); new dirs are 0700 — the
// same as OpenClaw. A request is {id, code, createdAt, lastSeenAt, meta}
// with meta's keys as given (the monitor: sender, chatId) then accountId.
// Requests OpenClaw would keep are rewritten as parsed (key order, numbers,
// escapes), as JSON.parse + JSON.stringify would.
//
// Where openclawcfg is deliberately stricter than OpenClaw (each case is in
// the golden as a "go" step):
//   - a pairing or allowFrom file that is not valid JSON, not valid UTF-8,
//     not an object, of another version, or whose list is not an array is an
//     error wrapping ErrCorrupt naming the file, and is never rewritten
//     (OpenClaw treats it as empty and overwrites it, losing its content);
//   - a store file or the credentials dir that is a symlink leading out of
//     the state dir, or is not a regular file/dir, is refused (OpenClaw
//     follows it; a FIFO would hang its read);
//   - Approve checks the allowFrom file and the account id before removing
//     the request (OpenClaw removes it first and can lose it);
//   - the lock is also exclusive between goroutines (OpenClaw's is re-entrant
//     per process, so its own concurrent upserts lose requests), and closes
//     two races of OpenClaw's stale-lock handling on our side.
package pairing
