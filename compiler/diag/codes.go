package diag

// Stable finding codes. They appear in --format json/sarif output and name
// the rule a user silences; never rename one.
const (
	CodeSyntax         = "syntax"          // the file is not JSON5
	CodeRootType       = "root-type"       // the document is not an object
	CodeUnknownKey     = "unknown-key"     // a key the schema does not declare
	CodeLegacyKey      = "legacy-key"      // a key OpenClaw moved elsewhere
	CodeType           = "type"            // wrong JSON type
	CodeInteger        = "integer"         // a number that must be a (safe) integer
	CodeRange          = "range"           // a number outside its bounds
	CodeEnum           = "enum"            // a string outside its allowed set
	CodeRequired       = "required"        // a required key is missing
	CodeRemoteHost     = "remote-host"     // remoteHost is not host or user@host
	CodeExecutable     = "cli-path"        // cliPath could inject shell syntax or options
	CodeAttachmentRoot = "attachment-root" // an attachment root pattern OpenClaw rejects
	CodeDMPolicy       = "dm-policy"       // dmPolicy open/allowlist without a usable allowFrom
	CodeToolPolicy     = "tool-policy"     // allow and alsoAllow in one scope
	CodeBinding        = "binding"         // a binding OpenClaw rejects for imessage
	CodeInclude        = "include"         // an $include OpenClaw cannot follow
	CodeEnvVars        = "env-vars"        // env.vars values OpenClaw fails on
	CodeFormat         = "format"          // a duration or byte size OpenClaw cannot parse
	CodeAvatar         = "avatar"          // identity.avatar not in the workspace, an URL or a data URI
	CodeAgentDir       = "agent-dir"       // two agents sharing one agentDir
	CodeRoster         = "agent-roster"    // agents.entries or agents.ownership that OpenClaw 2026.9.6 refuses
	CodeChannelSchema  = "channel-schema"  // a channels.<id> section its bundled plugin's JSON Schema refuses (2026.9.6)
	CodeRouteUnowned   = "route-unowned"   // iMessage traffic no agent owns: 2026.9.6 fails every such message
	CodeIgnore         = "ignore"          // an openclawcfg:ignore comment that is malformed or suppresses nothing
	CodeRelease        = "release"         // an OpenClaw release openclawcfg has no profile for
	CodeCoreSchema     = "core-schema"     // a value OpenClaw's core schema refuses where openclawcfg's own schema is open
	CodeAgentRef       = "agent-ref"       // broadcast, heartbeat, systemAgent or talk naming an agent the roster lacks

	// Warnings.
	CodeDuplicateKey   = "duplicate-key"   // OpenClaw keeps the last value silently
	CodeProtoKey       = "proto-key"       // __proto__ is dropped by OpenClaw's parser
	CodeShadowedPolicy = "shadowed-policy" // a top-level policy hidden by account defaults
	CodePaddedKey      = "padded-key"      // a channel key with spaces OpenClaw accepts but never reads
	CodeEnv            = "env"             // a ${VAR} reference to an unset variable, left as written

	// Lints on the effective policy (warnings; silence with --disable).
	CodeOpenDM              = "open-dm"              // dmPolicy "open"
	CodeWildcardAllow       = "wildcard-allow"       // "*" in an allow list
	CodeOpenGroups          = "open-groups"          // groupPolicy "open"
	CodeEmptyGroupAllow     = "empty-group-allow"    // explicit groupAllowFrom: []
	CodeAllowlistNoGroups   = "allowlist-no-groups"  // group allowlist without a groups map
	CodeMentionUndetectable = "mention-undetectable" // requireMention with no mention patterns
	CodeRemoteNoRoots       = "remote-no-roots"      // remote attachments with only the default root
	CodeWrapperShape        = "wrapper-shape"        // a cliPath wrapper detection or stdio will trip on
	CodeAccountKey          = "account-key"          // an accounts entry OpenClaw never reads
	CodeDeadBinding         = "dead-binding"         // an imessage binding that can never match
	CodeAgentDirCase        = "agent-dir-case"       // agentDirs that differ only in case (one directory on macOS)
)

// Rule describes a finding code.
type Rule struct {
	Code    string
	Summary string
	Warning bool
}

