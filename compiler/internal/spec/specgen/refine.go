package specgen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// defOf is rel's $defs entry for a definition: Name_2026_9_6 when the
// release redefines it, else the shared Name.
func defOf(defs map[string]any, name, rel string) map[string]any {
	if d, ok := defs[name+suffix(rel)].(map[string]any); ok {
		return d
	}
	d, _ := defs[name].(map[string]any)
	return d
}

// SchemaID is the $id of the exported JSON Schema: an identifier (not a
// download location) naming the OpenClaw release it describes.
const SchemaID = "https://github.com/openclawcfg/openclawcfg/schema/openclaw-2026.3.24.schema.json"

// The patterns below are JavaScript regular expressions (what editors run
// for "pattern"), written so that they mean the same with and without the
// u flag. Each mirrors a check OpenClaw 2026.3.24 runs after trimming with
// String.prototype.trim, whose whitespace is exactly JavaScript's \s; a
// ${VAR} reference is accepted wherever it appears, because OpenClaw
// substitutes it before validating and an editor cannot know its value.
const (
	envRef = `\$\{[A-Z_][A-Z0-9_]*\}`

	// CLIPathPattern is isSafeExecutableValue (openclaw's
	// dist/exec-safety-*.js): no NUL, line break, shell metacharacter or
	// quote, and either path-like (leading . or ~, or a / or \ anywhere)
	// or a bare name of letters, digits and ._+- not starting with -.
	CLIPathPattern = `^\s*(?:` +
		`[.~](?:` + cliChar + `|` + envRef + `)*` +
		`|(?:` + cliChar + `|` + envRef + `)*[/\\](?:` + cliChar + `|` + envRef + `)*` +
		`|(?:` + cliChar + `|` + envRef + `)*` + envRef + `(?:` + cliChar + `|` + envRef + `)*` +
		`|[A-Za-z0-9._+][A-Za-z0-9._+-]*` +
		`)\s*$`
	cliChar = "[^\\x00\\r\\n;&|\\x60$<>\"']"

	// RemoteHostPattern is normalizeScpRemoteHost: host or user@host, each
	// of letters, digits and ._- and not starting with -, or a bracketed
	// IPv6 address for the host.
	RemoteHostPattern = `^\s*(?:` +
		`(?:` + sshToken + `@)?(?:` + sshToken + `|\[[0-9A-Fa-f:.%]+\])` +
		`|(?:[A-Za-z0-9._@:%\[\]-]|` + envRef + `)*` + envRef + `(?:[A-Za-z0-9._@:%\[\]-]|` + envRef + `)*` +
		`)\s*$`
	sshToken = `[A-Za-z0-9._][A-Za-z0-9._-]*`

	// RootPattern approximates isValidInboundPathRootPattern from the
	// accepting side: an absolute path (or X:/), not the root itself, with
	// "*" only as a whole segment. OpenClaw cleans ".." lexically before it
	// checks segments, which a pattern cannot do, so a root with a ".."
	// segment is only checked for being absolute: the pattern may accept
	// a root OpenClaw rejects, never the reverse.
	RootPattern = `^(?![\s\S]*\x00)` +
		`(?=\s*(?:[A-Za-z]:)?[/\\])` +
		`(?!\s*(?:[A-Za-z]:)?[/\\](?:[/\\]|\.\.?(?=[/\\]|\s*$))*\s*$)` +
		`(?:(?=[\s\S]*(?:^|[/\\])\.\.(?:[/\\]|\s*$))|(?![\s\S]*[/\\](?:[^/\\*]+\*|\*(?![/\\]|\s*$))))`
)

