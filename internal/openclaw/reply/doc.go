// Package reply ports OpenClaw 2026.3.24's outbound reply pipeline for the
// iMessage channel: given what a handler answered (standing for the agent's
// final text), Plan returns the imsg "send" calls OpenClaw would make, in
// order, and why a reply was dropped.
//
// The chain, as OpenClaw runs it for an agent's answer (files name their
// dist sources):
//
//	agent run        parseReplyDirectives: MEDIA: lines outside code fences become
//	                 attachments (any MEDIA: token squeezes the text: blank lines and
//	                 blank runs collapse), [[reply_to:ID]], [[reply_to_current]] and
//	                 [[audio_as_voice]] are cut out, a bare NO_REPLY drops the reply
//	reply builder    HEARTBEAT_OK stripped (alone: dropped), reply threading, a second
//	                 directive pass, relative/~ media paths resolved against the agent
//	                 workspace (a data: URL drops all media), the "did not schedule a
//	                 reminder" note appended to promises of reminders
//	dispatcher       normalizeReplyPayload: NO_REPLY and HEARTBEAT_OK again, <final>
//	                 tags, leading blank lines, consecutive duplicate paragraphs, LINE
//	                 directives ([[quick_replies:...]] etc. vanish), responsePrefix
//	                 ("auto" and {template} variables) unless already there
//	deliverReplies   sanitizeOutboundText (thinking/<relevant-memories> blocks, "#+#+"
//	                 separators, "assistant to=x" and "user:" turn markers, 3+ newlines),
//	                 convertMarkdownTables (a reply with a table is re-rendered WHOLE
//	                 from a markdown-it parse), then one send per attachment (caption on
//	                 the first only, never chunked) or per text chunk
//	sendMessageIMessage  a second table conversion per chunk or caption, "<media:KIND>"
//	                 for an attachment without caption, "[[reply_to:ID]] " in front
//
// Before that final reply, the block replies the agent emitted while it
// streamed (blocks.go): with block streaming off, as iMessage has it by
// default, a block that carries attachments is sent as the attachments
// alone, and the final reply with the same text and attachments is then
// dropped, so a reply with MEDIA: lines normally arrives without its text.
//
// The markdown converter is a port of markdown-it 14.3.3 with OpenClaw's
// options and of OpenClaw's IR renderer (md_*.go). Everything is checked
// against OpenClaw itself: testdata/reply-2026.3.24.jsonl records what
// OpenClaw's own functions sent for 874 replies through the final reply's
// path (scripts/oracle-reply-goldens.sh), testdata/reply-turns-2026.3.24.jsonl
// what whole agent turns of OpenClaw's gateway sent for 73 replies, block
// replies included (scripts/oracle-reply-turn-goldens.sh), and
// testdata/e2e-turns.jsonl the 19 turns of the real gateway's e2e
// recordings.
//
// Lengths, limits and cuts follow JavaScript (UTF-16 units, JS trim and \s)
// where OpenClaw depends on them; see internal/openclaw.
package reply
