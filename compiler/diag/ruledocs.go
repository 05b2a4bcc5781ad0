package diag

import "strings"

// DocsURL is where the README explains the finding codes; a rule's help
// links to a section of it.
const DocsURL = "https://github.com/openclawcfg/openclawcfg/blob/main/README.md"

// RuleDoc is the long form of a rule, for SARIF's fullDescription and help.
type RuleDoc struct {
	Full   string // what is wrong and why OpenClaw cares, in a sentence or two
	Fix    string // markdown: how to repair it
	Anchor string // README section
	// Security marks rules about who can reach the agent or what reaches
	// a command line.
	Security bool
}

var ruleDocs = map[string]RuleDoc{
	CodeSyntax:         {"The file is not valid JSON5 as OpenClaw's parser (the npm json5 package) reads it, so OpenClaw refuses to start.", "Correct the syntax at the position shown; the message says what the parser expected there.", "what-is-checked", false},
	CodeRootType:       {"The top level of openclaw.json must be an object.", "Wrap the settings in `{ ... }`, e.g. `{ channels: { imessage: { enabled: true } } }`.", "what-is-checked", false},
	CodeUnknownKey:     {"OpenClaw's schema is strict: a key it does not declare makes it reject the whole file.", "Rename the key to the suggested one, move it to where it is valid, or remove it; `openclawcfg explain PATH` lists the keys of any object.", "what-is-checked", false},
	CodeLegacyKey:      {"A key older OpenClaw releases read that 2026.3.24 rejects because it moved.", "Move the section to the place the message names.", "what-is-checked", false},
	CodeType:           {"A value of the wrong JSON type, such as a string where a list is expected.", "Write the value with the type the message names; a single handle in `allowFrom` goes in `[ ]`.", "what-is-checked", false},
	CodeInteger:        {"A number where OpenClaw requires a safe integer (no fraction, at most 2^53-1 in magnitude).", "Write a whole number.", "what-is-checked", false},
	CodeRange:          {"A number outside the bounds OpenClaw accepts.", "Use a value within the bounds in the message.", "what-is-checked", false},
	CodeEnum:           {"A string outside the allowed set; the values are case-sensitive.", "Use one of the allowed values; the message suggests the closest one.", "what-is-checked", false},
	CodeRequired:       {"A key OpenClaw requires is missing (in `agents.list[]` and `bindings[]`).", "Add the key.", "what-is-checked", false},
	CodeRemoteHost:     {"remoteHost must be `host` or `user@host`: OpenClaw rejects ports, spaces, paths and SSH options, which would reach the scp command line.", "Keep only the host (or `user@host`); put ports and options in `~/.ssh/config`.", "what-is-checked", true},
	CodeExecutable:     {"cliPath reaches argv: OpenClaw rejects shell metacharacters, quotes, control characters and a leading `-`.", "Point cliPath at the imsg binary or at a wrapper script and put arguments inside the script. A `${VAR}` must be set where OpenClaw runs (pass the gateway's environment to vet with `--env-file` or `--env`).", "what-is-checked", true},
	CodeAttachmentRoot: {"Attachment roots must be absolute and not the filesystem root, with `*` only as a whole path segment.", "Use an absolute directory such as `/Users/*/Library/Messages/Attachments`.", "what-is-checked", true},
	CodeDMPolicy:       {"dmPolicy \"open\" needs \"*\" in allowFrom, and \"allowlist\" a non-empty allowFrom (in each account too, where allowFrom is inherited from the top level but dmPolicy is not).", "List the senders (or `\"*\"` for open), or use dmPolicy `\"pairing\"`.", "what-is-checked", true},
	CodeToolPolicy:     {"A group tool policy may set allow or alsoAllow, not both.", "Merge alsoAllow into allow, or remove allow.", "what-is-checked", false},
	CodeBinding:        {"OpenClaw 2026.3.24 rejects ACP bindings (type \"acp\") for the imessage channel.", "Drop `type: \"acp\"` to make it a route binding.", "what-is-checked", false},
	CodeInclude:        {"An $include OpenClaw cannot follow: missing, outside the config directory, cyclic, deeper than 10 levels, over 2 MiB, or not JSON5.", "Fix the path (relative to the including file, inside its directory) or the included file.", "what-is-checked", false},
	CodeEnvVars:        {"env.vars values must be strings or lists of strings; OpenClaw fails on numbers, booleans and objects.", "Quote the value.", "what-is-checked", false},
	CodeFormat:         {"A duration (`30d`, `12h`, `1h30m`) or byte size (`500mb`, `2gb`) that OpenClaw's parser rejects, so it rejects the file.", "Write a number with a unit and no space; a bare number is in the default unit the message names.", "what-is-checked", false},
	CodeAvatar:         {"`agents.list[].identity.avatar` must be a path inside the agent's workspace, an http(s) URL or a data: URI; OpenClaw rejects `~` paths, other URI schemes and paths that leave the workspace.", "Put the image in the workspace and give its path relative to it, or use a URL.", "what-is-checked", false},
	CodeAgentDir:       {"Two agents whose `agentDir` resolves to one directory: OpenClaw refuses the config, since sharing it causes auth and session state collisions.", "Give each agent its own agentDir; to share credentials, copy auth-profiles.json.", "what-is-checked", false},
	CodeRoster:         {"OpenClaw 2026.9.6 keys agents under `agents.entries` (converting a legacy `agents.list` only when every id is plain, unique and lower case) and refuses a roster with no agent, two keys for one id, more than one `default: true`, or several agents with neither `agents.ownership: \"explicit\"` nor one default marker.", "Write the agents as `agents.entries: { <id>: { ... } }`, and with several agents set `agents.ownership: \"explicit\"` or mark one `default: true`.", "what-is-checked", false},
	CodeChannelSchema:  {"OpenClaw 2026.9.6 validates every `channels.<id>` it ships a plugin for (Telegram, Discord, Slack, WhatsApp, Matrix and the others; iMessage has its own checks) against that plugin's JSON Schema, with the schema's defaults filled in, once the rest of the file is valid, and refuses the file on any error.", "Correct the value as the message says: remove the keys the plugin does not take, give required keys, use an allowed value.", "what-is-checked", false},
	CodeCoreSchema:     {"Where openclawcfg does not model a section key by key (gateway, tools, models, hooks, memory, 2026.3.24's other channels, the contents of sandbox or memorySearch, ...), OpenClaw's own zod config schema still refuses a wrong value, and so does vet, with that schema's JSON export.", "Correct the value as the message says: the type, the allowed values or the pattern it names.", "what-is-checked", false},
	CodeAgentRef:       {"OpenClaw's root schema checks, once the rest of the file passes, that every agent the config names exists: `broadcast.<peer>` lists (2026.3.24: when agents.list is not empty), and in 2026.9.6 also `agents.defaults.heartbeat.agentId`, `agents.defaults.systemAgent.agentId` and `talk.agentId`.", "Name an agent of the roster (`agents.list` in 2026.3.24, `agents.entries` in 2026.9.6), or add the agent.", "what-is-checked", false},
	CodeIgnore:         {"An `// openclawcfg:ignore CODE reason` comment that names no warning code, gives no reason, or suppresses no finding on its line or the next.", "Correct the code or add the reason, or delete the comment once the finding is gone. Errors cannot be suppressed: OpenClaw rejects the file whatever the comment says.", "suppressing-a-finding", false},

	CodeDuplicateKey:        {"Two equal keys in one object: OpenClaw keeps the last one without a word.", "Delete one of the two keys.", "finding-codes", false},
	CodeProtoKey:            {"OpenClaw's JSON5 parser drops `__proto__` keys, so the value is ignored.", "Remove the key.", "finding-codes", false},
	CodeShadowedPolicy:      {"A top-level dmPolicy or groupPolicy does not reach accounts that set none: OpenClaw 2026.3.24 writes the default into every account.", "Set the policy in each account that should have it.", "finding-codes", true},
	CodePaddedKey:           {"A channel key with surrounding spaces, such as `\" imessage\"`: OpenClaw accepts it but never validates or reads it.", "Remove the spaces.", "finding-codes", false},
	CodeEnv:                 {"A `${VAR}` whose variable is not set where vet ran: OpenClaw would leave the text as written.", "Set the variable where OpenClaw runs, vet against the gateway's environment with `--env-file FILE` or `--env NAME=VALUE`, or write `$${VAR}` for a literal `${VAR}`.", "finding-codes", false},
	CodeOpenDM:              {"dmPolicy \"open\": anyone who can message the account reaches the agent.", "Use dmPolicy `\"pairing\"` to approve senders one by one, or `\"allowlist\"`; if it is intended, say so with `// openclawcfg:ignore open-dm REASON`.", "finding-codes", true},
	CodeWildcardAllow:       {"\"*\" in allowFrom admits every sender to DMs (and, through the groupAllowFrom fallback, to groups); in groupAllowFrom it lets any member of an admitted group trigger the agent.", "List the allowed handles instead of `\"*\"`.", "finding-codes", true},
	CodeOpenGroups:          {"groupPolicy \"open\": any member of any group chat the account is in can trigger the agent.", "Use groupPolicy `\"allowlist\"` with `groups` and `groupAllowFrom`.", "finding-codes", true},
	CodeEmptyGroupAllow:     {"An explicit `groupAllowFrom: []` blocks every group sender; an empty list does not fall back to allowFrom.", "List the members who may trigger the agent, or remove the key to fall back to allowFrom.", "finding-codes", false},
	CodeAllowlistNoGroups:   {"groupPolicy \"allowlist\" without a groups map drops every group message.", "Add the chats, e.g. `groups: { \"<chat_id>\": { requireMention: true } }` (or `\"*\"` for all), or set groupPolicy `\"disabled\"` to say so.", "finding-codes", false},
	CodeMentionUndetectable: {"requireMention is on, but the agent has no mention patterns, so it cannot be enforced: every admitted group message is answered.", "Set `agents.list[].groupChat.mentionPatterns` or `messages.groupChat.mentionPatterns`, e.g. `[\"@bot\"]`.", "finding-codes", true},
	CodeRemoteNoRoots:       {"Attachments are fetched over SCP but no remoteAttachmentRoots is set: only the default root on the Mac is allowed.", "Set `remoteAttachmentRoots`, e.g. `[\"/Users/*/Library/Messages/Attachments\"]` to confirm the default.", "finding-codes", false},
	CodeWrapperShape:        {"A cliPath wrapper script that remoteHost detection or stdio will trip on: ProxyJump, a port, a pipe, no `exec`, no `\"$@\"`.", "Use the plain form `exec ssh -T user@host imsg \"$@\"`, or set remoteHost.", "finding-codes", false},
	CodeAccountKey:          {"An accounts key OpenClaw normalises to an id whose lookup does not find this entry: its settings are never read.", "Rename the key to the id OpenClaw starts the account as (the message names it).", "finding-codes", false},
	CodeRelease:             {"An OpenClaw release openclawcfg has no profile for was asked for.", "Pass `--openclaw` with a supported release (`openclawcfg vet --help` lists them), or leave it out to judge by `meta.lastTouchedVersion`.", "openclaw-releases", false},
	CodeRouteUnowned:        {"Several agents are configured and none owns the iMessage messages no binding routes (`agents.ownership: \"explicit\"` without `agents.defaults.systemAgent`): OpenClaw 2026.9.6 throws AgentSelectionRequiredError for each of them, so they are never answered.", "Add a channel-wide binding `{agentId: \"<agentId>\", match: {channel: \"imessage\", accountId: \"<account>\"}}`, or set `agents.defaults.systemAgent.agentId` (or, without explicit ownership, mark one agent `default: true`).", "finding-codes", false},
	CodeAgentDirCase:        {"Two agents whose agentDirs differ only in case (`/srv/Agent`, `/srv/agent`): OpenClaw on macOS and Windows compares agentDirs lower-cased (case-insensitive file systems), so it refuses the config there as a shared agentDir; the Linux gateway accepts it.", "Give each agent a directory whose name differs by more than case.", "finding-codes", false},
	CodeDeadBinding:         {"An imessage binding with guildId, teamId, roles or an invalid peer never matches an iMessage message.", "Remove the Discord/Slack-only keys, or bind by accountId or peer.", "finding-codes", false},
}

