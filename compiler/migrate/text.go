package migrate

import (
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
)

// The rewrite is a render of the parsed tree back to text in which only
// the objects and values a rule touched are rebuilt, and those from their
// own bytes: every member kept is copied with its comments, blank lines,
// quotes and commas, so a diff shows the changed lines and nothing else.

// objOps are the planned changes to one object.
type objOps struct {
	del     map[int]bool   // members removed
	replace map[int]*gen   // members replaced in place (a moved key's new home)
	rename  map[int]string // members whose key is renamed, value kept
	prepend []*gen         // members added before the first one
}

// gen is a member openclawcfg writes: a key and either the text of an
// existing value (moved, with its comments) or an object of gen members.
type gen struct {
	key      string
	raw      *json5.Node // the value moved here, rendered with its own edits
	text     string      // a literal value (when raw is nil and members is nil)
	members  []*gen      // an object value
	comments []string    // leading comment lines, trimmed (moved with the key)
	trailing string      // the comment after the value on its line, trimmed
	from     *slot       // where a moved value was written (for its indentation)
}

// slot is where member i of obj is written.
type slot struct {
	lineStart int  // start of its first leading comment line, or of its key's line
	keyStart  int  // its key
	valEnd    int  // one past its value
	comma     int  // its comma, or -1
	end       int  // one past the newline ending its line (owned), or past the comma
	owned     bool // the member has its lines to itself
	indent    string
	comments  []string // of an array element: the comment lines above it
}

type rewriter struct {
	src  []byte
	objs map[*json5.Node]*objOps
	vals map[*json5.Node]string // values replaced by this text
}

func newRewriter(src []byte) *rewriter {
	return &rewriter{src: src, objs: map[*json5.Node]*objOps{}, vals: map[*json5.Node]string{}}
}

func (r *rewriter) ops(obj *json5.Node) *objOps {
	o := r.objs[obj]
	if o == nil {
		o = &objOps{del: map[int]bool{}, replace: map[int]*gen{}, rename: map[int]string{}}
		r.objs[obj] = o
	}
	return o
}

// lineStart is the offset of the start of the line holding off.
func (r *rewriter) lineStart(off int) int {
	for off > 0 && r.src[off-1] != '\n' {
		off--
	}
	return off
}

