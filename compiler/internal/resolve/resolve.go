// Package resolve applies the two rewrites OpenClaw 2026.3.24 makes to a
// parsed config before it validates it: `$include` resolution and `${VAR}`
// environment substitution.
//
// It ports readConfigFileSnapshot (src/config/io.ts, bundled in
// dist/env-D1ktUnAV.js) from JSON5.parse up to validateConfigObjectWithPlugins:
//
//  1. resolveConfigIncludes (src/config/includes.ts): the IncludeProcessor
//     class, deepMerge and readConfigIncludeFileWithGuards;
//  2. resolveConfigForRead: applyConfigEnvVars (src/config/config-env-vars.ts)
//     copies env.vars and env.<NAME> strings into the environment, then
//     resolveConfigEnvVars (src/config/env-substitution.ts) substitutes
//     ${VAR} in every string value, warning about unset variables.
//
// The JavaScript works on plain objects, where a duplicated key keeps only its
// last value, keys that are array indices come first, and assigning to
// "__proto__" sets the prototype instead of adding a key. This port works on
// json5 trees that keep all of that, so it reproduces those effects: only the
// last of duplicated members is processed, errors surface in JavaScript's key
// order, and "__proto__" members are processed (an $include under one is still
// read) but then treated as the prototype they become (never merged or
// substituted, but seen through when env is looked up).
package resolve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/safefile"
	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// Doc is one parsed file.
type Doc struct {
	File *source.File // its name as messages print it, and its text
	Root *json5.Node  // nil if it did not parse
	// IncludedAt is the $include value that first read the file (zero for
	// the main file): findings in the file name it as a related place.
	IncludedAt source.Span
}

// Result is the outcome of Resolve.
//
// When Findings holds an error, OpenClaw stops before validation and
// reports only that error: Root is then nil.
type Result struct {
	// Root is the merged document as OpenClaw validates it: new nodes
	// where merging happened, original nodes otherwise. Every node's span
	// names its file; a node created by merging has the span of its
	// first member (element) in the file that came from, and members keep
	// the key offsets of the file their value came from.
	Root  *json5.Node
	Files []Doc // Files[0] is the main file; then each included file once
	// Findings are in the order OpenClaw meets them, their File the name
	// of the file they are in.
	Findings []diag.Diagnostic
	// Env lists every value substituted from Options.Env, in document
	// order, so that callers keep them out of what they print.
	Env []EnvUse
	// Subst maps each string that received a value from Options.Env to
	// what it was before substitution.
	Subst map[*json5.Node]*Subst
	// warned counts warnings per file and code, for warn's cap.
	warned map[warnKey]int
}

// EnvUse is one substitution of a value from Options.Env.
type EnvUse struct {
	Name, Value string
	Path        string // dotted config path of the string it went into
}

// Subst describes a string that received values from Options.Env.
type Subst struct {
	Raw string   // as written, with its ${NAME} references
	Env []EnvRef // the variables read from Options.Env, once each
}

// EnvRef names a variable, the length of its value in UTF-16 code units
// (JavaScript's length) for messages that must not show it, and the value
// for the redaction that keeps it out of them.
type EnvRef struct {
	Name  string
	Len   int
	Value string
}

type warnKey struct{ file, code string }

// Options configures Resolve.
//
// ReadFile reads an include (tests pass a fake); Env looks up process
// environment variables (tests pass a map); nil Env means no process
// environment. A nil ReadFile reads the real file system with OpenClaw's
// guards: the include must be a regular file of at most 2 MiB with one hard
// link, and must not leave the config directory through a symlink.
type Options struct {
	ReadFile func(path string) ([]byte, error)
	Env      func(name string) (string, bool)
	// EnvAllowed, when set, says which variables Env may be asked for; a
	// refused one is treated as unset and its warning gives EnvDenied as
	// the reason ("--no-env").
	EnvAllowed func(name string) bool
	EnvDenied  string
}