// Doc returns the long form of a rule (empty for an unknown code).
func Doc(code string) RuleDoc { return ruleDocs[code] }

// HelpMarkdown is a rule's help for code scanning: what, how to fix it,
// and a link to the README.
func HelpMarkdown(code string) string {
	d := ruleDocs[code]
	return "**" + code + "**: " + d.Full + "\n\n**Fix:** " + d.Fix + "\n\n[openclawcfg documentation](" + DocsURL + "#" + d.Anchor + ")"
}

// ruleNames name the rules whose code is one word: SARIF wants the
// friendly name to differ from the id.
var ruleNames = map[string]string{
	CodeSyntax: "InvalidSyntax", CodeType: "WrongType", CodeInteger: "NotAnInteger", CodeRange: "OutOfRange",
	CodeEnum: "NotAnAllowedValue", CodeRequired: "MissingKey", CodeBinding: "RejectedBinding",
	CodeInclude: "UnresolvableInclude", CodeIgnore: "BadSuppression", CodeEnv: "UnsetVariable",
	"limit": "ResourceLimit",
}

// ruleName is the rule's friendly name in PascalCase ("open-dm" is
// "OpenDm"), as SARIF consumers expect beside the id.
func ruleName(code string) string {
	if n := ruleNames[code]; n != "" {
		return n
	}
	var b strings.Builder
	for _, part := range strings.Split(code, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