// onlySpace reports whether src[a:b] is spaces and tabs.
func (r *rewriter) onlySpace(a, b int) bool {
	for _, c := range r.src[a:b] {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// slotOf finds how member i of obj is laid out.
func (r *rewriter) slotOf(obj *json5.Node, i int) *slot {
	m := &obj.Members[i]
	s := &slot{keyStart: m.KeyStart, valEnd: m.Value.End, comma: -1}
	ls := r.lineStart(m.KeyStart)
	s.owned = ls > obj.Start && r.onlySpace(ls, m.KeyStart)
	s.indent = string(r.src[ls:m.KeyStart])
	// After the value: spaces, block comments, the comma.
	p := s.valEnd
	p = r.skipInline(p)
	if p < len(r.src) && r.src[p] == ',' {
		s.comma = p
		p++
	}
	s.end = p
	if s.owned {
		q := r.skipInline(p)
		if q+1 < len(r.src) && r.src[q] == '/' && r.src[q+1] == '/' {
			for q < len(r.src) && r.src[q] != '\n' {
				q++
			}
		}
		if q < len(r.src) && r.src[q] == '\n' {
			s.end = q + 1
		} else if q < len(r.src) && r.src[q] == '\r' && q+1 < len(r.src) && r.src[q+1] == '\n' {
			s.end = q + 2
		} else {
			s.owned = false // something else follows on the line
		}
	}
	s.lineStart = m.KeyStart
	if s.owned {
		s.lineStart = ls
		// Comment lines directly above belong to the member.
		for ls > obj.Start {
			prev := r.lineStart(ls - 1)
			t := strings.TrimSpace(string(r.src[prev : ls-1]))
			if prev <= obj.Start || !(strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*") && strings.HasSuffix(t, "*/")) {
				break
			}
			ls = prev
		}
		s.lineStart = ls
	}
	return s
}

// skipInline skips spaces, tabs and block comments that end on the line.
func (r *rewriter) skipInline(p int) int {
	for p < len(r.src) {
		switch {
		case r.src[p] == ' ' || r.src[p] == '\t':
			p++
		case p+1 < len(r.src) && r.src[p] == '/' && r.src[p+1] == '*':
			e := strings.Index(string(r.src[p+2:]), "*/")
			if e < 0 || strings.Contains(string(r.src[p:p+2+e]), "\n") {
				return p
			}
			p += e + 4
		default:
			return p
		}
	}
	return p
}

// trailingComment is the // comment ending s's line, if any.
func (r *rewriter) trailingComment(s *slot) string {
	p := s.valEnd
	if s.comma >= 0 {
		p = s.comma + 1
	}
	t := strings.TrimSpace(string(r.src[p:s.end]))
	if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*") {
		return t
	}
	return ""
}

// leadingComments are the comment lines s carries above its key.
func (r *rewriter) leadingComments(s *slot) []string {
	if !s.owned || s.lineStart >= r.lineStart(s.keyStart) {
		return nil
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(r.src[s.lineStart:r.lineStart(s.keyStart)]), "\r\n"), "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// style is how an object writes its members.
type style struct {
	multiline bool
	indent    string // of its members
	step      string // one level of indentation
	comma     bool   // a comma after the last member
	quote     byte   // 0: unquoted keys where possible
	pad       string // inside the braces of a one-line object: " " or ""
	nl        string // "\n" or "\r\n"
}

// styleOf reads obj's style; parent is the style of the enclosing object,
// for what an empty object cannot tell.
func (r *rewriter) styleOf(obj *json5.Node, parent style) style {
	st := parent
	st.multiline, st.pad = false, parent.pad
	if len(obj.Members) == 0 {
		if strings.Contains(string(r.src[obj.Start:obj.End]), "\n") {
			st.multiline = true
			st.indent = string(r.src[r.lineStart(obj.End-1):obj.End-1]) + parent.step
		}
		return st
	}
	first := r.slotOf(obj, 0)
	last := r.slotOf(obj, len(obj.Members)-1)
	st.comma = last.comma >= 0
	if raw := r.src[obj.Members[0].KeyStart]; raw == '"' || raw == '\'' {
		st.quote = raw
	} else {
		st.quote = 0
	}
	st.multiline = first.owned
	if st.multiline {
		st.indent = first.indent
		open := r.lineStart(obj.Start)
		oi := leadingSpace(string(r.src[open:obj.Start]))
		if strings.HasPrefix(st.indent, oi) && len(st.indent) > len(oi) {
			st.step = st.indent[len(oi):]
		}
	} else {
		st.pad = ""
		if obj.Start+1 < len(r.src) && r.src[obj.Start+1] == ' ' {
			st.pad = " "
		}
	}
	if strings.Contains(string(r.src), "\r\n") {
		st.nl = "\r\n"
	}
	return st
}

func leadingSpace(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// key writes name in the object's quoting.
func (st style) key(name string) string {
	switch {
	case st.quote != 0:
		return string(st.quote) + name + string(st.quote)
	case json5.PlainKey(name):
		return name
	default:
		return strconv.Quote(name)
	}
}

// render writes node n with the planned changes.
func (r *rewriter) render(n *json5.Node, st style) string {
	if t, ok := r.vals[n]; ok {
		return t
	}
	switch n.Kind {
	case json5.Object:
		if o := r.objs[n]; o != nil {
			return r.renderObject(n, o, r.styleOf(n, st))
		}
		return r.copyRange(n.Start, n.End, func() []*json5.Node {
			vs := make([]*json5.Node, len(n.Members))
			for i := range n.Members {
				vs[i] = n.Members[i].Value
			}
			return vs
		}(), r.styleOf(n, st))
	case json5.Array:
		return r.copyRange(n.Start, n.End, n.Elems, st)
	}
	return string(r.src[n.Start:n.End])
}

// copyRange copies src[a:b], rendering the children in it.
func (r *rewriter) copyRange(a, b int, kids []*json5.Node, st style) string {
	var sb strings.Builder
	p := a
	for _, k := range kids {
		sb.Write(r.src[p:k.Start])
		sb.WriteString(r.render(k, st))
		p = k.End
	}
	sb.Write(r.src[p:b])
	return sb.String()
}

// renderObject rebuilds obj from its members' own text.
func (r *rewriter) renderObject(obj *json5.Node, o *objOps, st style) string {
	slots := make([]*slot, len(obj.Members))
	allOwned := true
	for i := range obj.Members {
		slots[i] = r.slotOf(obj, i)
		allOwned = allOwned && slots[i].owned
	}
	lastKept := -1
	for i := range obj.Members {
		if !o.del[i] {
			lastKept = i
		}
	}
	if len(obj.Members) > 0 && !allOwned {
		st.multiline = false
	}
	if st.multiline {
		return r.renderMultiline(obj, o, st, slots, lastKept)
	}
	return r.renderInline(obj, o, st, slots, lastKept)
}

func (r *rewriter) renderMultiline(obj *json5.Node, o *objOps, st style, slots []*slot, lastKept int) string {
	var sb strings.Builder
	nl := st.nl
	if nl == "" {
		nl = "\n"
	}
	// The brace's line.
	p := obj.Start + 1
	for p < len(r.src) && r.src[p] != '\n' {
		p++
	}
	if p < len(r.src) {
		p++
	}
	if len(obj.Members) == 0 {
		sb.WriteString("{" + nl)
		for i, g := range o.prepend {
			sb.WriteString(r.genMember(g, st, i < len(o.prepend)-1 || st.comma))
		}
		sb.WriteString(string(r.src[r.lineStart(obj.End-1):obj.End]))
		return sb.String()
	}
	sb.Write(r.src[obj.Start:p])
	for _, g := range o.prepend {
		sb.WriteString(r.genMember(g, st, lastKept >= 0 || st.comma))
	}
	prevEnd := p
	for i := range obj.Members {
		s := slots[i]
		gap := string(r.src[prevEnd:s.lineStart])
		prevEnd = s.end
		comma := i != lastKept || st.comma
		if o.del[i] {
			// Keep what sits between members (blank lines, detached
			// comments), but not a blank line doubled by the removal.
			if strings.TrimSpace(gap) != "" || !r.blankFollows(slots, i) {
				sb.WriteString(gap)
			}
			continue
		}
		sb.WriteString(gap)
		if g := o.replace[i]; g != nil {
			sb.WriteString(r.genMember(g, st, comma))
			continue
		}
		m := &obj.Members[i]
		sb.Write(r.src[s.lineStart:m.KeyStart])
		if name, ok := o.rename[i]; ok {
			sb.WriteString(renameText(string(r.src[m.KeyStart:m.KeyEnd]), name))
		} else {
			sb.Write(r.src[m.KeyStart:m.KeyEnd])
		}
		sb.Write(r.src[m.KeyEnd:m.Value.Start])
		sb.WriteString(r.render(m.Value, st))
		switch {
		case s.comma >= 0 && !comma:
			sb.Write(r.src[m.Value.End:s.comma])
			sb.Write(r.src[s.comma+1 : s.end])
		case s.comma < 0 && comma:
			sb.WriteString(",")
			sb.Write(r.src[m.Value.End:s.end])
		default:
			sb.Write(r.src[m.Value.End:s.end])
		}
	}
	sb.Write(r.src[prevEnd:obj.End])
	return sb.String()
}

// blankFollows reports whether the gap after member i (before the next
// member, or the closing brace) holds a blank line.
func (r *rewriter) blankFollows(slots []*slot, i int) bool {
	if i+1 >= len(slots) {
		return true
	}
	gap := string(r.src[slots[i].end:slots[i+1].lineStart])
	return strings.Contains(gap, "\n")
}

func (r *rewriter) renderInline(obj *json5.Node, o *objOps, st style, slots []*slot, lastKept int) string {
	var parts []string
	for _, g := range o.prepend {
		parts = append(parts, r.genInline(g, st))
	}
	for i := range obj.Members {
		if o.del[i] {
			continue
		}
		if g := o.replace[i]; g != nil {
			parts = append(parts, r.genInline(g, st))
			continue
		}
		m := &obj.Members[i]
		k := string(r.src[m.KeyStart:m.KeyEnd])
		if name, ok := o.rename[i]; ok {
			k = renameText(k, name)
		}
		parts = append(parts, k+string(r.src[m.KeyEnd:m.Value.Start])+r.render(m.Value, st))
	}
	if len(obj.Members) == 0 {
		pad := st.pad
		if pad == "" {
			pad = " "
		}
		return "{" + pad + strings.Join(parts, ", ") + pad + "}"
	}
	// Separators, and what comes before the first and after the last
	// member, as written.
	sep := ", "
	if len(obj.Members) > 1 {
		s0 := slots[0]
		sep = strings.TrimRight(string(r.src[s0.valEnd:obj.Members[1].KeyStart]), "\r\n")
		if sep == "" || !strings.Contains(sep, ",") {
			sep = ", "
		}
	}
	head := string(r.src[obj.Start:obj.Members[0].KeyStart])
	lastSlot := slots[len(slots)-1]
	tailFrom := lastSlot.valEnd
	if lastSlot.comma >= 0 {
		tailFrom = lastSlot.comma + 1
	}
	tail := string(r.src[tailFrom:obj.End])
	out := head + strings.Join(parts, sep)
	if len(parts) > 0 && st.comma {
		out += ","
	}
	if len(parts) == 0 {
		return "{}"
	}
	_ = lastKept
	return out + tail
}

// renameText writes name in the quotes raw (a key as written) used.
func renameText(raw, name string) string {
	if raw != "" && (raw[0] == '"' || raw[0] == '\'') {
		return string(raw[0]) + name + string(raw[0])
	}
	if json5.PlainKey(name) {
		return name
	}
	return strconv.Quote(name)
}

// genMember writes g as a member on its own lines at st.indent.
func (r *rewriter) genMember(g *gen, st style, comma bool) string {
	nl := st.nl
	if nl == "" {
		nl = "\n"
	}
	var sb strings.Builder
	for _, c := range g.comments {
		sb.WriteString(st.indent + c + nl)
	}
	sb.WriteString(st.indent + st.key(g.key) + ": " + r.genValue(g, st, true))
	if comma {
		sb.WriteString(",")
	}
	if g.trailing != "" {
		sb.WriteString(" " + g.trailing)
	}
	sb.WriteString(nl)
	return sb.String()
}

// genValue writes g's value; multiline at st.indent.
func (r *rewriter) genValue(g *gen, st style, multiline bool) string {
	switch {
	case g.raw != nil:
		text := r.render(g.raw, st)
		if multiline && g.from != nil {
			return reindent(text, g.from.indent, st.indent, g.raw)
		}
		return text
	case g.members != nil:
		if !multiline {
			parts := make([]string, len(g.members))
			for i, m := range g.members {
				parts[i] = r.genInline(m, st)
			}
			pad := st.pad
			if pad == "" {
				pad = " "
			}
			return "{" + pad + strings.Join(parts, ", ") + pad + "}"
		}
		inner := st
		inner.indent = st.indent + st.step
		nl := st.nl
		if nl == "" {
			nl = "\n"
		}
		var sb strings.Builder
		sb.WriteString("{" + nl)
		for i, m := range g.members {
			sb.WriteString(r.genMember(m, inner, i < len(g.members)-1 || st.comma))
		}
		sb.WriteString(st.indent + "}")
		return sb.String()
	}
	return g.text
}

func (r *rewriter) genInline(g *gen, st style) string {
	return st.key(g.key) + ": " + r.genValue(g, st, false)
}

// reindent moves a value written at indentation from to indentation to:
// every line after the first is shifted, except lines that continue a
// string (a JSON5 string may run on with a backslash-newline).
func reindent(text, from, to string, n *json5.Node) string {
	if from == to || !strings.Contains(text, "\n") {
		return text
	}
	inString := stringLines(text, n)
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if inString[i] {
			continue
		}
		l := lines[i]
		switch {
		case strings.HasPrefix(to, from):
			if strings.TrimSpace(l) != "" {
				lines[i] = to[len(from):] + l
			}
		case strings.HasPrefix(from, to) && strings.HasPrefix(l, from[len(to):]):
			lines[i] = l[len(from)-len(to):]
		}
	}
	return strings.Join(lines, "\n")
}

// stringLines marks the lines of text (n's rendering, offset from
// n.Start) that begin inside a string.
func stringLines(text string, n *json5.Node) map[int]bool {
	out := map[int]bool{}
	var walk func(k *json5.Node)
	walk = func(k *json5.Node) {
		switch k.Kind {
		case json5.String:
			a, b := k.Start-n.Start, k.End-n.Start
			if a < 0 || b > len(text) {
				return
			}
			line := strings.Count(text[:a], "\n")
			for i, c := range text[a:b] {
				_ = i
				if c == '\n' {
					line++
					out[line] = true
				}
			}
		case json5.Object:
			for i := range k.Members {
				walk(k.Members[i].Value)
			}
		case json5.Array:
			for _, e := range k.Elems {
				walk(e)
			}
		}
	}
	walk(n)
	return out
}
