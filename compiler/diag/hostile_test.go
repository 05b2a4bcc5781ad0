package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text, 'quotes' and \\back\\slashes", "plain text, 'quotes' and \\back\\slashes"},
		{"héllo wörld ✓ 😀", "héllo wörld ✓ 😀"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]8;;http://evil\x07link\x1b]8;;\x07", `\x1b]8;;http://evil\x07link\x1b]8;;\x07`},
		{"a\u009b31mb", `a\u009b31mb`}, // 8-bit CSI
		{"x\u0085y", `x\u0085y`},       // NEL
		{"key\n::error::injected", `key\n::error::injected`},
		{"::add-mask::secret", `\x3a:add-mask::secret`},
		{"  \t::warning file=x::y", `  \t\x3a:warning file=x::y`},
		{"##[error]bad", `\x23#[error]bad`},
		{"##vso[task.setvariable]x", "##vso[task.setvariable]x"},
		{"a::b", "a::b"},
		{"tab\there", `tab\there`},
		{"cr\rlf\n", `cr\rlf\n`},
		{"del\x7f", `del\x7f`},
		{"nul\x00", `nul\x00`},
		{"line\u2028sep\u2029", `line\u2028sep\u2029`},
		{"\u202egnp.exe", `\u202egnp.exe`},
		{"a\u2066b\u2069c\u200ed\u200fe\u061cf", `a\u2066b\u2069c\u200ed\u200fe\u061cf`},
		{"bad\xffutf8\xc3", `bad\xffutf8\xc3`},
	} {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// checkSafe fails on any byte or line of text output that Sanitize exists
// to prevent.
func checkSafe(t *testing.T, out string) {
	t.Helper()
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			t.Fatalf("unsafe character %U at %d in:\n%s", r, i, out)
		}
		i += size
	}
	for _, line := range strings.Split(out, "\n") {
		if commandStart(line) >= 0 {
			t.Fatalf("line starts a workflow command: %q", line)
		}
	}
}

// Text output escapes what it quotes (file, path, message, fix, source
// line) and keeps the caret under the value, escapes counted at their
// printed width.
func TestWriteTextSanitized(t *testing.T) {
	// Line 2 is: TAB "ESC[2J RLO key": "::add-mask::v BEL",
	src := NewSource("conf\n::error::x.json5", []byte("{\n\t\"\x1b[2J\u202ekey\": \"::add-mask::v\x07\",\n}\n"))
	ds := []Diagnostic{{
		File: src.Name, Offset: 17, End: 33, Path: "a.\x1b]0;title\x07", Severity: Warning, Code: "env",
		Message: "value \"\u009b1m\" is \u2028 odd", Fix: "remove \x1b",
	}}
	Locate(src, ds)
	var b strings.Builder
	WriteText(&b, ds, map[string]*Source{src.Name: src})
	out := b.String()
	checkSafe(t, out)
	want := `conf\n::error::x.json5:2:14: warning: a.\x1b]0;title\x07: value "\u009b1m" is \u2028 odd [env]` + "\n" +
		"\t\t" + `"\x1b[2J\u202ekey": "::add-mask::v\x07",` + "\n" +
		// The tab, then 12 characters printed 20 wide; the value is 16
		// characters printed 19 wide.
		"\t\t" + strings.Repeat(" ", 20) + strings.Repeat("^", 19) + "\n" +
		`	fix: remove \x1b` + "\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestWriteGitHubSanitized(t *testing.T) {
	d := Diagnostic{
		File: "a,b:c.json5", Line: 1, Column: 1, Severity: Error, Code: "type",
		Path: "k\r\n::error::p", Message: "m\n##[error]x\x1b[0m", Fix: "f\u202e",
	}
	var b strings.Builder
	WriteGitHub(&b, []Diagnostic{d})
	out := b.String()
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "::error file=a%2Cb%3Ac.json5,line=1,col=1,title=openclawcfg type::") {
		t.Fatalf("not one annotation: %q", out)
	}
	checkSafe(t, strings.TrimPrefix(out, "::error"))
	if !strings.Contains(out, `k\r\n::error::p: m\n##[error]x\x1b[0m%0Afix: f\u202e`) {
		t.Errorf("escapes missing: %q", out)
	}
}

func TestExcerptLongLine(t *testing.T) {
	line := strings.Repeat("k: 1, ", 1<<20/6)
	src := NewSource("big", []byte(line))
	ds := make([]Diagnostic, 1000)
	for i := range ds {
		ds[i] = Diagnostic{File: "big", Offset: i * 6 * 100, End: i*6*100 + 1, Code: "x"}
	}
	Locate(src, ds)
	var b bytes.Buffer
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	WriteText(&b, ds, map[string]*Source{"big": src})
	runtime.ReadMemStats(&after)
	if strings.Contains(b.String(), "\t") {
		t.Errorf("a line of 1 MiB was quoted")
	}
	// Quoting nothing must not copy the line: 1,000 copies are 1 GB.
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("%d bytes allocated for %d findings on one long line", n, len(ds))
	}
	if ds[999].Column != 999*600+1 {
		t.Errorf("column %d", ds[999].Column)
	}
}

func BenchmarkPositionLongLine(b *testing.B) {
	text := []byte(strings.Repeat("ключ: 1, ", 8<<20/14))
	src := NewSource("big", text)
	src.Position(0)
	b.ResetTimer()
	for i := range b.N {
		src.Position((i * 7919) % len(text))
	}
}

