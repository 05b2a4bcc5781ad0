package specgen

import "fmt"

// The JSON Schema forms of the rules for the global sections around the
// channel (compiler/internal/check/globals.go and the binding check).

const (
	durationUnit = `(?:[mM][sS]|[sSmMhHdD])`
	durationNum  = `\d+(?:\.\d+)?`

	// DurationPattern is parseDurationMs (dist/parse-duration-*.js) on a
	// string: after trimming and lower-casing, one number with an
	// optional unit, or numbers each with a unit ("1h30m").
	DurationPattern = `^\s*(?:` + durationNum + durationUnit + `?|(?:` + durationNum + durationUnit + `)+)\s*$`

	// ByteSizePattern is parseByteSize: a number and an optional unit
	// (b, k, kb, m, mb, g, gb, t, tb; the Kelvin sign lower-cases to k).
	ByteSizePattern = `^\s*\d+(?:\.\d+)?(?:[bB]|[kKmMgGtT\u212A][bB]?)?\s*$`

	// BindAliasPattern is isLegacyGatewayBindHostAlias.
	BindAliasPattern = `^\s*(?:0\.0\.0\.0|::|\[::\]|\*|127\.0\.0\.1|[lL][oO][cC][aA][lL][hH][oO][sS][tT]|::1|\[::1\])\s*$`

	// AvatarRejectPattern is the part of validateIdentityAvatar that does
	// not depend on the workspace: a ~ path, or a URI scheme other than
	// data: and http(s):// (a Windows drive is a path).
	AvatarRejectPattern = `^\s*(?:~|(?![dD][aA][tT][aA]:|[hH][tT][tT][pP][sS]?://|[a-zA-Z]:[\\/])[a-zA-Z][a-zA-Z0-9+.-]*:)`

	telegramTopicPattern = `^\s*-\d+:topic:\d+\s*$`
	feishuDirectPattern  = `^(?!\s*o[cn]_)[^:]+$`
	feishuTopicPattern   = `^\s*oc_[^:]+:topic:[^:]+(?::sender:ou_[^:]+)?\s*$`
	acpChannelPattern    = `^\s*(?:[dD][iI][sS][cC][oO][rR][dD]|[tT][eE][lL][eE][gG][rR][aA][mM]|[fF][eE][iI][sS][hH][uU])\s*$`
)

type obj = map[string]any