// Limits. MaxIncludeDepth and MaxIncludeFileBytes are OpenClaw's own
// (IncludeProcessor.checkDepth, readConfigIncludeFileWithGuards). The others
// are ours, as OpenClaw has none: a file including another one twice per
// level would cost it 2^10 reads.
const (
	MaxIncludeDepth      = 10
	MaxIncludeFileBytes  = 2097152
	MaxIncludeTotalBytes = 8 << 20 // bytes of all inclusions (a file included twice counts twice)
	MaxIncludeLoads      = 1000    // inclusions of a file
)

// Limits on what the merge and substitution produce, not only on what was
// read: 22 KB of $include lines can otherwise merge into millions of
// values, and one ${VAR} of 1 MiB referenced 3,000 times into 3 GB.
// OpenClaw has none of these; real configs hold hundreds of values and
// lists of dozens.
const (
	// MaxNodes bounds the values of the merged document: the main file's
	// plus every inclusion's (a file included twice counts twice). The
	// parser stops at it too, so a single file cannot exceed it either.
	MaxNodes = 500_000
	// MaxEntries bounds the items of one list and the keys of one object,
	// in every file and after merging: no allowlist, groups map or
	// accounts map comes near it.
	MaxEntries = 10_000
	// MaxEnvBytes bounds the bytes ${VAR} substitution inserts, over the
	// whole document.
	MaxEnvBytes = 4 << 20
)

// ParseOptions are the json5 limits of every file Resolve reads; the
// caller parses the main file with them too.
var ParseOptions = json5.Options{MaxNodes: MaxNodes, MaxEntries: MaxEntries}

const includeKey = "$include"

// Resolve applies $include and ${VAR} substitution to main (whose Name is a
// file path; includes resolve relative to its directory; for "<stdin>" the
// working directory is used).
func Resolve(main Doc, opt Options) *Result {
	root := main.Root
	if root == nil || (!needsWork(root) && !envCrashCandidate(root)) {
		// Hot path: one allocation for the Result and its one-element Files.
		x := &struct {
			r Result
			f [1]Doc
		}{}
		x.f[0] = main
		x.r.Root = root
		x.r.Files = x.f[:]
		return &x.r
	}
	r := &resolver{opt: opt, res: &Result{Files: []Doc{main}}}
	if hasInclude(root) {
		r.nodes = countNodes(root)
		p := r.mainProc(main.File)
		root = r.process(p, root)
		if r.failed {
			r.res.Root = nil
			return r.res
		}
	}
	root = r.envStage(root)
	if r.failed {
		root = nil
	}
	r.res.Root = root
	return r.res
}

// needsWork reports whether any object has an $include key or any string
// holds "${" (every substitution and every $${ escape needs one).
func needsWork(n *json5.Node) bool { return scan(n, true, true) }

func hasInclude(n *json5.Node) bool { return scan(n, true, false) }

// hasEnvSyntax reports whether any string value holds "${".
func hasEnvSyntax(n *json5.Node) bool { return scan(n, false, true) }

// scan walks n once, looking for $include keys (include) and for "${" in
// string values (env).
func scan(n *json5.Node, include, env bool) bool {
	switch n.Kind {
	case json5.String:
		return env && strings.Contains(n.Str, "${")
	case json5.Object:
		for i := range n.Members {
			m := &n.Members[i]
			if include && m.Key == includeKey || scan(m.Value, include, env) {
				return true
			}
		}
	case json5.Array:
		for _, e := range n.Elems {
			if scan(e, include, env) {
				return true
			}
		}
	}
	return false
}

type resolver struct {
	opt     Options
	res     *Result
	failed  bool
	path    []string // config path of the node being processed
	rootDir string   // IncludeProcessor.rootDir: the main file's directory
	realDir string   // its realpath (real file system only)
	nameDir string   // directory part of the main file's Name, for included files' names
	total   int      // bytes of all include loads so far
	loads   int      // include loads so far
	nodes   int      // values of the main file and of every include load so far
	// overflow is set by merge when a merged list or object would pass
	// MaxEntries; the caller turns it into an error at the $include.
	overflow  string
	mergePath []string
	owned     map[*json5.Node]*owned
	cache     map[string]*loaded
}

