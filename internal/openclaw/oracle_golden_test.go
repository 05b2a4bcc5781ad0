package openclaw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// The golden holds OpenClaw 2026.3.24's own answers (request and response on
// one line), recorded by scripts/runtime-oracle-goldens.sh from
// testdata/requests.jsonl. This test needs neither Node nor the oracle.
const runtimeGolden = "testdata/runtime-oracle-2026.3.24.jsonl"

type goldenLine struct {
	ID        string            `json:"id"`
	Fn        string            `json:"fn"`
	Args      []json.RawMessage `json:"args"`
	OK        bool              `json:"ok"`
	Result    json.RawMessage   `json:"result"`
	Undefined bool              `json:"undefined"`
	Error     string            `json:"error"`
}

// skippedGoldenFns have goldens but no Go port in this package yet: they take
// an OpenClaw config object (the compiler will replay them against its own
// config resolution) or, for parseIMessageTarget, are outbound-only.
var skippedGoldenFns = map[string]string{
	"resolveIMessageAttachmentRoots":       "takes a cfg; replayed by the compiler",
	"resolveIMessageRemoteAttachmentRoots": "takes a cfg; replayed by the compiler",
	"resolveIMessageAccount":               "takes a cfg; replayed by the compiler",
	"resolveTextChunkLimit":                "takes a cfg; replayed by the compiler",
	"resolveChunkMode":                     "takes a cfg; replayed by the compiler",
}

func loadGolden(t testing.TB) []goldenLine {
	t.Helper()
	path := runtimeGolden
	// A maintainer can replay another golden in the same format, e.g. one
	// recorded from randomly generated requests.
	if p := os.Getenv("OPENCLAW_RUNTIME_GOLDEN"); p != "" {
		path = p
	}
	return oraclegolden.Read[goldenLine](t, path)
}

func TestRuntimeOracleGolden(t *testing.T) {
	lines := loadGolden(t)
	var tally oraclegolden.Tally
	for _, g := range lines {
		if _, skip := skippedGoldenFns[g.Fn]; skip {
			tally.Skip(g.Fn)
			continue
		}
		check, ok := goldenChecks[g.Fn]
		if !ok {
			t.Errorf("%s: no Go check for fn %q (add one or list it in skippedGoldenFns)", g.ID, g.Fn)
			tally.Differ(g.Fn)
			continue
		}
		if err := check(g); err != nil {
			t.Errorf("%s %s: %v", g.ID, argsString(g.Args), err)
			tally.Differ(g.Fn)
		} else {
			tally.Agree(g.Fn)
		}
	}
	tally.Log(t)
	if os.Getenv("OPENCLAW_RUNTIME_GOLDEN") != "" {
		return // a partial golden need not cover every fn
	}
	for fn := range skippedGoldenFns {
		if !tally.Seen(fn) {
			t.Errorf("skippedGoldenFns lists %s, which has no golden lines", fn)
		}
	}
	for fn := range goldenChecks {
		if !tally.Seen(fn) {
			t.Errorf("no golden lines for %s", fn)
		}
	}
}

