// Package migrate rewrites a config that OpenClaw 2026.3.24 accepts into
// one that 2026.9.6 accepts with the same behaviour, editing the JSON5
// text in place: only the changed members change, and comments, key
// order, quoting, indentation and blank lines survive.
//
// Each rule follows 2026.9.6's own doctor (openclaw doctor --fix), read
// from its code: the iMessage plugin's doctor contract
// (defineChannelAliasMigration: chunkMode, blockStreaming and
// blockStreamingCoalesce into streaming), migrateHeartbeatVisibility,
// the legacy roster (agents.list into agents.entries), the env and
// bindings rules of migrateLegacyConfig and stampConfigWriteMetadata for
// meta. What 2026.9.6 changed without a doctor rule, the defaults that
// 2026.3.24 wrote into every account, is made explicit. Where no
// equivalent exists the change is refused, with the reason.
package migrate

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

// Change is one edit and why it keeps the behaviour.
type Change struct {
	Path   string `json:"path"`         // the key as the input writes it
	To     string `json:"to,omitempty"` // where it goes; "" when removed
	Kind   string `json:"kind"`         // move, rename, remove, add, set, keep (kept as written, with a caveat)
	Line   int    `json:"line"`         // of Path in the input (of the object, for add)
	Column int    `json:"column"`
	Reason string `json:"reason"`
}