type loaded struct {
	doc   int         // index in Result.Files
	root  *json5.Node // nil if it did not parse
	nodes int         // values in root
}

// proc is one IncludeProcessor: the file being processed, its ancestors
// (visited) and its depth.
type proc struct {
	file    *source.File
	dir     string   // directory relative includes resolve against
	visited []string // normalized paths, main file first
	depth   int
}

func (r *resolver) mainProc(f *source.File) *proc {
	name := f.Name
	p := &proc{file: f}
	if name == "<stdin>" || name == "" {
		wd, err := os.Getwd()
		if err != nil {
			wd = "/"
		}
		p.dir = wd
	} else {
		abs := name
		if a, err := filepath.Abs(name); err == nil {
			abs = a
		}
		p.dir = filepath.Dir(abs)
		p.visited = []string{filepath.Clean(abs)}
		r.nameDir = filepath.Dir(name)
	}
	r.rootDir = p.dir
	r.realDir = p.dir
	if r.opt.ReadFile == nil {
		if real, err := filepath.EvalSymlinks(p.dir); err == nil {
			r.realDir = real
		}
	}
	return p
}

func (r *resolver) push(seg string) { r.path = append(r.path, seg) }
func (r *resolver) pop()            { r.path = r.path[:len(r.path)-1] }
func (r *resolver) pathString() string {
	return strings.Join(r.path, ".")
}

// at is a finding about n at the current path.
func (r *resolver) at(n *json5.Node, code, msg, fix string) diag.Diagnostic {
	return diag.Diagnostic{File: fileName(n.File), Offset: n.Start, End: n.End, Path: r.pathString(), Code: code, Message: msg, Fix: fix}
}

func fileName(f *source.File) string {
	if f == nil {
		return ""
	}
	return f.Name
}

// warn records a warning, keeping at most diag.MaxPerKind per file and
// code: the rest only count, on one entry (More) after them, so that a
// million unset ${VAR}s cost a counter, not a million messages.
func (r *resolver) warn(f diag.Diagnostic) {
	f.Severity = diag.Warning
	k := warnKey{f.File, f.Code}
	if r.res.warned == nil {
		r.res.warned = make(map[warnKey]int)
	}
	r.res.warned[k]++
	switch n := r.res.warned[k]; {
	case n <= diag.MaxPerKind:
		r.res.Findings = append(r.res.Findings, f)
	case n == diag.MaxPerKind+1:
		f.More = 1
		r.res.Findings = append(r.res.Findings, f)
	default:
		for i := len(r.res.Findings) - 1; i >= 0; i-- {
			if g := &r.res.Findings[i]; g.More > 0 && g.File == f.File && g.Code == f.Code {
				g.More++
				break
			}
		}
	}
}

// saturated reports whether warnings of code about n's file have reached
// the cap, and then counts one more for n without building its message.
func (r *resolver) saturated(n *json5.Node, code string) bool {
	if r.res.warned[warnKey{fileName(n.File), code}] < diag.MaxPerKind {
		return false
	}
	r.warn(r.at(n, code, "", ""))
	return true
}

// fail records the one error that makes OpenClaw give up on the file.
func (r *resolver) fail(f diag.Diagnostic) {
	r.res.Findings = append(r.res.Findings, f)
	r.failed = true
}

func (r *resolver) includeError(p *proc, at *json5.Node, msg, fix string) {
	d := r.at(at, diag.CodeInclude, msg, fix)
	d.File = p.file.Name
	r.fail(d)
}

