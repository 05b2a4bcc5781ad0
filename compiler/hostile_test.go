package compiler_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan"
)

// hostileOpts is a hermetic Options: includes from files, the environment
// from env, no wrapper reads.
func hostileOpts(files map[string]string, env map[string]string) compiler.Options {
	return compiler.Options{
		IncludeFile: func(p string) ([]byte, error) {
			if s, ok := files[filepath.Base(p)]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
		ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		Env: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
	}
}

func errorsOf(r *compiler.Result) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}

// Each limit is one error of code "limit" that names it, at the place
// that crosses it.
func TestLimits(t *testing.T) {
	many := func(n int, f string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, f, i)
		}
		return b.String()
	}
	for _, c := range []struct {
		name, src string
		files     map[string]string
		env       map[string]string
		path      string // of the error
		msg       string
	}{
		{
			name: "list", src: "{ channels: { imessage: { allowFrom: [" + strings.Repeat("1,", compiler.MaxEntries+1) + "] } } }",
			msg: "the config holds more than 10000 items in one list, past openclawcfg's limit",
		},
		{
			name: "object", src: "{ plugins: {" + many(compiler.MaxEntries+1, "k%d: 1,") + "} }",
			msg: "the config holds more than 10000 keys in one object, past openclawcfg's limit",
		},
		{
			name: "merged list", src: "{ $include: ['a.json5', 'a.json5', 'a.json5'] }",
			files: map[string]string{"a.json5": "{ channels: { imessage: { allowFrom: [" + strings.Repeat("1,", 4000) + "] } } }"},
			path:  "$include.2",
			msg:   "merging the included lists makes channels.imessage.allowFrom a list of more than 10000 items, past openclawcfg's limit",
		},
		{
			name: "merged object", src: "{ plugins: { $include: ['a.json5', 'b.json5'] } }",
			files: map[string]string{"a.json5": "{" + many(6000, "a%d: 1,") + "}", "b.json5": "{" + many(6000, "b%d: 1,") + "}"},
			path:  "plugins.$include.1",
			msg:   "merging the included objects makes the included content an object of more than 10000 keys, past openclawcfg's limit",
		},
		{
			name: "values", src: "{ $include: [" + strings.Repeat("'a.json5',", 999) + "] }",
			files: map[string]string{"a.json5": "{ plugins: { x: {" + many(600, "k%d: 1,") + "} } }"},
			path:  "$include.827",
			msg:   `$include of "a.json5" brings the merged config past openclawcfg's limit of 500000 values (each inclusion counts; this is inclusion 828)`,
		},
		{
			name: "env", src: "{ env: { vars: { BIG: '" + strings.Repeat("x", 1<<20) + "' } }, channels: { imessage: { name: '" + strings.Repeat("${BIG}", 5) + "' } } }",
			path: "channels.imessage.name",
			msg:  "${VAR} substitution inserts more than 4 MiB into the config by this ${BIG}, past openclawcfg's limit (each reference counts)",
		},
		{
			name: "env from the environment", src: "{ a: '${S}', b: ['${S}', '${S}', '${S}', '${S}'] }",
			env:  map[string]string{"S": strings.Repeat("s", 1<<20)},
			path: "b.3",
			msg:  "${VAR} substitution inserts more than 4 MiB into the config by this ${S}, past openclawcfg's limit (each reference counts)",
		},
		{
			name: "accounts", src: "{ channels: { imessage: { allowFrom: [" + strings.Repeat("'+15550001111',", 1000) + "], accounts: {" + many(200, "a%d: {},") + "} } } }",
			path: "channels.imessage.accounts",
			msg:  "the effective settings of 200 accounts (each reads the 1001 values (11 KiB of text) set at the channel's top level, and the 0 bindings) add up to more than openclawcfg's limit of 100000 values or 16 MiB of text for a plan",
		},
		{
			name: "account text", src: "{ channels: { imessage: { dbPath: '/" + strings.Repeat("d", 1<<20) + "', accounts: {" + many(20, "a%d: {},") + "} } } }",
			path: "channels.imessage.accounts",
			msg:  "the effective settings of 20 accounts (each reads the 1 value (1024 KiB of text) set at the channel's top level, and the 0 bindings) add up to more than openclawcfg's limit of 100000 values or 16 MiB of text for a plan",
		},
		{
			name: "agents", src: "{ messages: { groupChat: { mentionPatterns: [" + strings.Repeat("'@bot',", 1000) + "] } }, agents: { list: [" + many(200, "{ id: 'a%d' },") + "] } }",
			path: "agents.list",
			msg:  "the effective settings of 200 agents (each falls back to the 1001 values (3 KiB of text) of messages.groupChat.mentionPatterns), with the channel's, add up to more than openclawcfg's limit of 100000 values or 16 MiB of text for a plan",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := compiler.Vet("/cfg/main.json5", []byte(c.src), hostileOpts(c.files, c.env))
			errs := errorsOf(r)
			if len(errs) != 1 || errs[0].Code != diag.CodeLimit || errs[0].Message != c.msg || errs[0].Path != c.path {
				t.Fatalf("want one limit error at %q: %s\ngot %+v", c.path, c.msg, errs)
			}
			if errs[0].Fix == "" {
				t.Errorf("no fix")
			}
			res, _ := compiler.Compile("/cfg/main.json5", []byte(c.src), hostileOpts(c.files, c.env))
			sealed := res.Sealed
			if sealed != nil {
				t.Errorf("a plan was built")
			}
		})
	}
}

