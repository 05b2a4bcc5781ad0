package inbound_test

import (
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

const benchConfig = `{
  agents: { list: [{ id: "main", default: true, groupChat: { mentionPatterns: ["\\b@?openclaw\\b", "@bot", "hey\\s+clawd"] } }] },
  channels: { imessage: {
    dmPolicy: "allowlist",
    allowFrom: ["+15550001111", "+15550002222", "friend@example.com"],
    groupAllowFrom: ["+15550001111", "+15550002222"],
    groups: { "42": { requireMention: true } },
  } },
}`

func benchDecider(b *testing.B) *inbound.Decider {
	b.Helper()
	res, err := compiler.Compile("bench.json5", []byte(benchConfig), compiler.Options{Generator: "bench"})
	sealed := res.Sealed
	if err != nil || sealed == nil {
		b.Fatal(err)
	}
	p, err := plan.Load(sealed)
	if err != nil {
		b.Fatal(err)
	}
	d, err := inbound.New(p, "default")
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func parse(b *testing.B, s string) *inbound.Message {
	m, err := inbound.ParseMessage([]byte(s))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkDecideDM is an admitted DM: decision and inbound context.
func BenchmarkDecideDM(b *testing.B) {
	d := benchDecider(b)
	m := parse(b, `{"id":4201,"chat_id":7,"sender":"+15550001111","text":"hello there, how are you?","created_at":"2026-05-16T15:24:36.123Z"}`)
	st := inbound.NewState()
	in := inbound.Input{Now: time.Unix(1_800_000_000, 0)}
	b.ReportAllocs()
	for b.Loop() {
		if d.Decide(m, in, st).Kind != inbound.Dispatch {
			b.Fatal("not dispatched")
		}
	}
}

// BenchmarkDecideDMBlocked is a stranger's DM under allowlist (dropped
// before any context is built).
func BenchmarkDecideDMBlocked(b *testing.B) {
	d := benchDecider(b)
	m := parse(b, `{"id":4202,"chat_id":8,"sender":"+15559999999","text":"hi","created_at":"2026-05-16T15:24:36.123Z"}`)
	st := inbound.NewState()
	in := inbound.Input{Now: time.Unix(1_800_000_000, 0)}
	b.ReportAllocs()
	for b.Loop() {
		d.Decide(m, in, st)
	}
}

// BenchmarkDecideGroup is a group message tested against three mention
// patterns that do not match (dropped as "no mention", into the history).
func BenchmarkDecideGroup(b *testing.B) {
	d := benchDecider(b)
	m := parse(b, `{"id":4203,"chat_id":42,"is_group":true,"sender":"+15550002222","text":"anyone up for pizza tonight? I was thinking around eight","created_at":"2026-05-16T15:24:36.123Z","chat_name":"Weekend","participants":["+15550001111","+15550002222"]}`)
	st := inbound.NewState()
	in := inbound.Input{Now: time.Unix(1_800_000_000, 0)}
	b.ReportAllocs()
	for b.Loop() {
		if d.Decide(m, in, st).Reason != "no mention" {
			b.Fatal("not gated")
		}
	}
}

// BenchmarkDecideGroupMentioned is a mentioned group message: dispatch
// with the group context.
func BenchmarkDecideGroupMentioned(b *testing.B) {
	d := benchDecider(b)
	m := parse(b, `{"id":4204,"chat_id":42,"is_group":true,"sender":"+15550002222","text":"hey clawd, what do you think about pizza tonight?","created_at":"2026-05-16T15:24:36.123Z","chat_name":"Weekend","participants":["+15550001111","+15550002222"]}`)
	in := inbound.Input{Now: time.Unix(1_800_000_000, 0)}
	st := inbound.NewState()
	b.ReportAllocs()
	for b.Loop() {
		if d.Decide(m, in, st).Kind != inbound.Dispatch {
			b.Fatal("not dispatched")
		}
	}
}

// BenchmarkParseMessage is the message normaliser on the imsg-rpc.md §9.5
// sample.
func BenchmarkParseMessage(b *testing.B) {
	line := []byte(`{"id":4201,"chat_id":7,"guid":"6F1C2B7E-0A4D-4C1B-9E55-1B2C3D4E5F60","sender":"+15551234567","is_from_me":false,"text":"see pic","created_at":"2026-05-16T15:24:36.123Z","attachments":[{"filename":"~\/Library\/Messages\/Attachments\/1a\/10\/AB12CD34-0000-4000-8000-000000000001\/IMG_0001.heic","transfer_name":"IMG_0001.heic","uti":"public.heic","mime_type":"image\/heic","total_bytes":482113,"is_sticker":false,"original_path":"\/Users\/me\/Library\/Messages\/Attachments\/1a\/10\/AB12CD34-0000-4000-8000-000000000001\/IMG_0001.heic","missing":false}],"reactions":[],"destination_caller_id":"me@icloud.com","chat_identifier":"+15551234567","chat_guid":"iMessage;-;+15551234567","chat_name":"+15551234567","participants":["+15551234567"],"is_group":false}`)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inbound.ParseMessage(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerdictDM is the verdict alone (no inbound context), as
// 'openclawcfg decide' computes it.
func BenchmarkVerdictDM(b *testing.B) {
	d := benchDecider(b)
	m := parse(b, `{"id":4201,"chat_id":7,"sender":"+15550001111","text":"hello there, how are you?","created_at":"2026-05-16T15:24:36.123Z"}`)
	st := inbound.NewState()
	in := inbound.Input{Now: time.Unix(1_800_000_000, 0), SkipContext: true}
	b.ReportAllocs()
	for b.Loop() {
		if d.Decide(m, in, st).Kind != inbound.Dispatch {
			b.Fatal("not dispatched")
		}
	}
}

// BenchmarkVerdictGroupMentioned is a mentioned group message's verdict,
// three mention patterns tried.
func BenchmarkVerdictGroupMentioned(b *testing.B) {
	d := benchDecider(b)
	m := parse(b, `{"id":4204,"chat_id":42,"is_group":true,"sender":"+15550002222","text":"hey clawd, what do you think about pizza tonight?","created_at":"2026-05-16T15:24:36.123Z","chat_name":"Weekend","participants":["+15550001111","+15550002222"]}`)
	in := inbound.Input{Now: time.Unix(1_800_000_000, 0), SkipContext: true}
	st := inbound.NewState()
	b.ReportAllocs()
	for b.Loop() {
		if d.Decide(m, in, st).Kind != inbound.Dispatch {
			b.Fatal("not dispatched")
		}
	}
}