// process is IncludeProcessor.process: arrays element by element, objects
// key by key, and objects with an own $include key through processInclude.
// It returns n itself when nothing below it changed.
func (r *resolver) process(p *proc, n *json5.Node) *json5.Node {
	switch n.Kind {
	case json5.Array:
		var out []*json5.Node
		for i, e := range n.Elems {
			r.push(strconv.Itoa(i))
			ne := r.process(p, e)
			r.pop()
			if r.failed {
				return nil
			}
			if ne != e && out == nil {
				out = make([]*json5.Node, i, len(n.Elems))
				copy(out, n.Elems[:i])
			}
			if out != nil {
				out = append(out, ne)
			}
		}
		if out == nil {
			return n
		}
		nn := &json5.Node{Kind: json5.Array, Start: n.Start, End: n.End, Elems: out}
		nn.File = p.file
		return nn
	case json5.Object:
		entries := n.OwnKeys(false)
		for _, i := range entries {
			if n.Members[i].Key == includeKey {
				return r.processInclude(p, n, entries, i)
			}
		}
		return r.processObject(p, n, entries)
	}
	return n
}

// processObject is IncludeProcessor.processObject. Members that lose to a
// later duplicate are kept unprocessed (JSON5.parse dropped them; the checker
// reports them).
func (r *resolver) processObject(p *proc, n *json5.Node, entries []int) *json5.Node {
	var out []json5.Member
	for _, i := range entries {
		m := &n.Members[i]
		r.push(m.Key)
		nv := r.process(p, m.Value)
		r.pop()
		if r.failed {
			return nil
		}
		if nv != m.Value {
			if out == nil {
				out = append([]json5.Member(nil), n.Members...)
			}
			out[i].Value = nv
		}
	}
	if out == nil {
		return n
	}
	nn := &json5.Node{Kind: json5.Object, Start: n.Start, End: n.End, Members: out}
	nn.File = p.file
	return nn
}

// processInclude is IncludeProcessor.processInclude: the included content
// alone, or deepMerge(included, siblings) so that siblings win.
func (r *resolver) processInclude(p *proc, n *json5.Node, entries []int, inc int) *json5.Node {
	incVal := n.Members[inc].Value
	base := len(r.path)
	r.push(includeKey)
	included := r.resolveInclude(p, incVal, base)
	r.pop()
	if r.failed {
		return nil
	}
	if len(entries) == 1 {
		return included
	}
	if included.Kind != json5.Object {
		r.push(includeKey)
		r.includeError(p, incVal,
			fmt.Sprintf("$include has sibling keys, so the included content must be an object, but it is %s", article(included)),
			"include a file that holds an object, or move the sibling keys into the included file")
		r.pop()
		return nil
	}
	rest := &json5.Node{Kind: json5.Object, Start: n.Start, End: n.End, Members: make([]json5.Member, 0, len(entries)-1)}
	rest.File = p.file
	for _, i := range entries {
		if i == inc {
			continue
		}
		m := n.Members[i]
		r.push(m.Key)
		m.Value = r.process(p, m.Value)
		r.pop()
		if r.failed {
			return nil
		}
		rest.Members = append(rest.Members, m)
	}
	return r.mergeAt(p, incVal, included, rest)
}

// resolveInclude is IncludeProcessor.resolveInclude: a path, or an array of
// paths merged left to right into {} (later files win). base is the length
// of r.path at the object holding $include, where the included content lands.
func (r *resolver) resolveInclude(p *proc, v *json5.Node, base int) *json5.Node {
	switch v.Kind {
	case json5.String:
		return r.loadFile(p, v, base)
	case json5.Array:
		var acc *json5.Node
		for i, item := range v.Elems {
			if item.Kind != json5.String {
				r.push(strconv.Itoa(i))
				r.includeError(p, item,
					fmt.Sprintf("$include array item %d must be a path string, got %s", i, item.Typeof()),
					"list only path strings in $include")
				r.pop()
				return nil
			}
			r.push(strconv.Itoa(i))
			l := r.loadFile(p, item, base)
			r.pop()
			if r.failed {
				return nil
			}
			if acc == nil {
				acc = r.mergeIntoEmpty(l)
			} else {
				acc = r.merge(acc, l)
			}
			if r.overflow != "" {
				r.push(strconv.Itoa(i))
				r.limitError(p, item)
				r.pop()
				return nil
			}
		}
		if acc == nil {
			acc = &json5.Node{Kind: json5.Object, Start: v.Start, End: v.End}
			acc.File = p.file
		}
		return acc
	}
	r.includeError(p, v,
		fmt.Sprintf("$include must be a path string or an array of path strings, got %s", v.Typeof()),
		`write $include: "./file.json5" or $include: ["./a.json5", "./b.json5"]`)
	return nil
}