// Just under each limit, a config passes.
func TestUnderLimits(t *testing.T) {
	src := "{ channels: { imessage: { dmPolicy: 'allowlist', allowFrom: [" + strings.Repeat("'+15550001111',", compiler.MaxEntries) + "] } } }"
	if r := compiler.Vet("main.json5", []byte(src), hostileOpts(nil, nil)); !r.OK() {
		t.Errorf("a list of %d entries: %+v", compiler.MaxEntries, errorsOf(r))
	}
	env := map[string]string{"V": strings.Repeat("v", 1<<20)}
	src = "{ channels: { imessage: { accounts: { a: { name: '${V}${V}${V}${V}' } } } } }"
	if r := compiler.Vet("main.json5", []byte(src), hostileOpts(nil, env)); !r.OK() {
		t.Errorf("4 MiB substituted: %+v", errorsOf(r))
	}
}

// Findings are listed up to MaxPerKind per code and file; one entry says
// how many more there are, and the counts stay exact.
func TestFindingsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ channels: { imessage: { groups: {\n")
	for g := range 3 {
		fmt.Fprintf(&b, "'%d': {\n", g)
		for i := range 1000 {
			fmt.Fprintf(&b, "k%d: 1,\n", i)
		}
		b.WriteString("},\n")
	}
	b.WriteString("} }, a: '")
	for i := range 500 {
		fmt.Fprintf(&b, "${UNSET_%d}", i)
	}
	b.WriteString("' } }\n")
	r := compiler.Vet("main.json5", []byte(b.String()), hostileOpts(nil, nil))
	errs, warns := diag.Count(r.Diagnostics)
	if errs != 3001 || warns != 501 {
		t.Errorf("%d errors, %d warnings; want 3001 (3000 keys and the unknown root key a), 501 (500 ${VAR}s and a lint)", errs, warns)
	}
	kinds := map[string]int{}
	var more []diag.Diagnostic
	for _, d := range r.Diagnostics {
		if d.More > 0 {
			more = append(more, d)
			continue
		}
		kinds[d.Code]++
	}
	if kinds[diag.CodeUnknownKey] != compiler.MaxPerKind || kinds[diag.CodeEnv] != compiler.MaxPerKind || len(more) != 2 {
		t.Fatalf("kinds %v, summaries %+v", kinds, more)
	}
	for _, m := range more {
		want := map[string]string{
			diag.CodeUnknownKey: "and 2901 more errors of this kind (unknown-key) in this file, not listed: openclawcfg lists the first 100 of each kind",
			diag.CodeEnv:        "and 400 more warnings of this kind (env) in this file, not listed: openclawcfg lists the first 100 of each kind",
		}[m.Code]
		if m.Message != want {
			t.Errorf("summary %q, want %q", m.Message, want)
		}
		if m.Line < 1 || m.Column < 1 {
			t.Errorf("summary without a position: %+v", m)
		}
	}
}

const secret = "s3cr3t-t0ken-d0-not-print"

// No value from the environment appears in any message, whatever the
// check that reports it; the plan keeps it and says where it came from.
func TestEnvRedaction(t *testing.T) {
	env := map[string]string{
		"MAC_HOST": secret + " -oProxyCommand=x", // invalid: quoted by the remoteHost check
		"POLICY":   secret,                       // not an enum value: quoted by the enum check
		"HOST":     "bot@" + secret + ".local",   // valid: only the lint mentions it
		"SHORT":    "ab",                         // short, but quoted
		"LIMIT":    secret,                       // a type error, same value as POLICY
		"PORTED":   "bot@" + secret + ":2222",    // the fix quotes the host without the port
	}
	src := `{
  channels: { imessage: {
    remoteHost: "${MAC_HOST}",
    dmPolicy: "${POLICY}",
    textChunkLimit: "${LIMIT}",
    groupPolicy: "${SHORT}",
    accounts: { a: { remoteHost: "${HOST}", includeAttachments: true }, b: { remoteHost: "${PORTED}" } },
  } },
}`
	r := compiler.Vet("main.json5", []byte(src), hostileOpts(nil, env))
	text := allText(r.Diagnostics)
	if strings.Contains(text, secret) {
		t.Fatalf("a value is printed:\n%s", text)
	}
	if strings.Contains(text, `"ab"`) {
		t.Errorf("the short value is quoted:\n%s", text)
	}
	for _, want := range []string{
		`"${MAC_HOST}" (${MAC_HOST} from the environment, 42 characters) contains whitespace`,
		`must be one of "pairing", "allowlist", "open", "disabled", got "${POLICY}" (${POLICY} from the environment, 25 characters)`,
		`must be an integer > 0, got "${LIMIT}" (${LIMIT} from the environment, 25 characters)`,
		`"${SHORT}" (${SHORT} from the environment, 2 characters)`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("messages lack %q:\n%s", want, text)
		}
	}

	// A valid config: the plan holds the value, marked.
	src = `{ channels: { imessage: { accounts: { a: { remoteHost: "${HOST}", includeAttachments: true } } } } }`
	r, err := compiler.Compile("main.json5", []byte(src), hostileOpts(nil, env))
	p := r.Plan
	sealed := r.Sealed
	if err != nil || p == nil {
		t.Fatalf("compile: %v %+v", err, r.Diagnostics)
	}
	if text := allText(r.Diagnostics); strings.Contains(text, secret) || !strings.Contains(text, "fetches attachments from ${HOST}") {
		t.Errorf("lint text:\n%s", text)
	}
	a := p.Accounts[0]
	if a.RemoteHost.Host != env["HOST"] || a.RemoteHost.Origin.Note != "from the environment: ${HOST}" {
		t.Errorf("plan remoteHost %+v", a.RemoteHost)
	}
	if !strings.Contains(string(sealed), secret) {
		t.Errorf("the plan lost the value")
	}
	if got := r.EnvAt("channels.imessage.accounts.a.remoteHost"); len(got) != 1 || got[0].Name != "HOST" || got[0].Len != len(env["HOST"]) {
		t.Errorf("EnvAt = %+v", got)
	}
	if got := r.Redact("x " + env["HOST"] + " y"); got != "x ${HOST} y" {
		t.Errorf("Redact = %q", got)
	}
	var back plan.Plan
	if err := json.Unmarshal(sealed, &back); err != nil {
		t.Fatal(err)
	}
}

func allText(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintln(&b, d.Message, d.Fix, d.DidYouMean, d.Allowed)
		if d.Edit != nil {
			fmt.Fprintln(&b, d.Edit.Text)
		}
	}
	return b.String()
}

