package json5

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestNodeOracle checks Parse against the real npm json5 package on
// generated inputs: both must accept or reject each input, and accepted
// inputs must give the same value. It needs node and the package; set
// JSON5_NPM_DIR to the package directory (default: the OpenClaw oracle
// install under ~/.cache). Skipped when either is missing.
func TestNodeOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	dir := os.Getenv("JSON5_NPM_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache/openclaw-oracle/npm-2026.3.24/node_modules/json5")
	}
	if _, err := os.Stat(filepath.Join(dir, "lib/parse.js")); err != nil {
		t.Skip("npm json5 not found; set JSON5_NPM_DIR")
	}

	inputs := oracleInputs(20000)
	// Also check a fuzz corpus, e.g. $(go env GOCACHE)/fuzz/<pkg>/FuzzParse.
	if dir := os.Getenv("JSON5_ORACLE_CORPUS"); dir != "" {
		inputs = append(inputs, readCorpus(t, dir)...)
	}
	inputs = append(inputs, readCorpus(t, "testdata/fuzz/FuzzParse")...)
	hexes := make([]string, len(inputs))
	for i, in := range inputs {
		hexes[i] = hex.EncodeToString([]byte(in))
	}
	req, _ := json.Marshal(hexes)
	cmd := exec.Command(node, "-e", oracleScript, dir)
	cmd.Stdin = bytes.NewReader(req)
	cmd.Stderr = nil // json5 warns about raw U+2028 on stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	accepted, fails := 0, 0
	for i, in := range inputs {
		got := "ERR"
		n, err := Parse([]byte(in), Options{MaxDepth: 1 << 20})
		if err == nil {
			got = canon(n)
			accepted++
		}
		if got != want[i] {
			fails++
			if fails <= 20 {
				t.Errorf("input %q:\n got %s (err %v)\nwant %s", in, got, err, want[i])
			}
		}
	}
	t.Logf("%d inputs, %d accepted, %d mismatches", len(inputs), accepted, fails)
}

const oracleScript = `
const JSON5 = require(process.argv[1]);
const inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const hx = s => Buffer.from(s, 'utf8').toString('hex');
function canon(v) {
	if (v === null) return 'n';
	if (v === true) return 't';
	if (v === false) return 'f';
	if (typeof v === 'number') {
		if (Number.isNaN(v)) return 'dNaN';
		const b = Buffer.alloc(8); b.writeDoubleBE(v); return 'd' + b.toString('hex');
	}
	if (typeof v === 'string') return 's' + hx(v);
	if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
	const ks = Object.getOwnPropertyNames(v).map(k => [hx(k), k]).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
	return '{' + ks.map(([h, k]) => h + ':' + canon(v[k])).join(',') + '}';
}
console.warn = () => {};
const out = inputs.map(h => {
	try { return canon(JSON5.parse(Buffer.from(h, 'hex').toString('utf8'))); } catch (e) { return 'ERR'; }
});
process.stdout.write(JSON.stringify(out));
`

// readCorpus returns the inputs in a directory of "go test fuzz v1" files.
func readCorpus(t *testing.T, dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 3)
		if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") {
			t.Fatalf("%s: not a fuzz corpus file", e.Name())
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		out = append(out, s)
	}
	return out
}