// loadFile is IncludeProcessor.loadFile: resolvePath (directory and symlink
// escape), checkCircular, checkDepth, readFile (readConfigIncludeFileWithGuards),
// parseFile, processNested.
func (r *resolver) loadFile(p *proc, at *json5.Node, base int) *json5.Node {
	includePath := at.Str
	// path.isAbsolute(p) ? p : path.resolve(configDir, p), then path.normalize.
	var clean, normalized string
	if filepath.IsAbs(includePath) {
		clean = filepath.Clean(includePath)
		normalized = clean
		if strings.HasSuffix(includePath, "/") && clean != "/" {
			normalized += "/" // path.normalize keeps a trailing slash
		}
	} else {
		clean = filepath.Join(p.dir, includePath)
		normalized = clean
	}
	if !isPathInside(r.rootDir, clean) {
		r.includeError(p, at,
			fmt.Sprintf("$include path %q escapes the config directory %s (resolved to %s)", includePath, r.rootDir, normalized),
			"OpenClaw only includes files inside the directory of the main config file; move the file there")
		return nil
	}
	if r.opt.ReadFile == nil {
		if real, err := filepath.EvalSymlinks(clean); err == nil && !isPathInside(r.realDir, real) {
			r.includeError(p, at,
				fmt.Sprintf("$include path %q leads out of the config directory %s through a symlink (to %s)", includePath, r.rootDir, real),
				"OpenClaw only includes files inside the directory of the main config file; copy the file there")
			return nil
		}
	}
	for _, v := range p.visited {
		if v == normalized {
			chain := append(append([]string(nil), p.visited...), normalized)
			r.includeError(p, at,
				fmt.Sprintf("circular $include: %s", strings.Join(chain, " -> ")),
				"remove the $include that leads back to a file already being included")
			return nil
		}
	}
	if p.depth >= MaxIncludeDepth {
		r.includeError(p, at,
			fmt.Sprintf("$include of %q is nested more than %d levels deep", includePath, MaxIncludeDepth),
			fmt.Sprintf("OpenClaw follows at most %d levels of nested includes; flatten them", MaxIncludeDepth))
		return nil
	}
	l := r.cache[clean]
	if l == nil {
		src, err := r.read(clean)
		if err != nil {
			switch {
			case errors.As(err, new(*securityError)) || errors.Is(err, syscall.EISDIR):
				why := "is a directory"
				var se *securityError
				if errors.As(err, &se) {
					why = se.why
				}
				r.includeError(p, at,
					fmt.Sprintf("$include file %q %s (resolved to %s); OpenClaw only includes regular files of at most 2 MiB with one hard link", includePath, why, normalized),
					"OpenClaw refuses such files (\"Include file failed security checks\"): include a plain file of at most 2 MiB")
			case errors.Is(err, fs.ErrNotExist):
				r.includeError(p, at,
					fmt.Sprintf("$include file %q not found (resolved to %s)", includePath, normalized),
					fmt.Sprintf("create the file or correct the path; relative paths resolve against %s", p.dir))
			default:
				r.includeError(p, at,
					fmt.Sprintf("cannot read $include file %q (resolved to %s): %s", includePath, normalized, safefile.Reason(err)),
					"")
			}
			return nil
		}
		if len(src) > MaxIncludeFileBytes {
			r.includeError(p, at,
				fmt.Sprintf("$include file %q is larger than %d bytes (resolved to %s)", includePath, MaxIncludeFileBytes, normalized),
				"OpenClaw refuses such files (\"Include file failed security checks\"); split it")
			return nil
		}
		l = &loaded{doc: len(r.res.Files)}
		doc := Doc{File: source.NewFile(r.includedName(clean), src), IncludedAt: at.Span()}
		root, perr := json5.ParseFile(doc.File, ParseOptions)
		if r.cache == nil {
			r.cache = make(map[string]*loaded)
		}
		r.cache[clean] = l
		if perr != nil {
			r.res.Files = append(r.res.Files, doc)
			var se *json5.Error
			if !errors.As(perr, &se) {
				se = &json5.Error{Msg: perr.Error()}
			}
			if se.Limit {
				r.fail(diag.Diagnostic{
					File: doc.File.Name, Offset: se.Offset, End: se.Offset, Path: r.pathString(), Code: diag.CodeLimit,
					Message: fmt.Sprintf("$include file %q holds %s, past openclawcfg's limit", includePath, se.Msg),
					Fix:     limitFix,
				})
				return nil
			}
			d := diag.Diagnostic{
				File: doc.File.Name, Offset: se.Offset, End: se.Offset, Path: r.pathString(), Code: diag.CodeInclude,
				Message: fmt.Sprintf("$include file %q is not valid JSON5: %s", includePath, se.Msg),
				Fix:     "fix the syntax error; OpenClaw rejects the whole config (\"Failed to parse include file\")",
			}
			if se.HasOpened && strings.HasPrefix(se.Msg, "unterminated") {
				d.Related = append(d.Related, diag.RelatedAt(source.Span{File: doc.File, Start: se.Opened, End: se.Opened + 1}, "it starts here"))
			}
			r.fail(d)
			return nil
		}
		doc.Root = root
		l.root = root
		l.nodes = countNodes(root)
		r.res.Files = append(r.res.Files, doc)
	}
	r.total += len(r.res.Files[l.doc].File.Text)
	r.loads++
	if r.loads > MaxIncludeLoads {
		r.includeError(p, at,
			fmt.Sprintf("more than %d $include files are read (each inclusion counts)", MaxIncludeLoads),
			"include fewer files")
		return nil
	}
	if r.nodes += l.nodes; r.nodes > MaxNodes {
		r.fail(diag.Diagnostic{
			File: p.file.Name, Offset: at.Start, End: at.End, Path: r.pathString(), Code: diag.CodeLimit,
			Message: fmt.Sprintf("$include of %q brings the merged config past openclawcfg's limit of %d values (each inclusion counts; this is inclusion %d)", includePath, MaxNodes, r.loads),
			Fix:     limitFix,
		})
		return nil
	}
	if r.total > MaxIncludeTotalBytes {
		r.includeError(p, at,
			fmt.Sprintf("$include files add up to more than %d bytes (each inclusion counts)", MaxIncludeTotalBytes),
			"include fewer or smaller files")
		return nil
	}
	nested := &proc{
		file:    r.res.Files[l.doc].File,
		dir:     filepath.Dir(clean),
		visited: append(append(make([]string, 0, len(p.visited)+1), p.visited...), normalized),
		depth:   p.depth + 1,
	}
	saved := r.path
	r.path = append(make([]string, 0, base+8), saved[:base]...)
	out := r.process(nested, l.root)
	r.path = saved
	return out
}