// NoEnv and AllowEnv keep a config from choosing which variables it reads.
func TestEnvPolicy(t *testing.T) {
	env := map[string]string{"TOKEN": secret, "NAME": "Bot"}
	src := `{ env: { vars: { LOCAL: "here" } }, channels: { imessage: { name: "${NAME} ${TOKEN} ${LOCAL}" } } }`
	lookup := hostileOpts(nil, env)

	opt := lookup
	opt.NoEnv = true
	r, _ := compiler.Compile("main.json5", []byte(src), opt)
	p := r.Plan
	if p == nil || p.Accounts[0].Name.Value != "${NAME} ${TOKEN} here" {
		t.Fatalf("--no-env: %+v %+v", p, r.Diagnostics)
	}
	if n := countCode(r, diag.CodeEnv); n != 2 || !strings.Contains(allText(r.Diagnostics), "environment variable TOKEN was not read (--no-env)") {
		t.Errorf("--no-env warnings:\n%s", allText(r.Diagnostics))
	}

	opt = lookup
	opt.AllowEnv = []string{"NAME"}
	r, _ = compiler.Compile("main.json5", []byte(src), opt)
	p = r.Plan
	if p == nil || p.Accounts[0].Name.Value != "Bot ${TOKEN} here" {
		t.Fatalf("--allow-env NAME: %+v", p)
	}
	if !strings.Contains(allText(r.Diagnostics), "environment variable TOKEN was not read (--allow-env does not list it)") {
		t.Errorf("--allow-env warnings:\n%s", allText(r.Diagnostics))
	}
}

