package compiler

// notes holds, per channels.imessage-relative key (or full path outside
// the channel), the runtime behaviour of OpenClaw 2026.3.24 that the schema
// does not show and that users trip over. Sources: the behavioural spec
// (shared/spec/openclaw-imessage.md) and the runtime oracle.
var notes = map[string][]string{
	"dmPolicy": {
		`OpenClaw writes dmPolicy="pairing" into every accounts.<id> entry that sets none, so a top-level dmPolicy does not reach named accounts (vet warns: shadowed-policy).`,
		`"open" admits anyone at runtime; the schema demands "*" in allowFrom, but the runtime does not check it.`,
		`"*" in allowFrom turns "pairing" into open access too, and through the groupAllowFrom fallback it also opens groups.`,
		`Pairing approvals (openclaw pairing approve imessage CODE) count for every policy except "allowlist"; they never authorise group senders.`,
	},
	"allowFrom": {
		`Entries are compared after String(entry).trim(); numbers are read as phone numbers (15551234567 matches +1 (555) 123-4567).`,
		`Handles are normalised: imessage:/sms:/auto: prefixes stripped, emails lowercased, anything else reduced to +digits (so "abc" becomes "+" and matches every other digit-less handle).`,
		`chat_id:<n> entries also admit DM threads with that chat id.`,
		`When groupAllowFrom is unset, a non-empty allowFrom is also the group sender list.`,
	},
	"groupAllowFrom": {
		`Unset: falls back to allowFrom when allowFrom is non-empty. Set to []: blocks every group sender under groupPolicy "allowlist" (no fallback).`,
		`Pairing-store approvals never count for groups.`,
	},
	"groupPolicy": {
		`Under "allowlist" there are two gates: the sender must pass groupAllowFrom (or its allowFrom fallback) AND the chat must be a key of groups (or "*" must be). "allowlist" with no groups map drops every group message.`,
		`OpenClaw writes groupPolicy="allowlist" into the top level and every account that sets none; channels.defaults.groupPolicy is therefore never used while channels.imessage exists.`,
		`If channels.imessage is missing entirely, the runtime uses "allowlist" and logs a warning, even when channels.defaults.groupPolicy is set.`,
		`"open" with a non-empty groups map still admits only the listed chats (or all with "*").`,
	},
	"groups": {
		`An account's groups map replaces the top-level one whole (no merge).`,
		`Any groups entry turns the chat allowlist on, even under groupPolicy "open".`,
		`A chat_id listed here is treated as a group even when imsg reports is_group=false (group gating and group session); the "*" entry does not do this.`,
		`Keys are compared exactly with String(chat_id).`,
	},
	"groups.<id>.requireMention": {
		`Precedence: groups.<chat_id>.requireMention, then groups["*"].requireMention, then true.`,
		`Mentions are found only by regex (agents.list[].groupChat.mentionPatterns, then messages.groupChat.mentionPatterns, then the agent's identity name/emoji). With no patterns, mention gating cannot be enforced and every admitted message passes.`,
		`An authorised control command (/status, /new, ...) bypasses mention gating.`,
	},
	"remoteHost": {
		`When unset (or unsafe), OpenClaw tries to detect it from the cliPath wrapper script with two regexes; a port given there is lost and ProxyJump is not understood.`,
		`SCP runs /usr/bin/scp -o BatchMode=yes -o StrictHostKeyChecking=yes: the host key must already be in ~/.ssh/known_hosts.`,
		`A remote host switches inbound attachment checks to remoteAttachmentRoots.`,
	},
	"cliPath": {
		`A leading ~ is expanded when the config loads; the client itself does not expand it.`,
		`The wrapper must pass stdio through unbuffered (exec ssh -T host imsg "$@").`,
		`channels status --probe probes the top-level cliPath for every account (a 2026.3.x quirk).`,
	},
	"attachmentRoots": {
		`Always merged with /Users/*/Library/Messages/Attachments: roots can only widen the set.`,
		`'*' matches exactly one path segment; matching is lexical and case-sensitive, symlinks are not resolved.`,
		`Invalid roots fail validation; at runtime they would be dropped silently.`,
	},
	"remoteAttachmentRoots": {
		`Used only when a remote host is in effect; merged with attachmentRoots (account, then top level) and the default root.`,
		`Remote staging copies at most 5 MiB per file whatever mediaMaxMb says.`,
	},
	"mediaMaxMb": {
		`Caps outbound media only (replies and pairing messages); inbound attachments are not size-checked by the monitor.`,
	},
	"textChunkLimit": {
		`Account value, then top level, then 4000. Chunking is not code-fence aware in "length" mode.`,
	},
	"chunkMode": {
		`"newline" sends every blank-line-separated paragraph as its own message (paragraphs are not packed) and does not split at blank lines inside fenced code blocks; a paragraph longer than textChunkLimit is still length-split, fences included.`,
	},
	"historyLimit": {
		`Size of the pending group history buffer; falls back to messages.groupChat.historyLimit, then 50. 0 disables it.`,
	},
	"dmHistoryLimit": {
		`Applies only with session.dmScope "per-channel-peer"; with the default "main" no DM limit applies.`,
	},
	"dms": {
		`Keyed by the lowercased normalised handle (+15551234567, user@example.com); applies only with session.dmScope "per-channel-peer".`,
	},
	"enabled": {
		`A top-level false disables every account, whatever the account says.`,
	},
	"accounts": {
		`With any account listed there is no implicit "default" account; top-level fields are only inherited values.`,
		`Account keys are normalised (lowercased, other characters to "-"); a key like "my bot" becomes "my-bot" and is then not found, so that account runs on top-level settings only.`,
	},
	"defaultAccount": {
		`Used when a caller names no account; in 2026.3.x the monitor and resolveIMessageAccount still default to "default".`,
	},
	"includeAttachments": {
		`Also sent as the attachments flag of watch.subscribe; with false, attachments are ignored even when present.`,
	},
	"configWrites": {
		`The /config command also needs commands.config: true.`,
	},
	"session.dmScope": {
		`"main" (the default) collapses every iMessage DM into the agent's main session.`,
	},
	"agents.list[].groupChat.mentionPatterns": {
		`If present, even [] wins over messages.groupChat.mentionPatterns; [] then disables mention detection for the agent.`,
		`Patterns are JavaScript regexes compiled with the "i" flag; invalid ones are skipped.`,
	},
	"messages.groupChat.mentionPatterns": {
		`Used for agents whose groupChat has no mentionPatterns key.`,
	},
	"channels.defaults.groupPolicy": {
		`Never used by iMessage: while channels.imessage exists its schema default "allowlist" wins, and when it is missing the runtime falls back to "allowlist".`,
	},
	"commands.useAccessGroups": {
		`Only false disables: control commands are then accepted from anyone admitted.`,
	},
}