// securityError is a failed readConfigIncludeFileWithGuards check; why
// says which one.
type securityError struct{ why string }

func (e *securityError) Error() string { return e.why }

func securityCheck(st os.FileInfo) error {
	switch {
	case st.IsDir():
		return &securityError{"is a directory"}
	case !st.Mode().IsRegular():
		return &securityError{"is not a regular file"}
	case st.Size() > MaxIncludeFileBytes:
		return &securityError{fmt.Sprintf("is larger than %d MiB (%d bytes)", MaxIncludeFileBytes>>20, st.Size())}
	case hardLinks(st) > 1:
		return &securityError{"has more than one hard link"}
	}
	return nil
}

func (r *resolver) read(path string) ([]byte, error) {
	if r.opt.ReadFile != nil {
		return r.opt.ReadFile(path)
	}
	return guardedRead(path)
}

// guardedRead is readConfigIncludeFileWithGuards on the real file system.
func guardedRead(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := securityCheck(st); err != nil {
		return nil, err
	}
	// Non-blocking: a FIFO swapped in after the check cannot hang the
	// open; the descriptor is checked again below.
	f, err := safefile.OpenNonBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st2, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(st, st2) {
		return nil, &securityError{"changed while it was being read"}
	}
	if err := securityCheck(st2); err != nil {
		return nil, err
	}
	buf := make([]byte, MaxIncludeFileBytes+1)
	n := 0
	for n < len(buf) {
		k, err := f.Read(buf[n:])
		n += k
		if err != nil {
			break
		}
	}
	if n > MaxIncludeFileBytes {
		return nil, &securityError{fmt.Sprintf("is larger than %d MiB", MaxIncludeFileBytes>>20)}
	}
	return buf[:n:n], nil
}