func countCode(r *compiler.Result, code string) int {
	n := 0
	for _, d := range r.Diagnostics {
		if d.Code == code {
			n++
		}
	}
	return n
}

// A wrapper's comment line is never quoted: only the detected host.
func TestWrapperQuotesOnlyHost(t *testing.T) {
	wrapper := "#!/bin/sh\n# ssh bot@old-mac.local  token=" + secret + " \x1b]0;x\x07\nexec imsg \"$@\"\n"
	opt := hostileOpts(nil, nil)
	opt.ReadFile = func(string) ([]byte, error) { return []byte(wrapper), nil }
	r, _ := compiler.Compile("main.json5", []byte(`{ channels: { imessage: { cliPath: "/opt/imsg-wrapper" } } }`), opt)
	p := r.Plan
	if p == nil {
		t.Fatalf("%+v", r.Diagnostics)
	}
	notes := strings.Join(p.Accounts[0].RemoteHost.WrapperNotes, "\n") + allText(r.Diagnostics)
	if strings.Contains(notes, secret) || strings.Contains(notes, "\x1b") || !strings.Contains(notes, `the host "bot@old-mac.local" was detected from a comment line (line 2 of the wrapper)`) {
		t.Errorf("notes:\n%s", notes)
	}
}

// A cliPath or an $include that is a FIFO is never opened blocking.
func TestFIFOs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	for _, f := range []string{"wrapper", "inc.json5"} {
		if err := syscall.Mkfifo(filepath.Join(dir, f), 0o755); err != nil {
			t.Skip(err)
		}
	}
	main := filepath.Join(dir, "main.json5")
	done := make(chan *compiler.Result)
	go func() {
		src := `{ channels: { imessage: { cliPath: "` + filepath.Join(dir, "wrapper") + `" } } }`
		r, _ := compiler.Compile(main, []byte(src), compiler.Options{Generator: "test"})
		done <- r
		r = compiler.Vet(main, []byte(`{ $include: "./inc.json5" }`), compiler.Options{})
		done <- r
	}()
	for i := range 2 {
		select {
		case r := <-done:
			t.Logf("%d: %s", i, allText(r.Diagnostics))
			if i == 1 && !strings.Contains(allText(r.Diagnostics), "is not a regular file") {
				t.Errorf("include of a FIFO: %s", allText(r.Diagnostics))
			}
		case <-time.After(10 * time.Second):
			t.Fatal("blocked on a FIFO")
		}
	}
	if _, err := compiler.ReadConfigFile(filepath.Join(dir, "wrapper")); err == nil || !strings.Contains(err.Error(), "FIFO") {
		t.Errorf("ReadConfigFile of a FIFO: %v", err)
	}
	if _, err := compiler.ReadConfigFile(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("ReadConfigFile of a directory: %v", err)
	}
	os.WriteFile(main, []byte("{}"), 0o644)
	if b, err := compiler.ReadConfigFile(main); err != nil || string(b) != "{}" {
		t.Errorf("ReadConfigFile: %q %v", b, err)
	}
}

