package resolve

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/source"
)

const mainPath = "/cfg/main.json5"

// fakeFS is Options.ReadFile over a map of absolute paths. Every proper
// prefix directory of a file is a directory (EISDIR, as os.ReadFile says).
type fakeFS struct {
	files map[string]string
	reads map[string]int
}

func (f *fakeFS) read(p string) ([]byte, error) {
	if f.reads == nil {
		f.reads = map[string]int{}
	}
	f.reads[p]++
	if s, ok := f.files[p]; ok {
		return []byte(s), nil
	}
	for name := range f.files {
		if strings.HasPrefix(name, strings.TrimSuffix(p, "/")+"/") {
			return nil, &fs.PathError{Op: "read", Path: p, Err: syscall.EISDIR}
		}
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

func envOf(m map[string]string) func(string) (string, bool) {
	if m == nil {
		return nil
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func parseDoc(t testing.TB, name, src string) Doc {
	t.Helper()
	f := source.NewFile(name, []byte(src))
	root, err := json5.ParseFile(f, json5.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return Doc{File: f, Root: root}
}

// fileIndex is the index in res.Files of the file n was read from, or -1.
func fileIndex(res *Result, n *json5.Node) int {
	return fileNamed(res, fileName(n.File))
}

// fileNamed is the index in res.Files of the file named name, or -1.
func fileNamed(res *Result, name string) int {
	for i, d := range res.Files {
		if d.File.Name == name {
			return i
		}
	}
	return -1
}

// dump renders a tree with offsets, to check that Resolve mutates nothing.
func dump(n *json5.Node) string {
	var b strings.Builder
	var walk func(n *json5.Node)
	walk = func(n *json5.Node) {
		fmt.Fprintf(&b, "%d:%d:%d:%q:%v:%v(", n.Kind, n.Start, n.End, n.Str, n.Num, n.Bool)
		for _, m := range n.Members {
			fmt.Fprintf(&b, "%q@%d:%d=", m.Key, m.KeyStart, m.KeyEnd)
			walk(m.Value)
		}
		for _, e := range n.Elems {
			walk(e)
		}
		b.WriteString(")")
	}
	walk(n)
	return b.String()
}

// checkLocations verifies that every node of the result points into the
// file its span names: objects at "{" (or "[" for `$include: []`), arrays at
// "[", strings at their opening quote.
func checkLocations(t *testing.T, res *Result) {
	t.Helper()
	var walk func(n *json5.Node)
	walk = func(n *json5.Node) {
		f := fileIndex(res, n)
		if f < 0 {
			t.Fatalf("node %+v: its file is none of the result's", n)
		}
		src := res.Files[f].File.Text
		if n.Start < 0 || n.End > len(src) || n.Start >= n.End {
			t.Fatalf("node kind %v [%d,%d) outside %s (%d bytes)", n.Kind, n.Start, n.End, res.Files[f].File.Name, len(src))
		}
		c := src[n.Start]
		ok := true
		switch n.Kind {
		case json5.Object:
			ok = c == '{' || c == '['
		case json5.Array:
			ok = c == '['
		case json5.String:
			ok = c == '"' || c == '\''
		}
		if !ok {
			t.Fatalf("%v node at %s:%d starts with %q", n.Kind, res.Files[f].File.Name, n.Start, c)
		}
		for _, m := range n.Members {
			walk(m.Value)
		}
		for _, e := range n.Elems {
			walk(e)
		}
	}
	walk(res.Root)
}

type wantFinding struct {
	file    string // Files[].Name of the file holding it ("" = main)
	at      string // the finding's Offset is the index of this text in that file ("" = not checked)
	path    string
	code    string
	warning bool
	msg     string // substring of Message
}

type resolveCase struct {
	name  string
	files map[string]string // mainPath is the main file; others are includes
	env   map[string]string
	want  string // JSON of Root as OpenClaw validates it; "" = Root is nil (OpenClaw stops)
	finds []wantFinding
}

func runCase(t *testing.T, c resolveCase) *Result {
	t.Helper()
	ffs := &fakeFS{files: c.files}
	main := parseDoc(t, mainPath, c.files[mainPath])
	before := dump(main.Root)
	res := Resolve(main, Options{ReadFile: ffs.read, Env: envOf(c.env)})
	if got := dump(main.Root); got != before {
		t.Fatalf("Resolve changed the main tree")
	}
	if c.want == "" {
		if res.Root != nil {
			t.Errorf("Root = %s, want nil", mustJSON(res.Root.Value()))
		}
	} else {
		var want any
		if err := json.Unmarshal([]byte(c.want), &want); err != nil {
			t.Fatalf("bad want: %v", err)
		}
		if res.Root == nil {
			t.Fatalf("Root = nil, want %s; findings %+v", c.want, res.Findings)
		}
		if got := res.Root.Value(); !reflect.DeepEqual(got, want) {
			t.Errorf("Root = %s\nwant   %s", mustJSON(got), mustJSON(want))
		}
		checkLocations(t, res)
	}
	if len(res.Findings) != len(c.finds) {
		t.Fatalf("got %d findings, want %d:\n%s", len(res.Findings), len(c.finds), showFindings(res))
	}
	for i, w := range c.finds {
		g := res.Findings[i]
		file := w.file
		if file == "" {
			file = mainPath
		}
		if g.File != file {
			t.Errorf("finding %d in file %s, want %s:\n%s", i, g.File, file, showFindings(res))
			continue
		}
		if w.at != "" {
			src := c.files[file]
			if off := strings.Index(src, w.at); off != g.Offset || g.End <= g.Offset {
				t.Errorf("finding %d at [%d,%d), want %d (%q):\n%s", i, g.Offset, g.End, off, w.at, showFindings(res))
			}
		}
		if g.Path != w.path || g.Code != w.code || (g.Severity == diag.Warning) != w.warning || !strings.Contains(g.Message, w.msg) {
			t.Errorf("finding %d = %+v\nwant path %q code %q warning %v message containing %q", i, g, w.path, w.code, w.warning, w.msg)
		}
		if g.Message == "" || g.Message[:1] != strings.ToLower(g.Message[:1]) {
			t.Errorf("finding %d message should start lower-case: %q", i, g.Message)
		}
	}
	return res
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func showFindings(res *Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "  file=%s [%d,%d) path=%q code=%s %v: %s\n", f.File, f.Offset, f.End, f.Path, f.Code, f.Severity, f.Message)
	}
	return b.String()
}

func main1(src string, more ...string) map[string]string {
	m := map[string]string{mainPath: src}
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i]] = more[i+1]
	}
	return m
}

// Behaviour of IncludeProcessor and deepMerge (src/config/includes.ts,
// OpenClaw 2026.3.24 dist/env-D1ktUnAV.js). Cases marked "oracle" were run
// through OpenClaw 2026.3.24 (conformance cases 550-556 or scratch files).
var includeCases = []resolveCase{
	{
		// processInclude without siblings returns the included value (551).
		name:  "include replaces the object",
		files: main1(`{ channels: { imessage: { $include: "./inc/im.json5" } } }`, "/cfg/inc/im.json5", `{ enabled: true, allowFrom: ["+1555"] }`),
		want:  `{"channels":{"imessage":{"enabled":true,"allowFrom":["+1555"]}}}`,
	},
	{
		// deepMerge(included, siblings): objects merge recursively, arrays
		// concatenate included first, primitives: siblings win (555, oracle).
		name: "siblings deep-merge over the included object",
		files: main1(`{ $include: "./base.json5", a: { y: 2, list: [3], deep: { q: 1 } }, s: "main" }`,
			"/cfg/base.json5", `{ a: { x: 1, y: 1, list: [1, 2], deep: { p: 0 } }, s: "base", t: "base" }`),
		want: `{"a":{"x":1,"y":2,"list":[1,2,3],"deep":{"p":0,"q":1}},"s":"main","t":"base"}`,
	},
	{
		// A sibling of another type replaces the included value (deepMerge
		// returns source unless both are arrays or both plain objects).
		name:  "type mismatch: sibling replaces",
		files: main1(`{ $include: "./b.json5", a: [1], o: "s" }`, "/cfg/b.json5", `{ a: { x: 1 }, o: { y: 1 } }`),
		want:  `{"a":[1],"o":"s"}`,
	},
	{
		// resolveInclude of an array: reduce(deepMerge, {}), later files win,
		// arrays concatenate in order, siblings last (oracle t-05).
		name: "array of includes merges left to right",
		files: main1(`{ $include: ["./a.json5", "./b.json5"], allowFrom: ["s1"] }`,
			"/cfg/a.json5", `{ responsePrefix: "from-a", allowFrom: ["a1"], name: "A" }`,
			"/cfg/b.json5", `{ responsePrefix: "from-b", allowFrom: ["b1"] }`),
		want: `{"responsePrefix":"from-b","allowFrom":["a1","b1","s1"],"name":"A"}`,
	},
	{
		// Included content can be any JSON value when there are no siblings
		// (oracle t-07, t-27); includes work inside arrays too (process maps
		// arrays).
		name: "non-object includes and includes in arrays",
		files: main1(`{ list: { $include: "./arr.json5" }, s: { $include: "./str.json5" }, xs: [1, { $include: "./str.json5" }] }`,
			"/cfg/arr.json5", `["x1", "x2"]`, "/cfg/str.json5", `"just a string"`),
		want: `{"list":["x1","x2"],"s":"just a string","xs":[1,"just a string"]}`,
	},
	{
		// The whole root may be an $include.
		name:  "root include",
		files: main1(`{ $include: "./root.json5" }`, "/cfg/root.json5", `{ a: 1 }`),
		want:  `{"a":1}`,
	},
	{
		// processInclude: siblings need a plain-object include (oracle t-06).
		name:  "siblings with a non-object include",
		files: main1(`{ x: { $include: "./arr.json5", y: 1 } }`, "/cfg/arr.json5", `[1]`),
		finds: []wantFinding{{at: `"./arr.json5"`, path: "x.$include", code: "include", msg: "must be an object, but it is an array"}},
	},
	{
		// An array of includes whose last file is an array replaces the {}
		// accumulator; with siblings that is the same error.
		name:  "array include ending in an array, with siblings",
		files: main1(`{ $include: ["./o.json5", "./arr.json5"], y: 1 }`, "/cfg/o.json5", `{ a: 1 }`, "/cfg/arr.json5", `[1]`),
		finds: []wantFinding{{at: `["./o.json5"`, path: "$include", code: "include", msg: "must be an object"}},
	},
	{
		// `$include: []` reduces to {} (oracle t-13).
		name:  "empty include array",
		files: main1(`{ x: { $include: [], r: "e" }, y: { $include: [] } }`),
		want:  `{"x":{"r":"e"},"y":{}}`,
	},
	{
		// processNested: relative paths resolve against the including file's
		// directory; the root directory stays the main file's (oracle t-18).
		name: "nested include relative to the including file",
		files: main1(`{ $include: "./sub/nested.json5" }`,
			"/cfg/sub/nested.json5", `{ $include: "../a.json5", name: "nested" }`,
			"/cfg/a.json5", `{ name: "A", other: 1 }`),
		want: `{"name":"nested","other":1}`,
	},
	{
		// Absolute include paths are used as they are (then must be inside
		// the config directory).
		name:  "absolute include path inside the directory",
		files: main1(`{ $include: "/cfg/sub/../a.json5" }`, "/cfg/a.json5", `{ a: 1 }`),
		want:  `{"a":1}`,
	},
	{
		// deepMerge skips __proto__/prototype/constructor of the source only:
		// a sibling "constructor" is dropped, the included one kept (oracle
		// t-11: OpenClaw then reports the included key as unknown).
		name:  "blocked keys are skipped in the merge source",
		files: main1(`{ $include: "./c.json5", constructor: 2, prototype: 3, a: { constructor: 4, b: 1 } }`, "/cfg/c.json5", `{ constructor: 1, a: { z: 1 } }`),
		want:  `{"constructor":1,"a":{"z":1,"b":1}}`,
	},
	{
		// An array include starts from deepMerge({}, first), which drops the
		// first file's blocked keys too (oracle t-12); a string include keeps
		// them.
		name:  "array include drops blocked keys of the first file",
		files: main1(`{ x: { $include: ["./c.json5"] }, y: { $include: "./c.json5" } }`, "/cfg/c.json5", `{ constructor: 1, r: "c" }`),
		want:  `{"x":{"r":"c"},"y":{"constructor":1,"r":"c"}}`,
	},
	{
		// JSON5.parse keeps only the last duplicate, so an $include in a
		// losing duplicate is never read (oracle t-15); of two $include keys
		// the last counts (oracle u-13).
		name:  "duplicates: only the last counts",
		files: main1(`{ a: { $include: "./missing.json5" }, a: 1, x: { $include: "./missing.json5", $include: "./b.json5" } }`, "/cfg/b.json5", `{ b: 1 }`),
		want:  `{"a":1,"x":{"b":1}}`,
	},
	{
		// Same file included twice (not a cycle): read once, listed once.
		name:  "same file included twice",
		files: main1(`{ a: { $include: "./b.json5" }, c: { $include: "./b.json5" } }`, "/cfg/b.json5", `{ b: [1] }`),
		want:  `{"a":{"b":[1]},"c":{"b":[1]}}`,
	},
	{
		// Failed to read include file (550, oracle).
		name:  "missing file",
		files: main1(`{ channels: { imessage: { $include: "./includes/does-not-exist.json5" } } }`),
		finds: []wantFinding{{
			at: `"./includes/does-not-exist.json5"`, path: "channels.imessage.$include", code: "include",
			msg: `$include file "./includes/does-not-exist.json5" not found (resolved to /cfg/includes/does-not-exist.json5)`,
		}},
	},
	{
		// An error inside an included file is located in that file.
		name:  "missing file in an included file",
		files: main1(`{ a: { $include: "./b.json5" } }`, "/cfg/b.json5", `{ c: { $include: "./nope.json5" } }`),
		finds: []wantFinding{{file: "/cfg/b.json5", at: `"./nope.json5"`, path: "a.c.$include", code: "include", msg: `"./nope.json5" not found (resolved to /cfg/nope.json5)`}},
	},
	{
		// resolvePath: Include path escapes config directory (553, oracle).
		name:  "relative path escaping the directory",
		files: main1(`{ $include: "../etc/x.json5" }`, "/etc/x.json5", `{}`),
		finds: []wantFinding{{at: `"../etc/x.json5"`, path: "$include", code: "include", msg: `escapes the config directory /cfg (resolved to /etc/x.json5)`}},
	},
	{
		name:  "absolute path outside the directory",
		files: main1(`{ $include: "/etc/x.json5" }`, "/etc/x.json5", `{}`),
		finds: []wantFinding{{at: `"/etc/x.json5"`, path: "$include", code: "include", msg: `escapes the config directory`}},
	},
	{
		// A nested file may not escape either: the root stays /cfg.
		name:  "nested escape",
		files: main1(`{ $include: "./sub/b.json5" }`, "/cfg/sub/b.json5", `{ $include: "../../x.json5" }`, "/x.json5", `{}`),
		finds: []wantFinding{{file: "/cfg/sub/b.json5", at: `"../../x.json5"`, path: "$include", code: "include", msg: `escapes the config directory /cfg`}},
	},
	{
		// Invalid $include value: typeof in the message (554, oracle t-14).
		name:  "include value not a string",
		files: main1(`{ a: { $include: 5 }, b: 1 }`),
		finds: []wantFinding{{at: `5 }`, path: "a.$include", code: "include", msg: "got number"}},
	},
	{
		name:  "include value null is reported as null",
		files: main1(`{ a: { $include: null } }`),
		finds: []wantFinding{{at: `null`, path: "a.$include", code: "include", msg: "got null"}},
	},
	{
		// Invalid $include array item, reached after the earlier items loaded
		// (oracle t-19).
		name:  "array item not a string",
		files: main1(`{ $include: ["./a.json5", true, "./missing.json5"] }`, "/cfg/a.json5", `{}`),
		finds: []wantFinding{{at: `true`, path: "$include.1", code: "include", msg: "array item 1 must be a path string, got boolean"}},
	},
	{
		// Items load in order: a missing file before a bad item wins (oracle t-20).
		name:  "array items fail in order",
		files: main1(`{ $include: ["./missing.json5", 5] }`),
		finds: []wantFinding{{at: `"./missing.json5"`, path: "$include.0", code: "include", msg: "not found"}},
	},
	{
		// process walks Object.entries: array-index keys first (oracle u-01).
		name:  "first error in JavaScript key order",
		files: main1(`{ b: { $include: "./missing1.json5" }, "1": { $include: "./missing2.json5" } }`),
		finds: []wantFinding{{at: `"./missing2.json5"`, path: "1.$include", code: "include", msg: "missing2"}},
	},
	{
		// "__proto__" is an own key of the parsed object, so an $include under
		// it is still read (oracle u-02), though the value becomes the prototype.
		name:  "include under __proto__ is read",
		files: main1(`{ __proto__: { $include: "./missing.json5" } }`),
		finds: []wantFinding{{at: `"./missing.json5"`, path: "__proto__.$include", code: "include", msg: "not found"}},
	},
	{
		// checkCircular: the chain starts at the main file (oracle t-10).
		name: "cycle",
		files: main1(`{ $include: "./cyc1.json5" }`,
			"/cfg/cyc1.json5", `{ $include: "./cyc2.json5" }`, "/cfg/cyc2.json5", `{ $include: "./cyc1.json5" }`),
		finds: []wantFinding{{
			file: "/cfg/cyc2.json5", at: `"./cyc1.json5"`, path: "$include", code: "include",
			msg: "circular $include: /cfg/main.json5 -> /cfg/cyc1.json5 -> /cfg/cyc2.json5 -> /cfg/cyc1.json5",
		}},
	},
	{
		// A file including itself (oracle t-24).
		name:  "self include",
		files: main1(`{ $include: "./main.json5" }`),
		finds: []wantFinding{{at: `"./main.json5"`, path: "$include", code: "include", msg: "circular $include: /cfg/main.json5 -> /cfg/main.json5"}},
	},
	{
		// checkDepth: 10 nested files load ...
		name:  "ten levels deep",
		files: chain(10),
		want:  `{"leaf":true}`,
	},
	{
		// ... the 11th does not (oracle t-08: "Maximum include depth (10)
		// exceeded at: ./d10.json5").
		name:  "eleven levels deep",
		files: chain(11),
		finds: []wantFinding{{file: "/cfg/d9.json5", at: `"./d10.json5"`, path: "$include", code: "include", msg: "nested more than 10 levels deep"}},
	},
	{
		// readConfigIncludeFileWithGuards: a directory fails the security
		// checks (oracle t-22 "." and t-23 "").
		name:  "directory",
		files: main1(`{ a: { $include: "./sub" }, b: 1 }`, "/cfg/sub/x.json5", `{}`),
		finds: []wantFinding{{at: `"./sub"`, path: "a.$include", code: "include", msg: "is a directory"}},
	},
	{
		name:  "empty path is the config directory",
		files: main1(`{ $include: "" }`),
		finds: []wantFinding{{at: `""`, path: "$include", code: "include", msg: "is a directory"}},
	},
	{
		// ... and so does a file over 2 MiB.
		name:  "file over 2 MiB",
		files: main1(`{ $include: "./big.json5" }`, "/cfg/big.json5", `"`+strings.Repeat("x", MaxIncludeFileBytes)+`"`),
		finds: []wantFinding{{at: `"./big.json5"`, path: "$include", code: "include", msg: "larger than 2097152 bytes"}},
	},
	{
		// Our own bounds: OpenClaw would read this 4^9 times.
		name:  "total loads bound",
		files: fanout(10),
		finds: []wantFinding{{file: "/cfg/f9.json5", code: "include", path: "$include.2", msg: "more than 1000 $include files are read"}},
	},
	{
		name:  "total bytes bound",
		files: fanout(100_000),
		finds: []wantFinding{{file: "/cfg/f9.json5", code: "include", path: "$include.3", msg: "add up to more than 8388608 bytes"}},
	},
}

// chain returns a main file including d0, d0 including d1, ... so that n
// files are included in all.
func chain(n int) map[string]string {
	m := main1(`{ $include: "./d0.json5" }`)
	for i := 0; i < n-1; i++ {
		m[fmt.Sprintf("/cfg/d%d.json5", i)] = fmt.Sprintf(`{ $include: "./d%d.json5" }`, i+1)
	}
	m[fmt.Sprintf("/cfg/d%d.json5", n-1)] = `{ leaf: true }`
	return m
}

// fanout returns files f1..f10, each including the next four times.
func fanout(pad int) map[string]string {
	m := main1(`{ $include: ["./f1.json5"] }`)
	for i := 1; i < 10; i++ {
		n := fmt.Sprintf(`"./f%d.json5"`, i+1)
		m[fmt.Sprintf("/cfg/f%d.json5", i)] = `{ $include: [` + strings.Repeat(n+",", 4) + `] }`
	}
	m["/cfg/f10.json5"] = `{ pad: "` + strings.Repeat("x", pad) + `" }`
	return m
}

// manyKeys is an array include of n files with k distinct keys each.
func manyKeys(n, k int) map[string]string {
	var inc []string
	m := map[string]string{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("/cfg/k%d.json5", i)
		inc = append(inc, fmt.Sprintf(`".%s"`, name[4:]))
		var b strings.Builder
		b.WriteString("{")
		for j := 0; j < k; j++ {
			fmt.Fprintf(&b, "k%d_%d: 1,", i, j)
		}
		b.WriteString("}")
		m[name] = b.String()
	}
	m[mainPath] = `{ $include: [` + strings.Join(inc, ", ") + `] }`
	return m
}

func TestIncludes(t *testing.T) {
	for _, c := range includeCases {
		t.Run(c.name, func(t *testing.T) { runCase(t, c) })
	}
}

// Behaviour of resolveConfigForRead: applyConfigEnvVars
// (src/config/config-env-vars.ts) then resolveConfigEnvVars with onMissing
// (src/config/env-substitution.ts).
var envCases = []resolveCase{
	{
		// substituteString: ${NAME} with NAME matching [A-Z_][A-Z0-9_]*.
		name:  "substitution",
		files: main1(`{ a: "${HOST}:${PORT_1}", b: ["x${_U}y"], c: 5 }`),
		env:   map[string]string{"HOST": "h", "PORT_1": "22", "_U": "-"},
		want:  `{"a":"h:22","b":["x-y"],"c":5}`,
	},
	{
		// onMissing: a warning per reference, the text left as written
		// (541, 546, 547 oracle; paths dotted with array indexes).
		name:  "missing variables",
		files: main1(`{ a: "${OPENCLAWCFG_A}/${OPENCLAWCFG_B}", list: ["${OPENCLAWCFG_C}"] }`),
		want:  `{"a":"${OPENCLAWCFG_A}/${OPENCLAWCFG_B}","list":["${OPENCLAWCFG_C}"]}`,
		finds: []wantFinding{
			{at: `"${OPENCLAWCFG_A}`, path: "a", code: "env", warning: true, msg: `environment variable OPENCLAWCFG_A is not set; OpenClaw leaves "${OPENCLAWCFG_A}" as written`},
			{at: `"${OPENCLAWCFG_A}`, path: "a", code: "env", warning: true, msg: `OPENCLAWCFG_B is not set`},
			{at: `"${OPENCLAWCFG_C}"`, path: "list.0", code: "env", warning: true, msg: `OPENCLAWCFG_C is not set`},
		},
	},
	{
		// envValue === "" counts as missing (oracle t-16).
		name:  "empty variable is missing",
		files: main1(`{ a: "${EMPTY}" }`),
		env:   map[string]string{"EMPTY": ""},
		want:  `{"a":"${EMPTY}"}`,
		finds: []wantFinding{{at: `"${EMPTY}"`, path: "a", code: "env", warning: true, msg: "EMPTY is set but empty"}},
	},
	{
		// parseEnvTokenAt: $${NAME} is a literal ${NAME} (543); $$${X} is "$"
		// then an escape; lower case, "-", digits first, a missing "}" and
		// "${}" are no references (544, oracle t-04).
		name:  "escapes and non-references",
		files: main1(`{ a: "$${X}", b: "$$${X}", c: "${lower} ${A-B} ${1X} ${} ${X", d: "$${lower}", e: "$$${X}${X}" }`),
		env:   map[string]string{"X": "v"},
		want:  `{"a":"${X}","b":"$${X}","c":"${lower} ${A-B} ${1X} ${} ${X","d":"$${lower}","e":"$${X}v"}`,
	},
	{
		// substituteAny only touches values (545).
		name:  "keys are not substituted",
		files: main1(`{ "${X}": "${X}" }`),
		env:   map[string]string{"X": "v"},
		want:  `{"${X}":"v"}`,
	},
	{
		// Only JavaScript's own keys are walked: no warning for a losing
		// duplicate or inside __proto__ (oracle u-06).
		name:  "duplicates and __proto__ are not substituted",
		files: main1(`{ a: "${MISSING1}", a: "ok", __proto__: { b: "${MISSING2}" } }`),
		want:  `{"a":"ok"}`,
	},
	{
		// applyConfigEnvVars: env.vars fills the environment first (549, oracle).
		name:  "env.vars",
		files: main1(`{ env: { vars: { OPENCLAWCFG_X: "/opt/imsg" } }, cliPath: "${OPENCLAWCFG_X}" }`),
		want:  `{"env":{"vars":{"OPENCLAWCFG_X":"/opt/imsg"}},"cliPath":"/opt/imsg"}`,
	},
	{
		// ... and so do env.<NAME> strings, which override env.vars of the
		// same name (oracle t-02, u-09); keys are trimmed (oracle u-07).
		name:  "env.NAME, precedence over vars, trimmed keys",
		files: main1(`{ env: { vars: { D: "vars", " T ": "trimmed" }, D: "direct" }, a: "${D}", b: "${T}" }`),
		want:  `{"env":{"vars":{"D":"vars"," T ":"trimmed"},"D":"direct"},"a":"direct","b":"trimmed"}`,
	},
	{
		// A non-blank process variable wins; a blank one is replaced (oracle t-17).
		name:  "process environment precedence",
		files: main1(`{ env: { vars: { SET: "cfg", BLANK: "cfg" } }, a: "${SET}", b: "${BLANK}" }`),
		env:   map[string]string{"SET": "proc", "BLANK": "  "},
		want:  `{"env":{"vars":{"SET":"cfg","BLANK":"cfg"}},"a":"proc","b":"cfg"}`,
	},
	{
		// isBlockedConfigEnvVar: HOME, LD_* ... are never copied; names must
		// be portable; non-string env.<NAME> values and shellEnv are ignored.
		name:  "blocked and invalid names",
		files: main1(`{ env: { vars: { HOME: "/h", LD_X: "/l", "A-B": "x" }, N: 5, shellEnv: "x" }, a: "${HOME}", b: "${LD_X}", c: "${N}", d: "${SHELLENV}" }`),
		want:  `{"env":{"vars":{"HOME":"/h","LD_X":"/l","A-B":"x"},"N":5,"shellEnv":"x"},"a":"${HOME}","b":"${LD_X}","c":"${N}","d":"${SHELLENV}"}`,
		finds: []wantFinding{
			{path: "a", code: "env", warning: true, msg: "HOME is not set"},
			{path: "b", code: "env", warning: true, msg: "LD_X is not set"},
			{path: "c", code: "env", warning: true, msg: "N is not set"},
			{path: "d", code: "env", warning: true, msg: "SHELLENV is not set"},
		},
	},
	{
		// A vars value holding a reference is not copied, and is itself
		// substituted (warnings at both places, oracle t-03).
		name:  "vars value with a reference",
		files: main1(`{ env: { vars: { R: "${UNSET_Q}" } }, a: "${R}" }`),
		want:  `{"env":{"vars":{"R":"${UNSET_Q}"}},"a":"${R}"}`,
		finds: []wantFinding{
			{at: `"${UNSET_Q}"`, path: "env.vars.R", code: "env", warning: true, msg: "UNSET_Q is not set"},
			{at: `"${R}"`, path: "a", code: "env", warning: true, msg: "R is not set"},
		},
	},
	{
		// An array in env.vars has includes() too: it is copied, and ${NAME}
		// becomes String(array).
		name:  "vars array",
		files: main1(`{ env: { vars: { ARR: ["a", 1, null, [true, 1e21]] } }, a: "${ARR}" }`),
		want:  `{"env":{"vars":{"ARR":["a",1,null,[true,1e21]]}},"a":"a,1,,true,1e+21"}`,
	},
	{
		// containsEnvVarReference(5) throws: readConfigFileSnapshot reports
		// "read failed: TypeError: value.includes is not a function" (oracle
		// t-01, u-10 for objects, t-29 for true).
		name:  "vars number crashes OpenClaw",
		files: main1(`{ env: { vars: { OPENCLAWCFG_N: 5 } } }`),
		finds: []wantFinding{{at: `5 }`, path: "env.vars.OPENCLAWCFG_N", code: "env-vars", msg: "fails to read the config"}},
	},
	{
		// ... unless the variable is already set, blocked, or the value falsy
		// (oracle u-12, u-08, u-11).
		name:  "vars number that does not crash",
		files: main1(`{ env: { vars: { SET: 5, HOME: 5, Z: 0, F: false, E: "" } } }`),
		env:   map[string]string{"SET": "x"},
		want:  `{"env":{"vars":{"SET":5,"HOME":5,"Z":0,"F":false,"E":""}}}`,
	},
	{
		// cfg.env is read through the prototype a root "__proto__" becomes
		// (oracle u-03, u-05).
		name:  "env found through __proto__",
		files: main1(`{ __proto__: { env: { vars: { P: "/opt/p" } } }, cliPath: "${P}" }`),
		want:  `{"cliPath":"/opt/p"}`,
	},
	{
		name:  "crash through __proto__",
		files: main1(`{ __proto__: { env: { vars: { P: true } } } }`),
		finds: []wantFinding{{at: `true`, path: "env.vars.P", code: "env-vars", msg: "is a boolean"}},
	},
	{
		// Includes resolve before env: an include error wins (oracle t-28).
		name:  "include error before the env crash",
		files: main1(`{ env: { vars: { N: 5 } }, x: { $include: "./missing.json5" } }`),
		finds: []wantFinding{{path: "x.$include", code: "include", msg: "not found"}},
	},
	{
		// Substitution runs on the merged document: warnings point into the
		// included file, once per place it is included (oracle t-21, u-04).
		name:  "env in included files",
		files: main1(`{ a: { $include: "./e.json5" }, b: { $include: "./e.json5" }, c: { $include: "./e.json5", v: "${SET}" } }`, "/cfg/e.json5", `{ v: "${UNSET_INC}" }`),
		env:   map[string]string{"SET": "ok"},
		want:  `{"a":{"v":"${UNSET_INC}"},"b":{"v":"${UNSET_INC}"},"c":{"v":"ok"}}`,
		finds: []wantFinding{
			{file: "/cfg/e.json5", at: `"${UNSET_INC}"`, path: "a.v", code: "env", warning: true, msg: "UNSET_INC is not set"},
			{file: "/cfg/e.json5", at: `"${UNSET_INC}"`, path: "b.v", code: "env", warning: true, msg: "UNSET_INC is not set"},
		},
	},
	{
		// env.vars may come from an included file.
		name:  "env.vars from an include",
		files: main1(`{ env: { $include: "./env.json5" }, a: "${FROM_INC}" }`, "/cfg/env.json5", `{ vars: { FROM_INC: "yes" } }`),
		want:  `{"env":{"vars":{"FROM_INC":"yes"}},"a":"yes"}`,
	},
	{
		// nil Env: no process environment at all.
		name:  "no process environment",
		files: main1(`{ a: "${PATH}" }`),
		want:  `{"a":"${PATH}"}`,
		finds: []wantFinding{{path: "a", code: "env", warning: true, msg: "PATH is not set"}},
	},
}

func TestEnv(t *testing.T) {
	for _, c := range envCases {
		t.Run(c.name, func(t *testing.T) { runCase(t, c) })
	}
}

// A JSON5 error in an included file is reported at its position in that
// file (OpenClaw: "Failed to parse include file", 556).
// Merging many files into one object takes linear time (OpenClaw's
// deepMerge copies the growing object each time), up to MaxEntries keys.
func TestManyKeys(t *testing.T) {
	files := manyKeys(MaxEntries/1000, 1000)
	ffs := &fakeFS{files: files}
	res := Resolve(parseDoc(t, mainPath, files[mainPath]), Options{ReadFile: ffs.read})
	if len(res.Findings) != 0 || len(res.Root.Members) != MaxEntries {
		t.Fatalf("%d members, findings:\n%s", len(res.Root.Members), showFindings(res))
	}
	if m := res.Root.Members[1000]; m.Key != "k1_0" || fileIndex(res, m.Value) != 2 || fileIndex(res, res.Root) != 1 {
		t.Errorf("member 1000 = %s from file %d, root from file %d", m.Key, fileIndex(res, m.Value), fileIndex(res, res.Root))
	}
	checkLocations(t, res)
}

func TestIncludeParseError(t *testing.T) {
	inc := "// broken\n{ enabled: \n"
	ffs := &fakeFS{files: map[string]string{"/cfg/inc/broken.json5": inc}}
	main := parseDoc(t, mainPath, `{ channels: { imessage: { $include: "./inc/broken.json5" } } }`)
	res := Resolve(main, Options{ReadFile: ffs.read})
	if res.Root != nil || len(res.Findings) != 1 {
		t.Fatalf("Root %v, findings:\n%s", res.Root, showFindings(res))
	}
	f := res.Findings[0]
	_, perr := json5.Parse([]byte(inc), json5.Options{})
	se := perr.(*json5.Error)
	if fileNamed(res, f.File) != 1 || res.Files[1].File.Name != "/cfg/inc/broken.json5" || string(res.Files[1].File.Text) != inc || res.Files[1].Root != nil {
		t.Fatalf("finding in file %s; files %+v", f.File, res.Files)
	}
	if f.Offset != se.Offset || f.Path != "channels.imessage.$include" || f.Code != "include" ||
		!strings.Contains(f.Message, `"./inc/broken.json5" is not valid JSON5: `+se.Msg) {
		t.Errorf("finding %+v, want offset %d message %q", f, se.Offset, se.Msg)
	}
}

// FileOf names the file of every node from an included file; merged nodes
// get the file of their first member; Files lists each include once.
func TestFileOf(t *testing.T) {
	ffs := &fakeFS{files: map[string]string{
		"/cfg/a.json5": `{ x: { p: [1] }, s: "a" }`,
		"/cfg/b.json5": `{ y: 1 }`,
	}}
	main := parseDoc(t, "/cfg/main.json5", `{ m: { $include: "./a.json5", x: { p: [2], q: 2 } }, n: { $include: "./a.json5" }, o: [{ $include: "./b.json5" }] }`)
	res := Resolve(main, Options{ReadFile: ffs.read})
	if len(res.Findings) != 0 {
		t.Fatal(showFindings(res))
	}
	if len(res.Files) != 3 || res.Files[1].File.Name != "/cfg/a.json5" || res.Files[2].File.Name != "/cfg/b.json5" || ffs.reads["/cfg/a.json5"] != 1 {
		t.Fatalf("files %+v reads %v", res.Files, ffs.reads)
	}
	m := res.Root.Lookup("m")
	if fileIndex(res, m) != 1 || fileIndex(res, m.Lookup("s")) != 1 || fileIndex(res, m.Lookup("x")) != 1 {
		t.Errorf("merged m: files %d %d %d", fileIndex(res, m), fileIndex(res, m.Lookup("s")), fileIndex(res, m.Lookup("x")))
	}
	p := m.Lookup("x").Lookup("p")
	if fileIndex(res, p) != 1 || fileIndex(res, p.Elems[0]) != 1 || fileIndex(res, p.Elems[1]) != 0 {
		t.Errorf("concatenated array: files %d [%d %d]", fileIndex(res, p), fileIndex(res, p.Elems[0]), fileIndex(res, p.Elems[1]))
	}
	if q := m.Lookup("x").Lookup("q"); fileIndex(res, q) != 0 || string(main.File.Text[q.Start:q.End]) != "2" {
		t.Errorf("q from main: file %d", fileIndex(res, q))
	}
	n := res.Root.Lookup("n")
	if n != res.Files[1].Root {
		t.Errorf("an include without siblings or nested includes should reuse the parsed tree")
	}
	if o := res.Root.Lookup("o"); fileIndex(res, o) != 0 || fileIndex(res, o.Elems[0]) != 2 {
		t.Errorf("o: files %d %d", fileIndex(res, o), fileIndex(res, o.Elems[0]))
	}
	checkLocations(t, res)
}

// Substituted strings are new nodes at the original literal.
func TestSubstitutedNode(t *testing.T) {
	main := parseDoc(t, mainPath, `{ keep: { x: 1 }, a: ["${V}", "plain"] }`)
	res := Resolve(main, Options{Env: envOf(map[string]string{"V": "val"})})
	old := main.Root.Lookup("a").Elems[0]
	got := res.Root.Lookup("a").Elems[0]
	if got == old || got.Str != "val" || got.Start != old.Start || got.End != old.End || old.Str != "${V}" {
		t.Errorf("got %+v, old %+v", got, old)
	}
	if res.Root.Lookup("keep") != main.Root.Lookup("keep") || res.Root.Lookup("a").Elems[1] != main.Root.Lookup("a").Elems[1] {
		t.Errorf("unchanged nodes should be reused")
	}
}

// Relative main names give included files names relative the same way;
// "<stdin>" resolves against the working directory.
func TestNames(t *testing.T) {
	var asked string
	read := func(p string) ([]byte, error) { asked = p; return []byte(`{}`), nil }
	res := Resolve(parseDoc(t, "conf/main.json5", `{ $include: "./inc/a.json5" }`), Options{ReadFile: read})
	if len(res.Findings) != 0 || res.Files[1].File.Name != "conf/inc/a.json5" || !strings.HasSuffix(asked, "/conf/inc/a.json5") {
		t.Errorf("files %+v, read %s, findings %s", res.Files, asked, showFindings(res))
	}
	res = Resolve(parseDoc(t, "<stdin>", `{ $include: "x.json5" }`), Options{ReadFile: read})
	if len(res.Findings) != 0 || res.Files[1].File.Name != "x.json5" {
		t.Errorf("files %+v, findings %s", res.Files, showFindings(res))
	}
}

func TestOwnEntriesOrder(t *testing.T) {
	n := parseDoc(t, "x", `{ b: 1, "2": 1, a: 1, "10": 1, b: 2, "01": 1, __proto__: 1 }`).Root
	var keys []string
	for _, i := range n.OwnKeys(true) {
		keys = append(keys, fmt.Sprintf("%s=%v", n.Members[i].Key, n.Members[i].Value.Num))
	}
	if got, want := strings.Join(keys, " "), "2=1 10=1 b=2 a=1 01=1"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

const noopConfig = `{
  // a typical config: nothing to include, nothing to substitute
  channels: {
    imessage: {
      enabled: true,
      cliPath: "/usr/local/bin/imsg",
      dbPath: "/Users/me/Library/Messages/chat.db",
      dmPolicy: "allowlist",
      allowFrom: ["+15551234567", "friend@example.com", "$5 off"],
      groupPolicy: "allowlist",
      accounts: { work: { enabled: false, remoteHost: "me@mac-mini.local" } },
      markdown: { tables: "bullets" },
    },
  },
  env: { vars: { A: "x" } },
}`

func TestNoop(t *testing.T) {
	main := parseDoc(t, mainPath, noopConfig)
	opt := Options{ReadFile: func(string) ([]byte, error) { t.Fatal("read"); return nil, nil }, Env: envOf(map[string]string{})}
	res := Resolve(main, opt)
	if res.Root != main.Root || len(res.Findings) != 0 || len(res.Files) != 1 || res.Files[0].File.Name != mainPath {
		t.Fatalf("no-op result %+v", res)
	}
	if a := testing.AllocsPerRun(100, func() { Resolve(main, opt) }); a > 1 {
		t.Errorf("no-op Resolve allocates %v times, want 1", a)
	}
}

func BenchmarkResolveNoop(b *testing.B) {
	main := parseDoc(b, mainPath, noopConfig)
	opt := Options{Env: envOf(map[string]string{})}
	b.ReportAllocs()
	for b.Loop() {
		Resolve(main, opt)
	}
}

// With a nil ReadFile the real file system is read with the guards of
// readConfigIncludeFileWithGuards and IncludeProcessor.resolvePath (checked
// against OpenClaw 2026.3.24: a symlink out of the directory, a hard link).
func TestRealFS(t *testing.T) {
	dir := t.TempDir()
	cfg := dir + "/cfg"
	write := func(name, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dir+"/outside.json5", `{ where: "outside" }`)
	write(cfg+"/in.json5", `{ where: "in" }`)
	write(cfg+"/single.json5", `{ where: "single" }`)
	if err := os.Symlink("../outside.json5", cfg+"/out-link.json5"); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := os.Symlink("single.json5", cfg+"/in-link.json5"); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(cfg+"/in.json5", cfg+"/hard.json5"); err != nil {
		t.Skip("no hard links:", err)
	}
	for _, c := range []struct{ include, want, msg string }{
		{"./in-link.json5", `{"x":{"where":"single"}}`, ""},
		{"./out-link.json5", "", "leads out of the config directory " + cfg + " through a symlink"},
		{"./hard.json5", "", "has more than one hard link"},
		{".", "", "is a directory"},
		{"./none.json5", "", "not found"},
	} {
		src := `{ x: { $include: "` + c.include + `" } }`
		res := Resolve(parseDoc(t, cfg+"/main.json5", src), Options{})
		switch {
		case c.want != "":
			if res.Root == nil || mustJSON(res.Root.Value()) != c.want {
				t.Errorf("%s: findings\n%s", c.include, showFindings(res))
			}
		case res.Root != nil || len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, c.msg):
			t.Errorf("%s: want %q, findings\n%s", c.include, c.msg, showFindings(res))
		}
	}

	// "<stdin>" resolves against the working directory.
	t.Chdir(cfg)
	res := Resolve(parseDoc(t, "<stdin>", `{ $include: "./single.json5" }`), Options{})
	if len(res.Findings) != 0 || mustJSON(res.Root.Value()) != `{"where":"single"}` || res.Files[1].File.Name != "single.json5" {
		t.Errorf("stdin: files %+v findings\n%s", res.Files, showFindings(res))
	}
}