func req(keys ...string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// acpType matches a binding with type "acp".
var acpType = obj{"required": req("type"), "properties": obj{"type": obj{"const": "acp"}}}

func channelIs(pattern string) obj {
	return obj{"required": req("match"), "properties": obj{"match": obj{"required": req("channel"), "properties": obj{"channel": obj{"type": "string", "pattern": pattern}}}}}
}

func ciWord(w string) string {
	out := `^\s*`
	for _, r := range w {
		out += fmt.Sprintf("[%c%c]", r, r-'a'+'A')
	}
	return out + `\s*$`
}

func peerID(schema obj) obj {
	return obj{"properties": obj{"match": obj{"properties": obj{"peer": obj{"properties": obj{"id": schema}}}}}}
}

// acpBindingRules: an acp block only in an ACP binding, and
// AcpBindingSchema's refinement.
func acpBindingRules() []any {
	return []any{
		obj{"if": obj{"not": acpType}, "then": obj{"not": obj{"required": req("acp")}}},
		obj{"if": acpType, "then": obj{"allOf": []any{
			obj{"required": req("match"), "properties": obj{"match": obj{"required": req("peer"), "properties": obj{"peer": obj{"required": req("id"), "properties": obj{"id": obj{"pattern": `\S`}}}}}}},
			obj{"properties": obj{"match": obj{"properties": obj{"channel": obj{"pattern": acpChannelPattern}}}}},
			obj{"if": channelIs(ciWord("telegram")), "then": peerID(obj{"pattern": telegramTopicPattern})},
			obj{"if": channelIs(ciWord("feishu")), "then": obj{"properties": obj{"match": obj{"properties": obj{"peer": obj{"anyOf": []any{
				obj{"required": req("kind"), "properties": obj{"kind": obj{"enum": []any{"direct", "dm"}}, "id": obj{"pattern": feishuDirectPattern}}},
				obj{"required": req("kind"), "properties": obj{"kind": obj{"const": "group"}, "id": obj{"pattern": feishuTopicPattern}}},
			}}}}}}},
		}}},
	}
}

// acpBindingRulesKeyed is AcpBindingSchema's refinement of 2026.9.6: a
// peer id, on any channel.
func acpBindingRulesKeyed() []any {
	return []any{
		obj{"if": obj{"not": acpType}, "then": obj{"not": obj{"required": req("acp")}}},
		obj{"if": acpType, "then": obj{"required": req("match"), "properties": obj{"match": obj{"required": req("peer"), "properties": obj{"peer": obj{"required": req("id"), "properties": obj{"id": obj{"pattern": `\S`}}}}}}}},
	}
}

// maintenanceRules: durations and byte sizes as strings, or numbers that
// JavaScript prints without an exponent (String(n) is what is parsed).
func maintenanceRules(keyed bool) obj {
	num := obj{"anyOf": []any{obj{"const": 0}, obj{"type": "number", "minimum": 1e-6, "exclusiveMaximum": 1e21}}}
	dur := obj{"anyOf": []any{obj{"type": "string", "pattern": DurationPattern}, num}}
	size := obj{"anyOf": []any{obj{"type": "string", "pattern": ByteSizePattern}, num}}
	if keyed {
		// 2026.9.6: durations must also be positive (not expressible
		// here; vet checks it), and false turns several settings off.
		off := obj{"const": false}
		return obj{"properties": obj{
			"pruneAfter":            dur,
			"archiveDashboardAfter": obj{"anyOf": []any{dur, off}},
			"preserveRecent":        obj{"anyOf": []any{dur, off}},
			"resetArchiveRetention": obj{"anyOf": []any{dur, off}},
			"maxDiskBytes":          obj{"anyOf": []any{size, off}},
			"highWaterBytes":        size,
		}}
	}
	return obj{"properties": obj{
		"pruneAfter":            dur,
		"rotateBytes":           size,
		"resetArchiveRetention": obj{"anyOf": []any{obj{"type": "string", "pattern": DurationPattern}, num, obj{"const": false}}},
		"maxDiskBytes":          size,
		"highWaterBytes":        size,
	}}
}

// refineGlobals adds what the CUE export cannot say about the global
// sections: the env catch-all, the avatar rule, and the legacy keys
// OpenClaw refuses inside sections openclawcfg otherwise leaves open.
func refineGlobals(doc map[string]any, defs map[string]any, rel string) error {
	if _, keyed := defs["AgentEntry"+suffix(rel)]; keyed {
		// 2026.9.6: env is strict, agents are keyed entries, and the keys
		// 2026.3.24 migrated are plain unknown keys of strict objects.
		return avatarRule(defOf(defs, "AgentEntry", rel), "agents.entries.*.identity.avatar")
	}
	env := defOf(defs, "Env", rel)
	if env == nil {
		return fmt.Errorf("specgen: no Env definition")
	}
	// Every key besides shellEnv and vars names a variable.
	env["additionalProperties"] = obj{"type": "string"}

	if err := avatarRule(defOf(defs, "Agent", rel), "agents.list[].identity.avatar"); err != nil {
		return err
	}

	noKey := func(k string) obj { return obj{"not": obj{"type": "object", "required": req(k)}} }
	legacy := obj{"properties": obj{
		"tools":    noKey("bash"),
		"messages": obj{"properties": obj{"tts": noKey("enabled")}},
		"gateway": obj{"allOf": []any{
			noKey("token"),
			obj{"properties": obj{"bind": obj{"not": obj{"type": "string", "pattern": BindAliasPattern}}}},
		}},
		"channels": obj{"properties": obj{"discord": obj{"allOf": []any{
			obj{"properties": obj{"threadBindings": noKey("ttlHours")}},
			obj{"properties": obj{"accounts": obj{"additionalProperties": obj{"properties": obj{"threadBindings": noKey("ttlHours")}}}}},
		}}}},
	}}
	all, _ := doc["allOf"].([]any)
	doc["allOf"] = append(all, legacy)
	return nil
}

// avatarRule adds the workspace-independent part of the avatar rule to an
// agent definition.
func avatarRule(agent map[string]any, where string) error {
	props, _ := agent["properties"].(map[string]any)
	ident, _ := props["identity"].(map[string]any)
	iprops, _ := ident["properties"].(map[string]any)
	avatar, _ := iprops["avatar"].(map[string]any)
	if avatar == nil {
		return fmt.Errorf("specgen: no %s", where)
	}
	avatar["not"] = obj{"pattern": AvatarRejectPattern}
	return nil
}