// Refusal is a key migrate cannot carry to the target release.
type Refusal struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Offset  int    `json:"offset"` // byte offsets of the key or value refused
	End     int    `json:"endOffset"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// Result is the outcome of migrating one file.
type Result struct {
	Name string `json:"file"`
	From string `json:"from"` // the release the input was judged by
	To   string `json:"to"`
	// Output is the migrated text; nil when nothing is written (refused,
	// invalid, or already at the target).
	Output   []byte    `json:"-"`
	Changes  []Change  `json:"changes"`
	Refusals []Refusal `json:"refusals"`
	// Already says the input is stamped for the target release already.
	Already bool `json:"already,omitempty"`
	// Vet is the input's vet result; its errors make the input invalid.
	Vet *compiler.Result `json:"-"`
	// Differences are what still differs in who can reach the agent,
	// between the input's plan as its release and the output's as the
	// target: what 2026.9.6 itself does differently, which no config can
	// undo (handle normalisation, for one). Empty for most configs.
	Differences []report.Change `json:"differences"`
}

// Invalid reports whether the input has errors under its own release.
// A file already at the target is not judged here: vet judges it.
func (r *Result) Invalid() bool { return !r.Already && r.Vet != nil && !r.Vet.OK() }

// Targets are the releases migrate writes.
var Targets = []string{release.Current}

// ErrTarget is returned for a target release migrate cannot write.
var ErrTarget = errors.New("unsupported target")

// To migrates src (the config file name) to release to. opt is passed to
// the vet of the input; opt.OpenClaw, when set, names the input's release
// (else its meta.lastTouchedVersion decides, as for vet). The error is
// for an unusable request (target) or a bug (an output that does not
// parse); the config's problems are in the Result.
func To(name string, src []byte, to string, opt compiler.Options) (*Result, error) {
	if to != release.Current {
		return nil, fmt.Errorf("%w %q: migrate writes %s", ErrTarget, to, release.Current)
	}
	vr := compiler.Vet(name, src, opt)
	res := &Result{Name: name, From: vr.Release.Release, To: to, Vet: vr, Changes: []Change{}, Refusals: []Refusal{}, Differences: []report.Change{}}
	if vr.Release.Release == to {
		res.Already = true
		return res, nil
	}
	if !vr.OK() {
		return res, nil
	}
	root, err := json5.Parse(src, json5.Options{})
	if err != nil {
		return nil, fmt.Errorf("the input vetted clean but does not parse: %v", err)
	}
	m := &migration{src: src, file: vr.Source, rw: newRewriter(src), res: res, to: to}
	from := opt
	from.OpenClaw = vr.Release.Release
	if old, err := compiler.Compile(name, src, from); err == nil && old.Plan != nil {
		m.old = old.Plan
	}
	m.run(root)
	if len(res.Refusals) > 0 {
		sort.SliceStable(res.Refusals, func(i, j int) bool { return res.Refusals[i].Offset < res.Refusals[j].Offset })
		return res, nil
	}
	out := []byte(m.rw.render(root, style{step: "  ", pad: " "}))
	out = append(append([]byte{}, src[:root.Start]...), append(out, src[root.End:]...)...)
	if _, err := json5.Parse(out, json5.Options{}); err != nil {
		return nil, fmt.Errorf("the migrated text does not parse (%v)", err)
	}
	// The output must pass as the target; a rule openclawcfg lacks is a
	// refusal, never a file the gateway rejects.
	target := opt
	target.OpenClaw = to
	ov, err := compiler.Compile(name, out, target)
	if err != nil {
		return nil, fmt.Errorf("the migrated config does not seal: %v", err)
	}
	if !ov.OK() {
		fix := "fix it by hand (openclawcfg vet --openclaw " + to + " shows it), or run openclaw doctor --fix on the gateway"
		if len(m.incl) > 0 {
			fix = "migrate rewrites this file only, not the files it includes: migrate or fix them by hand (openclawcfg vet --openclaw " + to + " shows what fails), or run openclaw doctor --fix on the gateway"
		}
		for _, d := range ov.Diagnostics {
			if d.Severity != diag.Error {
				continue
			}
			at, what := keyOffset(root, d.Path), "the migrated file"
			if len(m.incl) > 0 && d.File != "" && d.File != name {
				// The key is in an included file: point at the $include.
				at, what = m.incl[0].off, "the included file "+d.File
			}
			m.refuse(at, d.Path, what+" would still fail as OpenClaw "+to+": "+d.Message, fix)
		}
		return res, nil
	}
	diffs := differences(m.old, ov.Plan)
	// A difference in a config with includes may come from an included
	// file, which is not rewritten: it is no proof that no config can
	// avoid it.
	if len(diffs) > 0 && len(m.incl) > 0 {
		for _, in := range m.incl {
			d := diffs[0]
			m.refuse(in.off, in.path,
				fmt.Sprintf("with the included files as they are, OpenClaw %s would read account %q differently (%s: %s -> %s), and migrate rewrites this file only", to, d.Account, d.What, d.Old, d.New),
				"inline the included files (or migrate them by hand), then migrate again")
		}
		sort.SliceStable(res.Refusals, func(i, j int) bool { return res.Refusals[i].Offset < res.Refusals[j].Offset })
		return res, nil
	}
	res.Output = out
	res.Differences = diffs
	sort.SliceStable(res.Changes, func(i, j int) bool {
		a, b := res.Changes[i], res.Changes[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return res, nil
}

// differences lists what changed in who can reach the agent, which agent
// answers, and how the channel behaves (chunking, limits, paths, ...),
// from the input's plan (as its release) to the output's (as the target).
func differences(old, cur *plan.Plan) []report.Change {
	if old == nil || cur == nil {
		return []report.Change{}
	}
	d := append(report.PolicyDiff(old, cur), report.BehaviourDiff(old, cur)...)
	if d == nil {
		d = []report.Change{}
	}
	return d
}

// migration is the state of one run of the rules.
type migration struct {
	src  []byte
	file *diag.Source
	rw   *rewriter
	res  *Result
	to   string
	incl []include // the $include keys of the file
	// old is the input's plan as its own release, when it compiles.
	old *plan.Plan
}

// include is a $include key of the file migrated.
type include struct {
	path string
	off  int
}

func (m *migration) pos(off int) (int, int) {
	if m.file == nil {
		return 0, 0
	}
	return m.file.Position(off)
}

func (m *migration) change(off int, c Change) {
	c.Line, c.Column = m.pos(off)
	m.res.Changes = append(m.res.Changes, c)
}

func (m *migration) refuse(off int, path, msg, fix string) {
	l, c := m.pos(off)
	m.res.Refusals = append(m.res.Refusals, Refusal{Path: path, Line: l, Column: c, Offset: off, End: tokenEnd(m.src, off), Message: msg, Fix: fix})
}

// tokenEnd is the end of the key or scalar starting at off.
func tokenEnd(src []byte, off int) int {
	if off >= len(src) {
		return off
	}
	if q := src[off]; q == '"' || q == '\'' {
		for i := off + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case q:
				return i + 1
			case '\n':
				return i
			}
		}
		return len(src)
	}
	i := off
	for i < len(src) && src[i] != ':' && src[i] != ',' && src[i] != '}' && src[i] != ']' && src[i] != ' ' && src[i] != '\n' && src[i] != '\t' {
		i++
	}
	if i == off {
		i++
	}
	return i
}

// keyOffset is where the input writes the key at path (dotted, as
// findings name it), or of its nearest written parent; 0 when none is.
func keyOffset(root *json5.Node, path string) int {
	at, n := 0, root
	for _, seg := range strings.Split(path, ".") {
		if n == nil || n.Kind != json5.Object {
			break
		}
		var next *json5.Node
		for i := range n.Members {
			if n.Members[i].Key == seg {
				at, next = n.Members[i].KeyStart, n.Members[i].Value
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return at
}
