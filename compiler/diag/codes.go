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

	// Warnings.
	CodeDuplicateKey   = "duplicate-key"   // OpenClaw keeps the last value silently
	CodeProtoKey       = "proto-key"       // __proto__ is dropped by OpenClaw's parser
	CodeShadowedPolicy = "shadowed-policy" // a top-level policy hidden by account defaults
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
	{CodeDuplicateKey, "Duplicate key: OpenClaw silently keeps the last value.", true},
	{CodeProtoKey, "__proto__ key: OpenClaw's parser drops it.", true},
	{CodeShadowedPolicy, "Top-level policy hidden in accounts by OpenClaw's per-account default.", true},
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
