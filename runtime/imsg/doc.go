// Package imsg is the runtime's client for `imsg rpc`: JSON-RPC 2.0 over
// the newline-framed stdio of one child process per account, plus the probe
// and start-up wait OpenClaw runs before it. It follows OpenClaw 2026.3.24
// (dist/imessage-VIY7pCuj.js: IMessageRpcClient, createIMessageRpcClient,
// probeRpcSupport, probeIMessage; dist/detect-binary-*.js;
// waitForTransportReady) and tolerates every imsg from 0.3 to 0.15
// (spec: imsg-rpc.md §1, §9.6; imsg-rpc-later.md §2).
//
// # What is decoded the way OpenClaw decodes it
//
// Each line is trimmed (JavaScript trim) and parsed as JSON after invalid
// UTF-8 becomes U+FFFD (WHATWG, as Node's decoder). A line whose id is
// present and not null is a response, matched to a request by String(id):
// 7, 7.0, 7e0, "7" and [7] all answer request 7. A truthy error makes the
// call fail with an *RPCError whose text is OpenClaw's
// ("<message>: code=<n> <data>", object data as JSON.stringify(data, null,
// 2)); otherwise the call succeeds with result, which may be absent. A line
// without an id whose method is a non-empty string is a notification.
// testdata/oracle-client-2026.3.24.jsonl holds OpenClaw's own answers for
// these rules; oracle_test.go replays them.
//
// # Where it deliberately differs
//
//   - Lines end only at '\n'. Node's readline also ends them at a lone
//     '\r' and at U+2028/U+2029, which imsg writes raw inside strings
//     (JSONSerialization escapes neither), so OpenClaw splits a message
//     whose text holds one into two unparsable halves and loses it.
//   - A line longer than 16 MiB is skipped (and reported), not buffered
//     without bound; a pending request named at its start fails with
//     *ResponseTooLargeError instead of timing out.
//   - Lines OpenClaw ignores silently are logged: responses for unknown or
//     timed-out ids (named as late), errors with id null, lines with neither
//     id nor method. A line that is the JSON `null` crashes OpenClaw's
//     gateway (TypeError in handleLine, then its uncaughtException handler
//     exits); here it is logged and ignored. A notification whose method is
//     not a string is dropped (OpenClaw passes it on, and its monitor then
//     ignores it).
//   - A call after the process ended fails at once with its *ExitError
//     (OpenClaw writes to the dead pipe and waits for the timeout).
//   - Stop escalates to SIGKILL and signals the whole process group; the
//     `rpc --help` probe gets /dev/null as stdin rather than the gateway's.
//
// # Notifications and back-pressure
//
// OnNotification runs on the goroutine that reads stdout, one notification
// at a time in wire order, interleaved correctly with responses (a response
// is handed to its caller before the next line is read). Nothing is dropped
// or reordered, so a handler that blocks stops the reader: responses then
// wait and, once the pipe is full, imsg blocks writing. Hand notifications
// off to a queue and return.
package imsg
