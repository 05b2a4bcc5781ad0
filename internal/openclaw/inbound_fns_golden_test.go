package openclaw

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// inboundFnsGolden holds OpenClaw 2026.3.24's own answers for the control
// command, command gate, envelope and mime functions, recorded by
// scripts/oracle-inbound-fns-goldens.sh. Replayed here without Node.
const inboundFnsGolden = "testdata/inbound-fns-2026.3.24.jsonl"

type inboundFnLine struct {
	ID        string          `json:"id"`
	Fn        string          `json:"fn"`
	Args      json.RawMessage `json:"args"`
	OK        bool            `json:"ok"`
	Result    json.RawMessage `json:"result"`
	Undefined bool            `json:"undefined"`
	Error     string          `json:"error"`
	TZ        *string         `json:"tz"`
	Docks     []string        `json:"docks"`
}

// jsNum decodes a golden number: a JSON number, {"$number":"NaN"} and the
// like for what JSON cannot hold, null/absent as 0 (JS falsy, as OpenClaw
// treats a missing timestamp).
type jsNum float64

func (n *jsNum) UnmarshalJSON(b []byte) error {
	var special struct {
		Number string `json:"$number"`
	}
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &special); err != nil {
			return err
		}
		switch special.Number {
		case "NaN":
			*n = jsNum(math.NaN())
		case "Infinity":
			*n = jsNum(math.Inf(1))
		case "-Infinity":
			*n = jsNum(math.Inf(-1))
		default:
			return fmt.Errorf("unknown $number %q", special.Number)
		}
		return nil
	}
	if string(b) == "null" {
		*n = 0
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = jsNum(f)
	return nil
}