// includedName names an included file the way the main file was named:
// relative to the main file's Name when that was relative (or relative to
// the working directory for "<stdin>"), absolute otherwise.
func (r *resolver) includedName(clean string) string {
	if filepath.IsAbs(r.nameDir) {
		return clean
	}
	rel, err := filepath.Rel(r.rootDir, clean)
	if err != nil {
		return clean
	}
	return filepath.Join(r.nameDir, rel)
}

// isPathInside is src/security/scan-paths.ts isPathInside on clean absolute
// paths: the directory itself counts as inside.
func isPathInside(base, candidate string) bool {
	rel, err := filepath.Rel(base, candidate)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel))
}

// Blocked keys of src/infra/prototype-keys.ts: deepMerge skips them in the
// source object.
func isBlockedObjectKey(k string) bool {
	return k == "__proto__" || k == "prototype" || k == "constructor"
}

// mergeIntoEmpty is deepMerge({}, src), the first step of an array include:
// an object is copied without its blocked keys, anything else replaces {}.
func (r *resolver) mergeIntoEmpty(src *json5.Node) *json5.Node {
	if src.Kind != json5.Object {
		return src
	}
	t := r.newOwned(&json5.Node{Kind: json5.Object, File: src.File, Start: src.Start, End: src.End})
	return r.merge(t, src)
}

// owned holds what merge knows about a node it created. Such a node has one
// parent and unique keys without "__proto__", and whatever it is merged into
// is dropped afterwards (deepMerge's target is never used again), so merge
// extends it in place: merging n files into one object costs time linear in
// their size, not quadratic as deepMerge's copies are.
type owned struct {
	pos map[string]int // member index by key, once the object is large
}

func (r *resolver) newOwned(n *json5.Node) *json5.Node {
	if r.owned == nil {
		r.owned = make(map[*json5.Node]*owned)
	}
	r.owned[n] = &owned{}
	return n
}