// enumDescriptions explains each value of every enum the schema declares,
// by field name (the same field name means the same thing everywhere).
var enumDescriptions = map[string]map[string]string{
	"dmPolicy": {
		"pairing":   "Unknown senders get a pairing code; an approved sender may message the agent.",
		"allowlist": "Only senders listed in allowFrom may message the agent.",
		"open":      `Anyone may message the agent; requires "*" in allowFrom.`,
		"disabled":  "Every direct message is dropped.",
	},
	"groupPolicy": {
		"allowlist": `Only chats listed under groups (or "*") and senders in groupAllowFrom (else allowFrom) are admitted.`,
		"open":      "Any member of any group chat may trigger the agent.",
		"disabled":  "Every group message is dropped.",
	},
	"service": {
		"imessage": "Send chat_* targets as iMessage.",
		"sms":      "Send chat_* targets as SMS.",
		"auto":     "Let Messages pick the service.",
	},
	"chunkMode": {
		"length":  "Split long replies at textChunkLimit, preferring newlines, then spaces.",
		"newline": "Send each blank-line-separated paragraph as its own message, then split long ones by length.",
	},
	"tables": {
		"off":     "Leave markdown tables as they are.",
		"bullets": "Render each table row as a bullet list.",
		"code":    "Render tables as code blocks (the iMessage default).",
		"block":   "Render tables as a block (OpenClaw 2026.9.6 and later).",
	},
	"contextVisibility": {
		"all":             "Earlier messages of every sender are context for the agent.",
		"allowlist":       "Only messages of allowed senders are context.",
		"allowlist_quote": "Messages of allowed senders, and quotes of any sender, are context.",
	},
	"sendTransport": {
		"auto":        "Use the imsg bridge when it is available, else AppleScript.",
		"bridge":      "Send through the imsg bridge.",
		"applescript": "Send through AppleScript.",
	},
	"reactionNotifications": {
		"off": "Reactions never reach the agent.",
		"own": "Reactions to the agent's own messages reach it.",
		"all": "Every reaction reaches the agent.",
	},
	"dmScope": {
		"main":                     "Every DM shares the agent's main session.",
		"per-peer":                 "One session per sender, across channels.",
		"per-channel-peer":         "One session per sender and channel.",
		"per-account-channel-peer": "One session per sender, channel and account.",
	},
	"type": {
		"route": "Route matching traffic to agentId.",
		"acp":   `Bind one conversation to an ACP agent (not supported for "imessage" in OpenClaw 2026.3.24).`,
	},
	"kind": {
		"direct":  "A direct conversation; id is the normalised handle.",
		"group":   "A group chat; id is its chat_id.",
		"channel": "A channel (other channels only).",
		"dm":      "Alias of direct.",
	},
	"chatType": {
		"direct":  "Direct conversations.",
		"group":   "Group chats.",
		"channel": "Channels.",
		"dm":      "Alias of direct.",
	},
	"type (runtime)": {
		"embedded": "Run the agent inside the gateway.",
		"acp":      "Run the agent through an ACP harness (see acp).",
	},
	"mode (acp)": {
		"persistent": "Keep one ACP session for the conversation.",
		"oneshot":    "Start a new ACP session for every turn.",
	},
	"thinkingDefault": {
		"off":      "No extended thinking.",
		"minimal":  "Minimal thinking.",
		"low":      "Low thinking budget.",
		"medium":   "Medium thinking budget.",
		"high":     "High thinking budget.",
		"xhigh":    "Extra-high thinking budget.",
		"adaptive": "Let the model decide.",
		"max":      "The model's largest thinking budget (2026.9.6).",
		"ultra":    "Beyond max, where the provider offers it (2026.9.6).",
	},
	"toolProgressDetail": {
		"explain": "Describe tool progress in words.",
		"raw":     "Show raw tool progress.",
	},
	"contextInjection": {
		"always":            "Inject the bootstrap context on every turn.",
		"continuation-skip": "Skip it on continuation turns.",
		"never":             "Never inject it.",
	},
	"modelSelectionScope": {
		"session": "A model choice applies to the session.",
		"agent":   "A model choice applies to the agent.",
		"global":  "A model choice applies everywhere.",
	},
	"imageQuality": {
		"auto":      "Let OpenClaw choose.",
		"efficient": "Smallest images.",
		"balanced":  "Balance size and detail.",
		"high":      "Most detail.",
	},
	"delegationMode": {
		"suggest": "Suggest delegating to sub-agents.",
		"prefer":  "Prefer delegating to sub-agents.",
	},
	"unmentionedInbound": {
		"user_request": "Unmentioned group messages reach the agent as user requests.",
		"room_event":   "Unmentioned group messages reach the agent as room events.",
	},
	"visibleReplies": {
		"automatic":    "Replies are sent automatically.",
		"message_tool": "Replies are sent only through the message tool.",
	},
	"groupScope": {
		"main":      "Every group shares the agent's main session.",
		"per-group": "One session per group.",
	},
	"defaultSpawnContext": {
		"isolated": "A spawned thread session starts empty.",
		"fork":     "A spawned thread session starts from its parent.",
	},
	"ownership": {
		"explicit": "The roster assigns every surface itself (bindings, defaults); required for several agents without a default marker.",
	},
	"bind": {
		"auto":     "Loopback if available, else all interfaces.",
		"lan":      "All interfaces (0.0.0.0).",
		"loopback": "127.0.0.1 only.",
		"custom":   "The IPv4 address in customBindHost.",
		"tailnet":  "The Tailnet address plus loopback.",
	},
	"skipOptionalBootstrapFiles": {
		"SOUL.md":      "Skip SOUL.md.",
		"USER.md":      "Skip USER.md.",
		"HEARTBEAT.md": "Skip HEARTBEAT.md.",
		"IDENTITY.md":  "Skip IDENTITY.md.",
	},
	"reasoningDefault": {
		"on":     "Show reasoning.",
		"off":    "Hide reasoning.",
		"stream": "Stream reasoning as it is produced.",
	},
	"mode (humanDelay)": {
		"off":     "No delay between block replies.",
		"natural": "A human-like delay.",
		"custom":  "A delay between minMs and maxMs.",
	},
	"mode (queue)": {
		"steer":         "Steer the running turn with the new message.",
		"followup":      "Run the new message after the current turn.",
		"collect":       "Collect messages into one follow-up turn.",
		"steer-backlog": "Steer, and keep a backlog.",
		"steer+backlog": "Steer, and keep a backlog.",
		"queue":         "Queue messages one turn each.",
		"interrupt":     "Interrupt the running turn.",
	},
	"drop": {
		"old":       "Drop the oldest queued messages when full.",
		"new":       "Drop new messages when full.",
		"summarize": "Summarise dropped messages.",
	},
	"ackReactionScope": {
		"group-mentions": "Acknowledge group messages that mention the agent.",
		"group-all":      "Acknowledge every group message.",
		"direct":         "Acknowledge direct messages.",
		"all":            "Acknowledge every message.",
		"off":            "Never acknowledge.",
		"none":           "Never acknowledge.",
	},
	"ownerDisplay": {
		"raw":  "Show owner ids as they are.",
		"hash": "Show hashed owner ids (ownerDisplaySecret).",
	},
	"scope": {
		"per-sender": "One session per sender.",
		"global":     "One session for everyone.",
	},
	"typingMode": {
		"never":    "Never show typing.",
		"instant":  "Show typing as soon as a message arrives.",
		"thinking": "Show typing while the model thinks.",
		"message":  "Show typing while a reply is written.",
	},
	"mode (reset)": {
		"none":  "Never reset sessions (2026.9.6).",
		"daily": "Reset sessions daily at atHour.",
		"idle":  "Reset sessions after idleMinutes of inactivity.",
	},
	"action": {
		"allow": "Allow sending.",
		"deny":  "Deny sending.",
	},
	"mode (maintenance)": {
		"enforce": "Prune and rotate the session store.",
		"warn":    "Only warn about the session store size.",
	},
	"bootstrapPromptTruncationWarning": {
		"off":    "Never warn.",
		"once":   "Warn once.",
		"always": "Warn every time.",
	},
	"timeFormat": {
		"auto": "The system's clock format.",
		"12":   "12-hour clock.",
		"24":   "24-hour clock.",
	},
	"envelopeTimestamp": {
		"on":  "On.",
		"off": "Off.",
	},
	"verboseDefault": {
		"off":  "Not verbose.",
		"on":   "Verbose.",
		"full": "Fully verbose.",
	},
	"elevatedDefault": {
		"off":  "No elevated tools.",
		"on":   "Elevated tools on.",
		"ask":  "Ask before elevated tools.",
		"full": "Elevated tools without asking.",
	},
	"blockStreamingBreak": {
		"text_end":    "Flush a block at the end of a text part.",
		"message_end": "Flush at the end of the message.",
	},
	"breakPreference": {
		"paragraph": "Break blocks at paragraphs.",
		"newline":   "Break blocks at newlines.",
		"sentence":  "Break blocks at sentences.",
	},
}