// canon renders n the way oracleScript renders a JavaScript value, with
// JavaScript's last-wins rule for duplicate keys.
func canon(n *Node) string {
	switch n.Kind {
	case Null:
		return "n"
	case Bool:
		if n.Bool {
			return "t"
		}
		return "f"
	case Number:
		if math.IsNaN(n.Num) {
			return "dNaN"
		}
		return fmt.Sprintf("d%016x", math.Float64bits(n.Num))
	case String:
		return "s" + hex.EncodeToString([]byte(n.Str))
	case Array:
		parts := make([]string, len(n.Elems))
		for i, e := range n.Elems {
			parts[i] = canon(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	last := map[string]*Node{}
	for _, m := range n.Members {
		last[hex.EncodeToString([]byte(m.Key))] = m.Value
	}
	keys := make([]string, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + canon(last[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// fragments are the pieces oracleInputs glues together: every token kind,
// every whitespace and escape form, and the awkward bytes.
var fragments = []string{
	"{", "}", "[", "]", ":", ",", " ", "\n", "\r", "\r\n", "\t", "\v", "\f", "\x00",
	"//", "/*", "*/", "/", "*", `"`, "'", `\`, "a", "$", "_", "b1", "0", "1", "9", "07",
	".", "e", "E", "+", "-", "x", "X", "0x", "0X", "fF", "Infinity", "NaN", "null", "true", "false",
	"Inf", "nul", "\u00a0", "\ufeff", "\u2028", "\u2029", "\u1680", "\u3000", "\u200b", "\u200c", "\u200d",
	"é", "\u0560", "\u2118", "\u00b7", "\U0001d465", "\U0001f600", "\u0301",
	`\u0061`, `\u`, `\u00`, `\x41`, `\x`, `\0`, `\1`, `\uD83D`, `\uDE00`, `\u200C`, `\u0030`, `\u0024`,
	`\b`, `\'`, `\"`, "\\\n", "\\\r\n", "\\\u2028", `\n`, `\v`,
	"\xff", "\xe2\x82", "\xed\xa0\x80", "\xf0\x90\x80", "\xc3", "\xe2\x80\xa8",
	"1e400", "0x1FFFFFFFFFFFFF1", "123456789012345678901", ".5", "5.", "1e-400", "0.1", "9007199254740993",
	"__proto__", "constructor",
}

// oracleInputs returns deterministic pseudo-random inputs: structured
// documents (mostly valid, some mutated) and fragment soup.
func oracleInputs(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := []string{
		"", " ", "{}", "[]", "{a:1,}", "[1,]", "\ufeff{}", "// c\n1", "/* c */ 1 /* d */",
		`"\uD83D\` + "\n" + `\uDE00"`, `'\uD83D\u0041'`, `"\uDE00\uD83D"`, `{\u0061b:1}`, `{a\u200Cb:1}`, `{\u200Cb:1}`,
		`{a:1,a:2}`, `{__proto__:1}`, `-0`, `-0x0`, `+NaN`, `-Infinity`, `0x` + strings.Repeat("F", 300),
		"1" + strings.Repeat("0", 400), "0." + strings.Repeat("0", 400) + "1",
		`"\uD83D\x41"`, `'\uD83D\'`, `"\uDBFF\uDFFF"`, `"\uD83D\uD83D\uDE00"`, "{a:1}//", "1/", "[1]/**/", `"\0"`, `"\08"`,
		`'\u0000'`, `{"\u0061":1}`, "-0x", "+-1", "-NaN", "{a:Infinityx}", "\u00A0", "{\u00AA:1}", "1e99999999999999999999",
		"-1e-99999999999999999999", "0x" + strings.Repeat("0", 500) + "1", "1.7976931348623158e308", "4.9406564584124654e-324",
		"2.4703282292062327e-324", "0x20000000000001", "0x20000000000003", "0xFFFFFFFFFFFFFC00", "123456789012345683968",
	}
	for len(out) < n {
		var b strings.Builder
		if r.IntN(5) == 0 {
			out = append(out, genNumber(r))
			continue
		}
		if r.IntN(2) == 0 {
			genValue(r, &b, 0)
			s := b.String()
			if r.IntN(3) == 0 && len(s) > 0 {
				// mutate: replace or insert a fragment at a random spot
				i := r.IntN(len(s))
				f := fragments[r.IntN(len(fragments))]
				if r.IntN(2) == 0 {
					s = s[:i] + f + s[i+1:]
				} else {
					s = s[:i] + f + s[i:]
				}
			}
			out = append(out, s)
			continue
		}
		for k := 1 + r.IntN(10); k > 0; k-- {
			b.WriteString(fragments[r.IntN(len(fragments))])
		}
		out = append(out, b.String())
	}
	return out
}

func genWS(r *rand.Rand, b *strings.Builder) {
	for k := r.IntN(3); k > 0; k-- {
		b.WriteString([]string{" ", "\n", "\t", "\u00a0", "\ufeff", "\u2028", "// x\n", "/* y */", "\r\n", "\v", "\u3000"}[r.IntN(11)])
	}
}

func genValue(r *rand.Rand, b *strings.Builder, depth int) {
	genWS(r, b)
	k := r.IntN(8)
	if depth > 3 && k >= 6 {
		k = r.IntN(6)
	}
	switch k {
	case 0:
		b.WriteString([]string{"null", "true", "false", "Infinity", "-Infinity", "NaN", "+NaN"}[r.IntN(7)])
	case 1, 2:
		b.WriteString([]string{"0", "-0", "1", "+1", ".5", "5.", "1e3", "1E-3", "0x1f", "-0XAb", "123.456e+7", "0.0", "1e400", "9007199254740993", "0.1e-999", "3.14159265358979323846"}[r.IntN(16)])
	case 3, 4, 5:
		q := []string{`"`, `'`}[r.IntN(2)]
		b.WriteString(q)
		for k := r.IntN(4); k > 0; k-- {
			b.WriteString([]string{"abc", "é", `\n`, `\x41`, `\u00e9`, `\uD83D\uDE00`, `\uD800`, "\\\n", `\0`, `\'`, `\"`, `\q`, "\u2028", "\t", "😀", `\\`, "'", `"`}[r.IntN(18)])
		}
		b.WriteString(q)
	case 6:
		b.WriteString("[")
		for k := r.IntN(4); k > 0; k-- {
			genValue(r, b, depth+1)
			genWS(r, b)
			if k > 1 || r.IntN(2) == 0 {
				b.WriteString(",")
			}
		}
		genWS(r, b)
		b.WriteString("]")
	case 7:
		b.WriteString("{")
		for k := r.IntN(4); k > 0; k-- {
			genWS(r, b)
			b.WriteString([]string{"a", "$b", "_c1", `"q k"`, `'s'`, `\u0061x`, "é", "a\u200cb", "__proto__", `""`, "a", "ᏸ"}[r.IntN(12)])
			genWS(r, b)
			b.WriteString(":")
			genValue(r, b, depth+1)
			genWS(r, b)
			if k > 1 || r.IntN(2) == 0 {
				b.WriteString(",")
			}
		}
		genWS(r, b)
		b.WriteString("}")
	}
	genWS(r, b)
}

// genNumber returns a random decimal or hex literal, to exercise rounding.
func genNumber(r *rand.Rand) string {
	digits := func(n int, hex bool) string {
		set := "0123456789"
		if hex {
			set = "0123456789abcdefABCDEF"
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = set[r.IntN(len(set))]
		}
		return string(b)
	}
	sign := []string{"", "-", "+"}[r.IntN(3)]
	if r.IntN(6) == 0 {
		return sign + "0x" + digits(1+r.IntN(20), true)
	}
	s := sign + strings.TrimLeft(digits(r.IntN(20), false), "0")
	if r.IntN(2) == 0 || s == sign {
		s += "." + digits(r.IntN(20), false)
	}
	if strings.HasSuffix(s, sign+".") || s == sign {
		s += "5"
	}
	if r.IntN(2) == 0 {
		s += []string{"e", "E", "e+", "e-"}[r.IntN(4)] + fmt.Sprint(r.IntN(330))
	}
	return s
}