func argsString(args []json.RawMessage) string {
	s := "["
	for i, a := range args {
		if i > 0 {
			s += ","
		}
		s += string(a)
	}
	s += "]"
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

var goldenChecks = map[string]func(goldenLine) error{
	"parseIMessageTarget": func(g goldenLine) error {
		got, err := ParseTarget(argStr(g, 0))
		if !g.OK {
			if err == nil || err.Error() != g.Error {
				return fmt.Errorf("want error %q, got %+v, %v", g.Error, got, err)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("unexpected error %v", err)
		}
		var want struct {
			Kind, To, Service, ChatGUID, ChatIdentifier string
			ChatID                                      *float64
		}
		if err := json.Unmarshal(g.Result, &want); err != nil {
			return err
		}
		wantID := ""
		if want.ChatID != nil {
			wantID = FormatJSNumber(*want.ChatID)
		}
		w := Target{Kind: want.Kind, To: want.To, Service: want.Service, ChatID: wantID, ChatGUID: want.ChatGUID, ChatIdentifier: want.ChatIdentifier}
		if got != w {
			return fmt.Errorf("got %+v, want %+v", got, w)
		}
		return nil
	},
	"normalizeScpRemoteHost": func(g goldenLine) error {
		got, ok := NormalizeScpRemoteHost(argStr(g, 0))
		return wantOptionalString(g, got, ok)
	},
	"isSafeScpRemoteHost": func(g goldenLine) error {
		_, ok := NormalizeScpRemoteHost(argStr(g, 0))
		return wantBool(g, ok)
	},
	"normalizeScpRemotePath": func(g goldenLine) error {
		got, ok := NormalizeScpRemotePath(argStr(g, 0))
		return wantOptionalString(g, got, ok)
	},
	"isSafeScpRemotePath": func(g goldenLine) error {
		_, ok := NormalizeScpRemotePath(argStr(g, 0))
		return wantBool(g, ok)
	},
	"isValidInboundPathRootPattern": func(g goldenLine) error {
		return wantBool(g, RootPatternProblem(argStr(g, 0)) == "")
	},
	"normalizeInboundPathRoots": func(g goldenLine) error {
		return wantStrings(g, NormalizeRoots(argStrings(arg(g, 0))))
	},
	"mergeInboundPathRoots": func(g goldenLine) error {
		lists := make([][]string, len(g.Args))
		for i := range g.Args {
			lists[i] = argStrings(g.Args[i])
		}
		return wantStrings(g, MergeRoots(lists...))
	},
	"isInboundPathAllowed": func(g goldenLine) error {
		p := argObject(arg(g, 0))
		return wantBool(g, InboundPathAllowed(jsonStr(p["filePath"]), argStrings(p["roots"]), argStrings(p["fallbackRoots"])))
	},
	"DEFAULT_IMESSAGE_ATTACHMENT_ROOTS": func(g goldenLine) error {
		return wantStrings(g, DefaultAttachmentRoots)
	},
	"normalizeIMessageHandle": func(g goldenLine) error {
		return wantString(g, NormalizeHandle(argStr(g, 0)))
	},
	"normalizeE164": func(g goldenLine) error {
		return wantString(g, NormalizeE164(argStr(g, 0)))
	},
	"parseIMessageAllowTarget": func(g goldenLine) error {
		if !g.OK {
			return fmt.Errorf("golden threw %q; the port cannot", g.Error)
		}
		var want struct {
			Kind           string   `json:"kind"`
			ChatID         *float64 `json:"chatId"`
			ChatGUID       *string  `json:"chatGuid"`
			ChatIdentifier *string  `json:"chatIdentifier"`
			Handle         *string  `json:"handle"`
		}
		if err := json.Unmarshal(g.Result, &want); err != nil {
			return err
		}
		w := AllowTarget{Kind: want.Kind}
		switch want.Kind {
		case AllowChatID:
			w.ChatID = *want.ChatID
		case AllowChatGUID:
			w.Value = *want.ChatGUID
		case AllowChatIdentifier:
			w.Value = *want.ChatIdentifier
		case AllowHandle:
			w.Value = *want.Handle
		}
		if got := ParseAllowTarget(argStr(g, 0)); got != w {
			return fmt.Errorf("got %+v, want %+v", got, w)
		}
		return nil
	},
	"isAllowedIMessageSender": func(g goldenLine) error {
		p := argObject(arg(g, 0))
		var allow []string
		var raw []json.RawMessage
		_ = json.Unmarshal(p["allowFrom"], &raw)
		for _, e := range raw {
			allow = append(allow, jsString(e))
		}
		var chatID *int64
		if v := p["chatId"]; len(v) > 0 && string(v) != "null" {
			var n int64
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("chatId %s: %v", v, err)
			}
			chatID = &n
		}
		return wantBool(g, IsAllowedSender(allow, jsonStr(p["sender"]), chatID, jsonStr(p["chatGuid"]), jsonStr(p["chatIdentifier"])))
	},
	"normalizeAccountId": func(g goldenLine) error {
		return wantString(g, NormalizeAccountID(argStr(g, 0)))
	},
	"listIMessageAccountIds": func(g goldenLine) error {
		keys, _ := cfgAccounts(arg(g, 0))
		return wantStrings(g, ListAccountIDs(keys))
	},
	"resolveDefaultIMessageAccountId": func(g goldenLine) error {
		keys, def := cfgAccounts(arg(g, 0))
		return wantString(g, DefaultAccountID(keys, def))
	},
	"chunkText": func(g goldenLine) error {
		text, limit := argText(g, 0), argInt(g, 1)
		return wantChunks(g, ChunkText(text, limit), chunkText16(toUTF16(text), limit))
	},
	"chunkByParagraph": func(g goldenLine) error {
		text, limit := argText(g, 0), argInt(g, 1)
		return wantChunks(g, ChunkByParagraph(text, limit), chunkByParagraph16(toUTF16(text), limit))
	},
	"chunkTextWithMode": func(g goldenLine) error {
		text, limit, mode := argText(g, 0), argInt(g, 1), argStr(g, 2)
		var units [][]uint16
		if mode == ChunkModeNewline {
			units = chunkByParagraph16(toUTF16(text), limit)
		} else {
			units = chunkText16(toUTF16(text), limit)
		}
		return wantChunks(g, ChunkTextWithMode(text, limit, mode), units)
	},
}

// Argument mapping: the Go ports take Go types, so JSON values that
// JavaScript would see as non-strings map to Go zero values ("" / nil). The
// goldens for such calls are undefined, false or a TypeError, which the
// checks read as the zero result.

func arg(g goldenLine, i int) json.RawMessage {
	if i < len(g.Args) {
		return g.Args[i]
	}
	return nil
}

func argStr(g goldenLine, i int) string { return jsonStr(arg(g, i)) }

func jsonStr(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// argText is a string argument that must survive the trip through Go
// strings unchanged (no lone surrogates in the corpus inputs).
func argText(g goldenLine, i int) string {
	s := argStr(g, i)
	if u, err := jsonUTF16(arg(g, i)); err == nil && !slices.Equal(u, toUTF16(s)) {
		panic(fmt.Sprintf("%s: argument %d has a lone surrogate; Go strings cannot carry it", g.ID, i))
	}
	return s
}

func argInt(g goldenLine, i int) int {
	var f float64
	_ = json.Unmarshal(arg(g, i), &f)
	if f != float64(int(f)) {
		panic(fmt.Sprintf("%s: non-integer limit %v", g.ID, f))
	}
	return int(f)
}

// argStrings is a JS array as normalizeInboundPathRoots iterates it: string
// elements kept, other elements skipped; null or absent is no list.
func argStrings(raw json.RawMessage) []string {
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return nil
	}
	out := []string{}
	for _, e := range elems {
		var s string
		if json.Unmarshal(e, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

func argObject(raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	return m
}

// jsString is JavaScript's String(v) for a JSON scalar.
func jsString(raw json.RawMessage) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			panic(err)
		}
		return FormatJSNumber(f)
	}
	panic(fmt.Sprintf("String() of %s is not modelled", raw))
}

// cfgAccounts extracts what listIMessageAccountIds and
// resolveDefaultIMessageAccountId read from a cfg: the keys of
// channels.imessage.accounts in Object.keys order, and defaultAccount when
// it is a string.
func cfgAccounts(raw json.RawMessage) ([]string, *string) {
	im := argObject(argObject(argObject(raw)["channels"])["imessage"])
	var def *string
	if v, ok := im["defaultAccount"]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			def = &s
		}
	}
	acc := bytes.TrimSpace(im["accounts"])
	if len(acc) == 0 || acc[0] != '{' {
		return nil, def
	}
	return objectKeys(acc), def
}