var rules = []Rule{
	{CodeSyntax, "The file is not valid JSON5.", false},
	{CodeRootType, "The config root must be an object.", false},
	{CodeUnknownKey, "Key not allowed here by OpenClaw's strict schema.", false},
	{CodeLegacyKey, "Key that OpenClaw moved elsewhere.", false},
	{CodeType, "Value of the wrong JSON type.", false},
	{CodeInteger, "Number that must be a safe integer.", false},
	{CodeRange, "Number outside its allowed range.", false},
	{CodeEnum, "String outside its allowed values.", false},
	{CodeRequired, "Required key missing.", false},
	{CodeRemoteHost, "remoteHost must be host or user@host, with no port, spaces or SSH options.", false},
	{CodeExecutable, "cliPath must be a safe executable name or path.", false},
	{CodeAttachmentRoot, "Attachment roots must be absolute, with * only as a whole segment.", false},
	{CodeDMPolicy, "dmPolicy open/allowlist needs a matching allowFrom.", false},
	{CodeToolPolicy, "A tool policy cannot set both allow and alsoAllow.", false},
	{CodeBinding, "Binding OpenClaw rejects for the imessage channel.", false},
	{CodeInclude, "An $include OpenClaw cannot follow (missing, outside the config directory, cyclic, too deep, not JSON5).", false},
	{CodeEnvVars, "env.vars values OpenClaw fails on (numbers, booleans, objects).", false},
	{CodeLimit, "The input is past one of openclawcfg's resource limits (values, entries of a list or object, expanded size), or this entry stands for findings left out of the list.", false},
	{CodeIgnore, "An openclawcfg:ignore comment that is malformed, names no warning, or suppresses nothing.", false},
	{CodeDuplicateKey, "Duplicate key: OpenClaw silently keeps the last value.", true},
	{CodeProtoKey, "__proto__ key: OpenClaw's parser drops it.", true},
	{CodeShadowedPolicy, "Top-level policy hidden in accounts by OpenClaw's per-account default.", true},
	{CodePaddedKey, "Channel key with surrounding spaces: accepted by OpenClaw but never read.", true},
	{CodeEnv, "A ${VAR} reference to an unset variable: OpenClaw leaves it as written.", true},
	{CodeOpenDM, "dmPolicy \"open\" admits direct messages from anyone.", true},
	{CodeWildcardAllow, "\"*\" in an allow list admits everyone (and opens groups through the allowFrom fallback).", true},
	{CodeOpenGroups, "groupPolicy \"open\" lets any group member trigger the agent.", true},
	{CodeEmptyGroupAllow, "An explicit empty groupAllowFrom drops every group message.", true},
	{CodeAllowlistNoGroups, "groupPolicy \"allowlist\" without a groups map drops every group message.", true},
	{CodeMentionUndetectable, "requireMention cannot be enforced without mention patterns.", true},
	{CodeRemoteNoRoots, "Remote attachments allowed only under the default root.", true},
	{CodeWrapperShape, "A cliPath wrapper that remoteHost detection or stdio will trip on.", true},
	{CodeAccountKey, "An accounts key OpenClaw normalises to an id whose lookup does not find this entry: its settings are never read.", true},
	{CodeDeadBinding, "An imessage binding with guildId, teamId, roles or an invalid peer: it never matches an iMessage message.", true},
	// Appended, not grouped with the other errors: SARIF rule indexes of
	// earlier codes stay stable.
	{CodeFormat, "A duration or byte size OpenClaw cannot parse.", false},
	{CodeAvatar, "An agent avatar outside the agent's workspace, and neither an http(s) URL nor a data: URI.", false},
	{CodeAgentDir, "Two agents sharing one agentDir.", false},
	{CodeRelease, "An OpenClaw release openclawcfg has no profile for.", false},
	{CodeRoster, "An agent roster OpenClaw 2026.9.6 refuses: no agent, duplicate ids, or several agents without an owner.", false},
	{CodeChannelSchema, "A channel section (Telegram, Discord, Slack, ...) its bundled plugin's JSON Schema refuses in OpenClaw 2026.9.6.", false},
	{CodeCoreSchema, "A value OpenClaw's own config schema refuses in a section openclawcfg does not model key by key (gateway, tools, models, other channels in 2026.3.24, ...).", false},
	{CodeRouteUnowned, "iMessage messages no binding routes and no agent owns: OpenClaw 2026.9.6 fails every one of them.", true},
	{CodeAgentDirCase, "Two agentDirs that differ only in case: one directory to OpenClaw on macOS and Windows, which refuse the config.", true},
	{CodeAgentRef, "An agent id in broadcast (or, in 2026.9.6, heartbeat.agentId, systemAgent.agentId or talk.agentId) that the roster does not list.", false},
}

// Describe returns the rule for code; unknown codes get an empty summary.
func Describe(code string) Rule {
	for _, r := range rules {
		if r.Code == code {
			return r
		}
	}
	return Rule{Code: code}
}

// Rules lists every finding code.
func Rules() []Rule { return rules }