// FuzzHostile drives includes, ${VAR} substitution and every output
// format with arbitrary text: an environment value never reaches a
// message, and the text and annotation outputs carry no control
// character and start no workflow command.
func FuzzHostile(f *testing.F) {
	f.Add(`{ channels: { imessage: { remoteHost: "${V}", $include: "./a.json5" } } }`, `{ dmPolicy: "${V}" }`, " -o x")
	f.Add(`{ "\u001b[2J::error::x": 1, a: "${V}${V}", b: ["${V}"] }`, `[1, 2]`, "\n::warning::y")
	f.Add(`{ channels: { imessage: { accounts: { a: { cliPath: "${V}" } }, textChunkLimit: "${V}" } } }`, `{}`, "1")
	f.Add(`{ channels: { imessage: { remoteHost: "${V}" } } }`, `{}`, "ab:22")
	f.Add(`{ channels: { imessage: { attachmentRoots: ["${V}"], cliPath: "~/${V}" } } }`, `{}`, "/x/../y")
	f.Add(`{ bindings: [{ agentId: "${V}", match: { channel: "imessage", peer: { kind: "group", id: "${V}" } } }] }`, `{}`, "x")
	f.Add(`{ env: { vars: { W: "${V}" } }, x: "${W}", $include: ["a.json5", "a.json5"] }`, `{ "##[error]": [] }`, "\u202e")
	f.Fuzz(func(t *testing.T, main, inc, value string) {
		val := "SECRET" + value
		if strings.Contains(main+inc, "SECRET") {
			return // the config may print its own text
		}
		opt := hostileOpts(map[string]string{"a.json5": inc}, map[string]string{"V": val})
		start := time.Now()
		r := compiler.Vet("/cfg/main.json5", []byte(main), opt)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Vet took %v", d)
		}
		sources := map[string]*diag.Source{}
		for _, s := range r.Sources {
			sources[s.Name] = s
		}
		var text, gh, js strings.Builder
		diag.WriteText(&text, r.Diagnostics, sources)
		diag.WriteGitHub(&gh, r.Diagnostics)
		if err := diag.WriteJSON(&js, diag.Report{Diagnostics: r.Diagnostics}); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"text": text.String(), "github": gh.String(), "json": js.String()} {
			if strings.Contains(out, "SECRET") {
				t.Fatalf("%s output shows the value:\n%s", name, out)
			}
			if strings.ContainsAny(out, "\x1b\u2028\u202e\x7f\r") {
				t.Fatalf("%s output has a control character:\n%q", name, out)
			}
		}
		for _, line := range strings.Split(text.String(), "\n") {
			if l := strings.TrimLeft(line, " \t"); strings.HasPrefix(l, "::") || strings.HasPrefix(l, "##[") {
				t.Fatalf("text line starts a workflow command: %q", line)
			}
		}
		if strings.ContainsAny(js.String(), "<>&") {
			t.Fatalf("JSON output has <, > or & unescaped")
		}
		if strings.Count(gh.String(), "\n") != len(r.Diagnostics) {
			t.Fatalf("%d annotation lines for %d findings", strings.Count(gh.String(), "\n"), len(r.Diagnostics))
		}
	})
}