// objectKeys is Object.keys(JSON.parse(raw)): array-index keys first in
// ascending numeric order, then the other keys in first-seen order.
func objectKeys(raw json.RawMessage) []string {
	d := json.NewDecoder(bytes.NewReader(raw))
	if _, err := d.Token(); err != nil {
		panic(err)
	}
	var index, other []string
	seen := map[string]bool{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			panic(err)
		}
		k := tok.(string)
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			panic(err)
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if n, err := strconv.ParseUint(k, 10, 32); err == nil && strconv.FormatUint(n, 10) == k && n < 1<<32-1 {
			index = append(index, k)
		} else {
			other = append(other, k)
		}
	}
	sort.Slice(index, func(i, j int) bool {
		a, _ := strconv.ParseUint(index[i], 10, 32)
		b, _ := strconv.ParseUint(index[j], 10, 32)
		return a < b
	})
	return append(index, other...)
}

func wantBool(g goldenLine, got bool) error {
	want := false
	if g.OK {
		if err := json.Unmarshal(g.Result, &want); err != nil {
			return fmt.Errorf("golden result %s: %v", g.Result, err)
		}
	}
	if got != want {
		return fmt.Errorf("got %v, want %v (golden ok=%v %s %s)", got, want, g.OK, g.Result, g.Error)
	}
	return nil
}

func wantOptionalString(g goldenLine, got string, ok bool) error {
	if !g.OK || g.Undefined {
		if ok {
			return fmt.Errorf("got %q, want undefined", got)
		}
		return nil
	}
	if !ok {
		return fmt.Errorf("got rejection, want %s", g.Result)
	}
	return wantString(g, got)
}