func TestCap(t *testing.T) {
	var ds []Diagnostic
	for i := range 250 {
		ds = append(ds, Diagnostic{File: "a", Offset: 10 * i, Line: i + 1, Column: 1, Code: "unknown-key", Message: "m"})
	}
	for i := range 50 {
		ds = append(ds, Diagnostic{File: "a", Offset: 10*i + 1, Line: i + 1, Column: 2, Severity: Warning, Code: "env", Message: "w"})
	}
	// An entry that already stands for 1,000 more (from the checker).
	ds = append(ds, Diagnostic{File: "a", Offset: 5, Line: 1, Column: 6, Code: "unknown-key", More: 1000})
	for i := range 10 {
		ds = append(ds, Diagnostic{File: "b", Offset: i, Code: "unknown-key"})
	}
	errs, warns := Count(ds)
	got := Cap(Sort(ds), 100)
	if e, w := Count(got); e != errs || w != warns || errs != 1260 || warns != 50 {
		t.Errorf("counts %d/%d after, %d/%d before", e, w, errs, warns)
	}
	if len(got) != 100+1+50+10 {
		t.Fatalf("%d entries", len(got))
	}
	var sum *Diagnostic
	for i := range got {
		if got[i].More > 0 {
			if sum != nil {
				t.Fatalf("two summaries")
			}
			sum = &got[i]
		}
	}
	// 150 left out + 1000 = 1150, placed at the first one left out (the
	// entry at offset 5 comes before the 101st at offset 1000).
	want := "and 1150 more errors of this kind (unknown-key) in this file, not listed: openclawcfg lists the first 100 of each kind"
	if sum == nil || sum.More != 1150 || sum.Message != want || sum.Offset != 5 || sum.File != "a" {
		t.Errorf("summary %+v", sum)
	}
	if again := Cap(got, 100); len(again) != len(got) {
		t.Errorf("capping twice gives %d entries, not %d", len(again), len(got))
	}
}

func TestCapRun(t *testing.T) {
	var ds []Diagnostic
	for i := range 30 {
		sev := Error
		if i%3 == 0 {
			sev = Warning
		}
		ds = append(ds, Diagnostic{File: fmt.Sprint(i / 10), Offset: i, Severity: sev, Code: "x"})
	}
	ds[25].More = 7 // stands for 7
	errs, warns := Count(ds)
	got := CapRun(ds, 12)
	if len(got) != 14 || got[12].More+got[13].More != 18+6 || got[12].Code != CodeLimit {
		t.Fatalf("%d entries: %+v", len(got), got[12:])
	}
	if e, w := Count(got); e != errs || w != warns {
		t.Errorf("counts %d/%d, want %d/%d", e, w, errs, warns)
	}
	if !strings.Contains(got[12].Message, "in this and later files") {
		t.Errorf("message %q", got[12].Message)
	}
}

// StreamJSON writes what json.Encoder with an indent and HTML escaping
// writes, without holding the document.
func TestStreamJSONMatchesEncoder(t *testing.T) {
	type inner struct {
		A string   `json:"a"`
		B []string `json:"b,omitempty"`
		C *int     `json:"c,omitempty"`
		D int      `json:"-"`
		E any      `json:"e"`
	}
	n := 3
	values := []any{
		Report{Files: []FileResult{{File: "<stdin>", OK: true}}, Diagnostics: []Diagnostic{
			{File: "a&b", Message: "must be > 0 <x>", Allowed: []string{"<id>"}, Severity: Warning, Edit: &Edit{Text: "&"}},
			{File: "c", Message: "\u2028 \x1b"},
		}},
		Report{},
		map[string]any{"z": 1, "a": []any{}, "m": map[string]string{}, "n": nil, "s": []any{map[string]any{"k": "<v>"}, 2.5, true}},
		[]inner{{A: "x", B: []string{"y"}, C: &n, D: 4, E: map[string]any{"q": []int{1, 2}}}, {}},
		Object{{"b", 1}, {"a", Object{}}, {"c", []byte("hi")}},
		[]any{},
		"plain",
		nil,
	}
	for i, v := range values {
		var got, want bytes.Buffer
		if r, ok := v.(Report); ok {
			r.Version = 1
			if r.Diagnostics == nil {
				r.Diagnostics = []Diagnostic{}
			}
			if r.Files == nil {
				r.Files = []FileResult{}
			}
			v = r
		}
		if err := StreamJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if _, ok := v.(Object); ok {
			// The struct encoding/json writes in the same member order.
			v = struct {
				B int      `json:"b"`
				A struct{} `json:"a"`
				C []byte   `json:"c"`
			}{1, struct{}{}, []byte("hi")}
		}
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("value %d:\ngot\n%s\nwant\n%s", i, got.String(), want.String())
		}
		if strings.ContainsAny(got.String(), "<>&") {
			t.Errorf("value %d: <, > or & unescaped", i)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "::error::x", " ##[x", "\x1b[1m", "\u202e", "a\nb", "\xff\xfe", "\\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		checkSafe(t, out)
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		plain := utf8.ValidString(s) && commandStart(s) < 0 && !strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 || r == 0x7f || unsafeRune(r)
		})
		if plain != (out == s) {
			t.Fatalf("plain %v, but %q -> %q", plain, s, out)
		}
	})
}