// refine adds to CUE's export what editors use and what JSON Schema can
// check of the rules written in Go: $id and title, defaults and enum
// descriptions from the spec table, safe-integer bounds, the cliPath,
// remoteHost and attachment-root patterns, the tool-policy and ACP-binding
// exclusions, $include everywhere, padded and blank channel keys, and the
// dmPolicy/allowFrom rules as if/then.
func refine(doc map[string]any, root, agentDefaults *spec.Node, rel string) error {
	defs, _ := doc["$defs"].(map[string]any)
	if defs == nil {
		return fmt.Errorf("specgen: the exported schema has no $defs")
	}
	doc["$id"] = SchemaID
	if rel != release.Seed {
		doc["$id"] = strings.Replace(SchemaID, release.Seed, rel, 1)
	}
	doc["title"] = "openclaw.json (OpenClaw " + rel + "), as openclawcfg checks it"
	others := "other sections are known by name only"
	if rel != release.Seed {
		others = "other channels' sections as their bundled plugins declare them; other sections are known by name only"
	}
	doc["description"] = "The OpenClaw " + rel + " configuration file. channels.imessage and the keys it reads are " +
		"checked in full; " + others + ". `openclawcfg vet` checks what JSON Schema cannot " +
		"($include and ${VAR} resolution, duplicate keys, and the rules its README lists)."
	if err := embedChannels(defs, rel); err != nil {
		return err
	}
	if err := embedCore(doc, defs, rel); err != nil {
		return err
	}
	visitSchemas(doc, simplifyInt)
	visitSchemas(doc, openObject)

	// $include may appear in any object: OpenClaw merges the included
	// file in before it validates.
	var incl map[string]any
	if err := json.Unmarshal([]byte(includeSchema), &incl); err != nil {
		return err
	}
	visitSchemas(doc, func(s map[string]any) {
		if s["type"] == "object" || s["properties"] != nil {
			props, _ := s["properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
				s["properties"] = props
			}
			props["$include"] = map[string]any{"$ref": "#/$defs/Include"}
		}
	})
	defs["Include"] = incl

	_, keyed := defs["AgentEntry"+suffix(rel)]
	w := &walker{defs: defs, seen: map[string]bool{}, keyed: keyed}
	if err := w.walk(doc, root); err != nil {
		return err
	}
	if err := w.walk(defs["AgentDefaults"].(map[string]any), agentDefaults); err != nil {
		return fmt.Errorf("AgentDefaults: %w", err)
	}
	if err := refineGlobals(doc, defs, rel); err != nil {
		return err
	}

	channels := defOf(defs, "Channels", rel)
	if channels == nil {
		return fmt.Errorf("specgen: no Channels definition")
	}
	var ids []string
	for id := range channels["properties"].(map[string]any) {
		if id != "$include" {
			ids = append(ids, regexp.QuoteMeta(id))
		}
	}
	sort.Strings(ids)
	alt := strings.Join(ids, "|")
	// OpenClaw skips channel keys that are blank after trimming and accepts
	// padded known ids without reading them (vet warns: padded-key).
	channels["patternProperties"] = map[string]any{
		`^\s*$`: true,
		`^(?:\s+(?:` + alt + `)\s*|(?:` + alt + `)\s+)$`: true,
	}

	if rel != release.Seed {
		// Later releases only warn about the dmPolicy rules. They convert
		// a legacy agents.list into agents.entries on load, so an editor
		// must accept it (vet checks the conversion).
		if agents := defOf(defs, "Agents", rel); agents != nil {
			if props, ok := agents["properties"].(map[string]any); ok {
				// An entry with its id, as the list carries it.
				item := map[string]any{"type": "object"}
				if entry := defOf(defs, "AgentEntry", rel); entry != nil {
					var cp map[string]any
					b, _ := json.Marshal(entry)
					_ = json.Unmarshal(b, &cp)
					if ps, ok := cp["properties"].(map[string]any); ok {
						ps["id"] = map[string]any{"type": "string", "description": "Agent id; becomes the agents.entries key."}
						cp["required"] = []any{"id"}
						item = cp
					}
				}
				props["list"] = map[string]any{
					"type": "array", "items": item, "deprecated": true,
					"description": "The 2026.3.24 roster; OpenClaw " + rel + " converts it to agents.entries when it loads the file (openclawcfg migrate rewrites it).",
				}
			}
		}
		return nil
	}
	var rules any
	if err := json.Unmarshal([]byte(strings.NewReplacer("STAR", starEntry, "SENDER", senderEntry).Replace(dmPolicyRules)), &rules); err != nil {
		return fmt.Errorf("specgen: dmPolicy rules: %w", err)
	}
	all, _ := doc["allOf"].([]any)
	doc["allOf"] = append(all, rules)
	return nil
}