// merge is deepMerge(target, source) from src/config/includes.ts: arrays
// concatenate, objects merge key by key (source wins, its blocked keys are
// skipped), anything else is replaced by source. t is not used afterwards.
func (r *resolver) merge(t, s *json5.Node) *json5.Node {
	switch {
	case t.Kind == json5.Array && s.Kind == json5.Array:
		if r.owned[t] == nil {
			c := &json5.Node{Kind: json5.Array, File: t.File, Start: t.Start, End: t.End, Elems: make([]*json5.Node, len(t.Elems), len(t.Elems)+len(s.Elems))}
			copy(c.Elems, t.Elems)
			t = r.newOwned(c)
		}
		if len(t.Elems) == 0 && len(s.Elems) > 0 {
			t.File, t.Start, t.End = s.File, s.Start, s.End
		}
		if len(t.Elems)+len(s.Elems) > MaxEntries {
			r.overflow = fmt.Sprintf("merging the included lists makes %s a list of more than %d items", r.mergeWhere(), MaxEntries)
			return t
		}
		t.Elems = append(t.Elems, s.Elems...)
		return t
	case t.Kind == json5.Object && s.Kind == json5.Object:
		o := r.owned[t]
		if o == nil {
			// {...target}: own enumerable keys, so no "__proto__".
			te := t.OwnKeys(true)
			c := &json5.Node{Kind: json5.Object, File: t.File, Start: t.Start, End: t.End, Members: make([]json5.Member, 0, len(te)+len(s.Members))}
			for _, i := range te {
				c.Members = append(c.Members, t.Members[i])
			}
			t = r.newOwned(c)
			o = r.owned[t]
		}
		if len(t.Members) == 0 && len(s.Members) > 0 {
			t.File, t.Start, t.End = s.File, s.Start, s.End
		}
		for _, i := range s.OwnKeys(true) {
			sm := s.Members[i]
			if isBlockedObjectKey(sm.Key) {
				continue
			}
			j := o.index(t, sm.Key)
			if j < 0 {
				if len(t.Members) >= MaxEntries {
					r.overflow = fmt.Sprintf("merging the included objects makes %s an object of more than %d keys", r.mergeWhere(), MaxEntries)
					return t
				}
				if o.pos != nil {
					o.pos[sm.Key] = len(t.Members)
				}
				t.Members = append(t.Members, sm)
				continue
			}
			r.mergePath = append(r.mergePath, sm.Key)
			mv := r.merge(t.Members[j].Value, sm.Value)
			r.mergePath = r.mergePath[:len(r.mergePath)-1]
			if r.overflow != "" {
				return t
			}
			if mv == sm.Value {
				t.Members[j] = sm
			} else {
				t.Members[j].Value = mv
			}
		}
		return t
	}
	return s
}

func (o *owned) index(t *json5.Node, key string) int {
	if o.pos == nil {
		if len(t.Members) <= 16 {
			for j := range t.Members {
				if t.Members[j].Key == key {
					return j
				}
			}
			return -1
		}
		o.pos = make(map[string]int, 2*len(t.Members))
		for j := range t.Members {
			o.pos[t.Members[j].Key] = j
		}
	}
	if j, ok := o.pos[key]; ok {
		return j
	}
	return -1
}

// article describes a value's kind for messages: "an array", "a string".
func article(n *json5.Node) string {
	switch n.Kind {
	case json5.Array, json5.Object:
		return "an " + n.Kind.String()
	case json5.Null:
		return "null"
	}
	return "a " + n.Kind.String()
}

// limitFix is the fix of every resource-limit error.
const limitFix = "openclawcfg refuses configs this large (OpenClaw configs hold hundreds of values and lists of dozens): include each file once, and keep lists to the entries you need"

// mergeAt is merge for the content of the $include at `at`, turning an
// overflow into an error there.
func (r *resolver) mergeAt(p *proc, at *json5.Node, t, s *json5.Node) *json5.Node {
	out := r.merge(t, s)
	if r.overflow != "" {
		r.push(includeKey)
		r.limitError(p, at)
		r.pop()
		return nil
	}
	return out
}

func (r *resolver) limitError(p *proc, at *json5.Node) {
	d := r.at(at, diag.CodeLimit, r.overflow+", past openclawcfg's limit", limitFix)
	d.File = p.file.Name
	r.fail(d)
}

// mergeWhere names the merged value being built, relative to the object
// that holds $include.
func (r *resolver) mergeWhere() string {
	if len(r.mergePath) == 0 {
		return "the included content"
	}
	return strings.Join(r.mergePath, ".")
}

// countNodes counts the values of n (n itself included). Shared subtrees
// count once per place they appear, as everything after resolution sees
// them.
func countNodes(n *json5.Node) int {
	c := 1
	for i := range n.Members {
		c += countNodes(n.Members[i].Value)
	}
	for _, e := range n.Elems {
		c += countNodes(e)
	}
	return c
}