func wantString(g goldenLine, got string) error {
	if !g.OK {
		return fmt.Errorf("golden threw %q; the port cannot", g.Error)
	}
	var want string
	if err := json.Unmarshal(g.Result, &want); err != nil {
		return fmt.Errorf("golden result %s: %v", g.Result, err)
	}
	if got != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

func wantStrings(g goldenLine, got []string) error {
	if !g.OK {
		return fmt.Errorf("golden threw %q; the port cannot", g.Error)
	}
	var want []string
	if err := json.Unmarshal(g.Result, &want); err != nil {
		return fmt.Errorf("golden result %s: %v", g.Result, err)
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// wantChunks compares twice: the UTF-16 code units exactly (lone surrogates
// included), and the public []string API against the golden decoded the way
// Go decodes JSON (a lone surrogate becomes U+FFFD on both sides).
func wantChunks(g goldenLine, got []string, gotUnits [][]uint16) error {
	if err := wantStrings(g, got); err != nil {
		return err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(g.Result, &raw); err != nil {
		return err
	}
	want := make([][]uint16, len(raw))
	for i, r := range raw {
		u, err := jsonUTF16(r)
		if err != nil {
			return err
		}
		want[i] = u
	}
	if len(gotUnits) != len(want) {
		return fmt.Errorf("UTF-16: got %d chunks, want %d", len(gotUnits), len(want))
	}
	for i := range want {
		if !slices.Equal(gotUnits[i], want[i]) {
			return fmt.Errorf("UTF-16 chunk %d: got %x, want %x", i, gotUnits[i], want[i])
		}
	}
	return nil
}

// jsonUTF16 decodes a JSON string literal into UTF-16 code units, keeping
// \uXXXX escapes of lone surrogates that encoding/json would replace.
func jsonUTF16(raw json.RawMessage) ([]uint16, error) {
	s := string(bytes.TrimSpace(raw))
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, fmt.Errorf("not a JSON string: %s", raw)
	}
	s = s[1 : len(s)-1]
	var out []uint16
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			r, n := utf8.DecodeRuneInString(s[i:])
			out = utf16.AppendRune(out, r)
			i += n
			continue
		}
		if i+1 >= len(s) {
			return nil, fmt.Errorf("bad escape in %s", raw)
		}
		switch s[i+1] {
		case '"', '\\', '/':
			out = append(out, uint16(s[i+1]))
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+6 > len(s) {
				return nil, fmt.Errorf("bad escape in %s", raw)
			}
			v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
			if err != nil {
				return nil, err
			}
			out = append(out, uint16(v))
			i += 6
			continue
		default:
			return nil, fmt.Errorf("bad escape in %s", raw)
		}
		i += 2
	}
	return out, nil
}

// Direct checks of the helpers the goldens exercise only indirectly.

func TestFormatJSNumber(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", 1: "1", -1: "-1", 15551234567: "15551234567", 1e21: "1e+21", 1e20: "100000000000000000000",
		123456789012345680000: "123456789012345680000", 0.5: "0.5", 1.5e-7: "1.5e-7", 1e-6: "0.000001",
		0.000001234: "0.000001234", 1.2345e-7: "1.2345e-7", 15551234567.5: "15551234567.5",
		9007199254740993: "9007199254740992", 1.7976931348623157e308: "1.7976931348623157e+308", 5e-324: "5e-324",
	} {
		if got := FormatJSNumber(f); got != want {
			t.Errorf("FormatJSNumber(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestToLowerJS(t *testing.T) {
	for in, want := range map[string]string{
		"ABC": "abc", "ΑΣ@x": "ας@x", "ΑΣ.Β": "ασ.β", "Σ": "σ", "AΣ": "aς", "ΑΣ\u0301": "ας\u0301",
		"\u0301Σ": "\u0301σ", "İ": "i\u0307", "\u212a": "k", "ÄÖÜ": "äöü", "ǅ": "ǆ", "\ua7dc": "\u019b",
	} {
		if got := ToLowerJS(in); got != want {
			t.Errorf("ToLowerJS(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestObjectKeysOrder(t *testing.T) {
	got := objectKeys(json.RawMessage(`{"b":1,"10":2,"a":3,"2":4,"01":5,"4294967295":6,"4294967294":7}`))
	want := []string{"2", "10", "4294967294", "b", "a", "01", "4294967295"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("objectKeys = %q, want %q", got, want)
	}
}

func TestChunkSurrogates(t *testing.T) {
	// A hard cut between the halves of 😀 leaves lone surrogates, which the
	// string API reports as U+FFFD.
	if got, want := ChunkText("😀😀😀", 1), strings.Split(strings.Repeat("\uFFFD", 6), ""); !slices.Equal(got, want) {
		t.Errorf("ChunkText = %q, want %q", got, want)
	}
}