// commandConfigFromJSON reads the keys listChatCommandsForConfig reads:
// commands.{config,mcp,plugins,debug,bash} === true.
func commandConfigFromJSON(raw json.RawMessage, docks []string) (CommandConfig, error) {
	var cfg struct {
		Commands map[string]any `json:"commands"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return CommandConfig{}, err
	}
	on := func(k string) bool { v, ok := cfg.Commands[k].(bool); return ok && v }
	return CommandConfig{Config: on("config"), MCP: on("mcp"), Plugins: on("plugins"), Debug: on("debug"), Bash: on("bash"), DockChannels: docks}, nil
}

func TestInboundFnsGolden(t *testing.T) {
	var tally oraclegolden.Tally
	for _, g := range oraclegolden.Read[inboundFnLine](t, inboundFnsGolden) {
		if err := checkInboundFn(g); err != nil {
			if tally.Differ(g.Fn) <= 15 {
				t.Errorf("%s %s: %v", g.ID, g.Args, err)
			}
		} else {
			tally.Agree(g.Fn)
		}
	}
	tally.Log(t)
	if total, _ := tally.Total(); total < 300 {
		t.Errorf("only %d golden lines", total)
	}
}

func checkInboundFn(g inboundFnLine) error {
	if !g.OK {
		return fmt.Errorf("OpenClaw threw %q; no case should throw", g.Error)
	}
	var args []json.RawMessage
	if err := json.Unmarshal(g.Args, &args); err != nil {
		return err
	}
	str := func(i int) string {
		var s string
		if i < len(args) {
			_ = json.Unmarshal(args[i], &s) // null stays ""
		}
		return s
	}
	var want any
	if err := json.Unmarshal(g.Result, &want); err != nil {
		return err
	}
	var got any
	switch g.Fn {
	case "hasControlCommand", "isControlCommandMessage":
		c := CommandConfig{Config: true, MCP: true, Plugins: true, Debug: true, Bash: true} // no cfg: listChatCommands()
		if len(args) > 1 {
			var err error
			if c, err = commandConfigFromJSON(args[1], g.Docks); err != nil {
				return err
			}
		}
		if g.Fn == "hasControlCommand" {
			got = c.HasControlCommand(str(0))
		} else {
			got = c.IsControlCommandMessage(str(0))
		}
	case "isAbortTrigger":
		got = IsAbortTrigger(str(0))
	case "isAbortRequestText":
		got = IsAbortRequestText(str(0))
	case "normalizeCommandBody":
		var opts struct {
			BotUsername string `json:"botUsername"`
		}
		if len(args) > 1 {
			if err := json.Unmarshal(args[1], &opts); err != nil {
				return err
			}
		}
		c := CommandConfig{DockChannels: g.Docks}
		got = c.normalizeCommandBody(str(0), opts.BotUsername)
	case "listChatCommandsForConfig":
		c, err := commandConfigFromJSON(args[0], g.Docks)
		if err != nil {
			return err
		}
		var list []any
		for _, cmd := range builtinCommands {
			if c.enabled(cmd.gate) {
				aliases := []any{}
				for _, a := range cmd.aliases {
					aliases = append(aliases, a)
				}
				list = append(list, map[string]any{"textAliases": aliases, "acceptsArgs": cmd.acceptsArgs})
			}
		}
		for _, d := range c.DockChannels {
			list = append(list, map[string]any{"textAliases": []any{"/dock-" + d, "/dock_" + d}, "acceptsArgs": false})
		}
		for _, w := range want.([]any) {
			delete(w.(map[string]any), "key")
		}
		got = list
	case "resolveDualTextControlCommandGate":
		var p struct {
			UseAccessGroups, PrimaryConfigured, PrimaryAllowed, SecondaryConfigured, SecondaryAllowed, HasControlCommand bool
		}
		if err := json.Unmarshal(args[0], &p); err != nil {
			return err
		}
		auth, block := ControlCommandGate(p.UseAccessGroups, []Authorizer{{p.PrimaryConfigured, p.PrimaryAllowed}, {p.SecondaryConfigured, p.SecondaryAllowed}}, p.HasControlCommand)
		got = map[string]any{"commandAuthorized": auth, "shouldBlock": block}
	case "resolveEnvelopeFormatOptions":
		// The Go side reads the same four keys into EnvelopeOptions.
		var cfg struct {
			Agents struct {
				Defaults map[string]any `json:"defaults"`
			} `json:"agents"`
		}
		_ = json.Unmarshal(args[0], &cfg) // null: no config
		d := cfg.Agents.Defaults
		s := func(k string) string { v, _ := d[k].(string); return v }
		o := EnvelopeOptions{EnvelopeTimezone: s("envelopeTimezone"), EnvelopeTimestamp: s("envelopeTimestamp"), EnvelopeElapsed: s("envelopeElapsed"), UserTimezone: s("userTimezone")}
		m := map[string]any{"includeTimestamp": o.EnvelopeTimestamp != "off", "includeElapsed": o.EnvelopeElapsed != "off"}
		if _, ok := d["envelopeTimezone"]; ok {
			m["timezone"] = o.EnvelopeTimezone
		}
		if _, ok := d["userTimezone"]; ok {
			m["userTimezone"] = o.UserTimezone
		}
		got = m
	case "formatInboundFromLabel":
		var p FromLabel
		if err := json.Unmarshal(args[0], &p); err != nil {
			return err
		}
		got = FormatFromLabel(p)
	case "kindFromMime":
		if k := MediaKindFromMime(str(0)); k != "" {
			got = k
		}
	case "formatInboundEnvelope":
		var p struct {
			Channel, From, Body, ChatType, SenderLabel string
			Timestamp, PreviousTimestamp               jsNum
			FromMe                                     bool
			Sender                                     struct{ Name, ID string }
			Envelope                                   *struct {
				Timezone         string
				IncludeTimestamp *bool
				IncludeElapsed   *bool
				UserTimezone     string
			}
		}
		if err := json.Unmarshal(args[0], &p); err != nil {
			return err
		}
		var o EnvelopeOptions
		if e := p.Envelope; e != nil {
			o.EnvelopeTimezone, o.UserTimezone = e.Timezone, e.UserTimezone
			if e.IncludeTimestamp != nil && !*e.IncludeTimestamp {
				o.EnvelopeTimestamp = "off"
			}
			if e.IncludeElapsed != nil && !*e.IncludeElapsed {
				o.EnvelopeElapsed = "off"
			}
		}
		if g.TZ == nil {
			return fmt.Errorf("envelope line without tz")
		}
		host := hostZoneFrom(*g.TZ, true, "")
		got = o.formatInboundEnvelope(InboundEnvelope{
			Channel: p.Channel, From: p.From, Timestamp: float64(p.Timestamp), PreviousTimestamp: float64(p.PreviousTimestamp),
			Body: p.Body, ChatType: p.ChatType, SenderLabel: p.SenderLabel, SenderName: p.Sender.Name, SenderID: p.Sender.ID, FromMe: p.FromMe,
		}, host)
	default:
		return fmt.Errorf("no Go check for %s", g.Fn)
	}
	// Round-trip through JSON so both sides have the same dynamic types.
	b, _ := json.Marshal(got)
	var gotJSON any
	_ = json.Unmarshal(b, &gotJSON)
	if !reflect.DeepEqual(gotJSON, want) {
		return fmt.Errorf("got %s, OpenClaw %s", b, g.Result)
	}
	return nil
}