// walker visits the schema and the spec table side by side.
type walker struct {
	// keyed: the release keys agents (2026.9.6), with its binding and
	// maintenance rules.
	keyed bool
	defs  map[string]any
	seen  map[string]bool
}

func (w *walker) walk(s map[string]any, n *spec.Node) error {
	if n == nil || s == nil {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		def, _ := w.defs[name].(map[string]any)
		if def == nil {
			return fmt.Errorf("specgen: dangling %s", ref)
		}
		if !w.seen[name] {
			w.seen[name] = true
			if err := w.walk(def, n); err != nil {
				return err
			}
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for name, p := range props {
			ps, _ := p.(map[string]any)
			f := n.Field(name)
			if ps == nil || f == nil {
				continue
			}
			if err := w.field(name, ps, f.Node); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if err := w.walk(ps, f.Node); err != nil {
				return err
			}
		}
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok && n.Values != nil {
		if err := w.walk(ap, n.Values); err != nil {
			return err
		}
	}
	if it, ok := s["items"].(map[string]any); ok && n.Elem != nil {
		if err := w.walk(it, n.Elem); err != nil {
			return err
		}
	}
	return nil
}

// field adds the default, the enum descriptions and the named checks of
// one declared field to its schema.
func (w *walker) field(name string, s map[string]any, n *spec.Node) error {
	def := n.Runtime
	if def == "" {
		def = n.Default
	}
	if def != "" {
		var v any
		if err := json.Unmarshal([]byte(def), &v); err != nil {
			return fmt.Errorf("default %s: %w", def, err)
		}
		s["default"] = v
	}
	if d, ok := s["description"].(string); ok {
		s["markdownDescription"] = d
	}
	if n.Enum != nil && n.Types == spec.TString {
		if err := describeEnum(name, s, n.Enum); err != nil {
			return err
		}
	}
	apply := func(target map[string]any, check string) error {
		switch check {
		case "":
		case "executable":
			target["pattern"] = CLIPathPattern
		case "remoteHost":
			target["pattern"] = RemoteHostPattern
		case "rootPattern":
			target["pattern"] = RootPattern
		case "toolPolicy":
			target["not"] = map[string]any{
				"required": []any{"allow", "alsoAllow"},
				"properties": map[string]any{
					"allow":     map[string]any{"type": "array", "minItems": 1},
					"alsoAllow": map[string]any{"type": "array", "minItems": 1},
				},
			}
		case "binding":
			if w.keyed {
				target["allOf"] = acpBindingRulesKeyed()
				break
			}
			target["not"] = map[string]any{
				"required": []any{"type", "match"},
				"properties": map[string]any{
					"type": map[string]any{"const": "acp"},
					"match": map[string]any{
						"required":   []any{"channel"},
						"properties": map[string]any{"channel": map[string]any{"type": "string", "pattern": `^\s*[Ii][Mm][Ee][Ss][Ss][Aa][Gg][Ee]\s*$`}},
					},
				},
			}
			target["allOf"] = acpBindingRules()
		case "agents":
			props, _ := target["properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
				target["properties"] = props
			}
			props["defaults"] = map[string]any{"$ref": "#/$defs/AgentDefaults"}
		case "agentRuntime":
			// A union of two strict objects: acp only with type "acp".
			target["if"] = map[string]any{"required": []any{"type"}, "properties": map[string]any{"type": map[string]any{"const": "embedded"}}}
			target["then"] = map[string]any{"not": map[string]any{"required": []any{"acp"}}}
		case "maintenance":
			target["allOf"] = []any{maintenanceRules(w.keyed)}
		default:
			return fmt.Errorf("no JSON Schema form for the check %q", check)
		}
		return nil
	}
	if err := apply(s, n.Check); err != nil {
		return err
	}
	if n.ElemCheck != "" {
		it, _ := s["items"].(map[string]any)
		if it == nil {
			return fmt.Errorf("elemCheck %s without items", n.ElemCheck)
		}
		if err := apply(it, n.ElemCheck); err != nil {
			return err
		}
	}
	if n.ValueCheck != "" {
		ap, _ := s["additionalProperties"].(map[string]any)
		if ap == nil {
			return fmt.Errorf("valueCheck %s without additionalProperties", n.ValueCheck)
		}
		if err := apply(ap, n.ValueCheck); err != nil {
			return err
		}
	}
	return nil
}

// describeEnum adds VS Code's enumDescriptions (and the markdown form) in
// the order of the enum.
func describeEnum(field string, s map[string]any, enum []string) error {
	if sameSet(enumDescriptions[field], enum) {
		return describeWith(field, s, enum)
	}
	var name string
	for field, m := range enumDescriptions {
		// The smallest described set holding every value: a release may
		// know fewer values of an enum than another (tables "block").
		if _, ok := m[enum[0]]; ok && len(m) >= len(enum) {
			match := true
			for _, v := range enum {
				if _, ok := m[v]; !ok {
					match = false
				}
			}
			best := name == "" || len(m) < len(enumDescriptions[name]) || (len(m) == len(enumDescriptions[name]) && field < name)
			if match && best {
				name = field
			}
		}
	}
	if name == "" {
		return fmt.Errorf("no enumDescriptions for %q", enum)
	}
	return describeWith(name, s, enum)
}

// sameSet reports whether m describes exactly the values of enum.
func sameSet(m map[string]string, enum []string) bool {
	if len(m) != len(enum) {
		return false
	}
	for _, v := range enum {
		if _, ok := m[v]; !ok {
			return false
		}
	}
	return true
}

func describeWith(name string, s map[string]any, enum []string) error {
	descs := make([]any, len(enum))
	for i, v := range enum {
		descs[i] = enumDescriptions[name][v]
	}
	s["enumDescriptions"] = descs
	s["markdownEnumDescriptions"] = descs
	return nil
}

// simplifyInt rewrites CUE's {"allOf": [{"type": "number"}, {"type":
// "integer", ...}]} into one integer schema, bounded to JavaScript's safe
// integers as zod's int() is.
func simplifyInt(s map[string]any) {
	all, ok := s["allOf"].([]any)
	if !ok || len(all) != 2 {
		return
	}
	a, _ := all[0].(map[string]any)
	b, _ := all[1].(map[string]any)
	if a == nil || b == nil || len(a) != 1 || a["type"] != "number" || b["type"] != "integer" {
		return
	}
	delete(s, "allOf")
	for k, v := range b {
		s[k] = v
	}
	const maxSafe = 9007199254740991
	if s["maximum"] == nil && s["exclusiveMaximum"] == nil {
		s["maximum"] = maxSafe
	}
	if s["minimum"] == nil && s["exclusiveMinimum"] == nil {
		s["minimum"] = -maxSafe
	}
}

// openObject rewrites what CUE's generator emits for an open struct with
// no fields ({...}, the contents of another subsystem): {"const": {}},
// which would accept only the empty object.
func openObject(s map[string]any) {
	if c, ok := s["const"].(map[string]any); ok && len(c) == 0 {
		delete(s, "const")
		s["type"] = "object"
	}
}

// embedChannels puts each bundled channel's own JSON Schema (the one the
// release's gateway validates that section with) under channels.<id>, so an
// editor flags what vet flags there. It runs before the $include pass,
// which then reaches into these schemas too.
func embedChannels(defs map[string]any, rel string) error {
	channels := defOf(defs, "Channels", rel)
	props, _ := channels["properties"].(map[string]any)
	for id, old := range props {
		b := spec.ChannelSchema(rel, id)
		if b == nil {
			continue
		}
		var s map[string]any
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("specgen: channel %s: %w", id, err)
		}
		delete(s, "$schema") // draft-07 keywords only; valid inside 2020-12
		relaxDefaulted(s)
		desc := "The " + id + " channel, checked against the JSON Schema OpenClaw " + rel + "'s bundled plugin declares."
		if o, ok := old.(map[string]any); ok && o["description"] != nil {
			desc = o["description"].(string) + "\n\n" + desc
		}
		s["description"], s["markdownDescription"] = desc, desc
		props[id] = s
	}
	return nil
}

// coreDefs names the place in openclaw.json of each definition whose open
// properties embedCore fills ("*" for a map's values).
var coreDefs = map[string]string{
	"OpenClawShared": "", "Channels": "channels", "ChannelsShared": "channels",
	"Agents": "agents", "Agents_2026_9_6": "agents", "AgentEntry_2026_9_6": "agents.entries.*",
	"Gateway_2026_9_6": "gateway", "Tools_2026_9_6": "tools", "Messages_2026_9_6": "messages",
	"AgentDefaults": "agents.defaults", "Agent": "agents.list.*",
}

// embedCore fills each property the CUE schema leaves open (true, or only
// a description) with the JSON Schema OpenClaw's core schema has there
// (spec.CoreSchema, zod's own export), as vet checks it: an editor then
// flags a wrong gateway.bind or tools.exec.security too.
func embedCore(doc, defs map[string]any, rel string) error {
	places := map[string]map[string]any{"": doc}
	for name, path := range coreDefs {
		if d, ok := defs[name].(map[string]any); ok {
			places[path+"\x00"+name] = d
		}
	}
	for key, s := range places {
		path, _, _ := strings.Cut(key, "\x00")
		props, _ := s["properties"].(map[string]any)
		for name, v := range props {
			if !openProperty(v) {
				continue
			}
			full := name
			if path != "" {
				full = path + "." + name
			}
			if full == "agents.defaults" {
				continue // its own definition (AgentDefaults), as vet walks it
			}
			core, err := coreAt(rel, strings.Split(full, "."))
			if err != nil {
				return err
			}
			if core == nil {
				continue
			}
			if o, ok := v.(map[string]any); ok {
				for _, k := range []string{"description", "markdownDescription"} {
					if o[k] != nil {
						core[k] = o[k]
					}
				}
			}
			props[name] = core
		}
	}
	return nil
}

// openProperty: the CUE export's `_` (true), or an object with nothing but
// a description.
func openProperty(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	o, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, e := range o {
		switch {
		case k == "description" || k == "markdownDescription":
		case k == "type" && e == "object":
		case k == "const":
			// CUE's export of an open struct {...} (openObject rewrites it).
			if c, ok := e.(map[string]any); !ok || len(c) != 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// coreAt is a fresh copy of rel's core schema at path (decoded), or nil
// when the export names no schema there.
func coreAt(rel string, path []string) (map[string]any, error) {
	key, rest := path[0], path[1:]
	if key == "channels" && len(rest) > 0 {
		if spec.ChannelSchema(rel, rest[0]) != nil {
			return nil, nil // embedChannels' job
		}
		key, rest = "channels."+rest[0], rest[1:]
	}
	raw := spec.CoreSchema(rel, key)
	if raw == nil {
		return nil, nil
	}
	var s any
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("specgen: core schema %s: %w", key, err)
	}
	for _, seg := range rest {
		m, _ := s.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		switch {
		case seg != "*" && props[seg] != nil:
			s = props[seg]
		case seg == "*" && m["items"] != nil:
			s = m["items"]
		case seg == "*" && m["additionalProperties"] != nil:
			s = m["additionalProperties"]
		default:
			return nil, nil
		}
	}
	m, _ := s.(map[string]any)
	if len(m) == 0 {
		return nil, nil
	}
	relaxDefaulted(m)
	return m, nil
}

// relaxDefaulted drops from "required" each property that has a default:
// the gateway fills defaults in before it validates (applyJsonSchemaDefaults),
// so a file may leave them out. It descends where that fill does
// (properties, patternProperties, additionalProperties, items, allOf) and not
// into anyOf or oneOf, whose defaults are never filled in.
func relaxDefaulted(s map[string]any) {
	props, _ := s["properties"].(map[string]any)
	if req, ok := s["required"].([]any); ok && props != nil {
		kept := req[:0]
		for _, r := range req {
			name, _ := r.(string)
			if !hasDefault(props[name]) {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			delete(s, "required")
		} else {
			s["required"] = kept
		}
	}
	for _, k := range []string{"properties", "patternProperties"} {
		if m, ok := s[k].(map[string]any); ok {
			for _, sub := range m {
				if sm, ok := sub.(map[string]any); ok {
					relaxDefaulted(sm)
				}
			}
		}
	}
	for _, k := range []string{"additionalProperties", "items"} {
		if sm, ok := s[k].(map[string]any); ok {
			relaxDefaulted(sm)
		}
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, b := range all {
			if sm, ok := b.(map[string]any); ok {
				relaxDefaulted(sm)
			}
		}
	}
}

// hasDefault reports whether the gateway fills a missing value in from s: a
// default on s itself or on one of its allOf branches.
func hasDefault(s any) bool {
	sm, ok := s.(map[string]any)
	if !ok {
		return false
	}
	if _, ok := sm["default"]; ok {
		return true
	}
	all, _ := sm["allOf"].([]any)
	for _, b := range all {
		if hasDefault(b) {
			return true
		}
	}
	return false
}

// visitSchemas calls f on every subschema of s (not on keyword maps such
// as "properties" themselves).
func visitSchemas(s any, f func(map[string]any)) {
	m, ok := s.(map[string]any)
	if !ok {
		return
	}
	f(m)
	for _, k := range []string{"properties", "$defs", "patternProperties"} {
		if sub, ok := m[k].(map[string]any); ok {
			keys := make([]string, 0, len(sub))
			for name := range sub {
				keys = append(keys, name)
			}
			sort.Strings(keys)
			for _, name := range keys {
				visitSchemas(sub[name], f)
			}
		}
	}
	for _, k := range []string{"additionalProperties", "items", "not", "if", "then", "else", "contains"} {
		visitSchemas(m[k], f)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := m[k].([]any); ok {
			for _, e := range list {
				visitSchemas(e, f)
			}
		}
	}
}

const includeSchema = `{
  "description": "Merge another file (or several, in order) into this object before OpenClaw validates it: a path relative to this file, inside the config directory, at most 10 levels deep.",
  "markdownDescription": "Merge another file (or several, in order) into this object before OpenClaw validates it: a path relative to this file, inside the config directory, at most 10 levels deep.",
  "anyOf": [
    {"type": "string"},
    {"type": "array", "items": {"type": "string"}}
  ]
}`

// starEntry is an allowFrom entry OpenClaw reads as "*" (after trim);
// senderEntry is one it keeps (normalizeAllowFrom drops blank strings).
const (
	starEntry   = `{"type": "string", "pattern": "^\\s*\\*\\s*$"}`
	senderEntry = `{"not": {"type": "string", "pattern": "^\\s*$"}}`
)

// dmPolicyRules is IMessageConfigSchema's refinement on the values OpenClaw
// sees: dmPolicy "open" needs "*" in allowFrom and "allowlist" a
// non-empty allowFrom, at the top level and in each account, where
// allowFrom is inherited but dmPolicy is not (2026.3.24 writes "pairing"
// into every account that sets none). The rules stand back wherever an
// $include could supply the missing values.
const dmPolicyRules = `{
  "if": {"not": {"anyOf": [
    {"required": ["$include"]},
    {"required": ["channels"], "properties": {"channels": {"required": ["$include"]}}},
    {"required": ["channels"], "properties": {"channels": {"required": ["imessage"], "properties": {"imessage": {"required": ["$include"]}}}}}
  ]}},
  "then": {"properties": {"channels": {"properties": {"imessage": {"allOf": [
    {"if": {"required": ["dmPolicy"], "properties": {"dmPolicy": {"const": "open"}}},
     "then": {"required": ["allowFrom"], "properties": {"allowFrom": {"contains": STAR}}}},
    {"if": {"required": ["dmPolicy"], "properties": {"dmPolicy": {"const": "allowlist"}}},
     "then": {"required": ["allowFrom"], "properties": {"allowFrom": {"contains": SENDER}}}},
    {"properties": {"accounts": {"additionalProperties": {
      "if": {"not": {"required": ["$include"]}},
      "then": {"allOf": [
        {"if": {"required": ["dmPolicy", "allowFrom"], "properties": {"dmPolicy": {"const": "open"}}},
         "then": {"properties": {"allowFrom": {"contains": STAR}}}},
        {"if": {"required": ["dmPolicy", "allowFrom"], "properties": {"dmPolicy": {"const": "allowlist"}}},
         "then": {"properties": {"allowFrom": {"contains": SENDER}}}}
      ]}
    }}}},
    {"if": {"not": {"required": ["allowFrom"], "properties": {"allowFrom": {"contains": STAR}}}},
     "then": {"properties": {"accounts": {"additionalProperties": {
       "if": {"not": {"required": ["$include"]}, "required": ["dmPolicy"], "properties": {"dmPolicy": {"const": "open"}}},
       "then": {"required": ["allowFrom"]}}}}}},
    {"if": {"not": {"required": ["allowFrom"], "properties": {"allowFrom": {"contains": SENDER}}}},
     "then": {"properties": {"accounts": {"additionalProperties": {
       "if": {"not": {"required": ["$include"]}, "required": ["dmPolicy"], "properties": {"dmPolicy": {"const": "allowlist"}}},
       "then": {"required": ["allowFrom"]}}}}}}
  ]}}}}}
}`
