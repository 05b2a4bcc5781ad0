package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
	"github.com/openclawcfg/openclawcfg/runtime/pairing"
)

type decideCmd struct {
	Plan     string `arg:"" name:"plan" help:"A plan written by openclawcfg compile."`
	Account  string `placeholder:"ID" help:"Decide as this account (default: the plan's default account)."`
	StateDir string `placeholder:"DIR" help:"State dir holding the pairing store (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
	Format   string `short:"f" default:"json" enum:"json,text" help:"json (one object a line) or text (one sentence a line)."`
	Context  bool   `help:"With --format json, add the inbound context a handler would receive."`
}

func (c *decideCmd) Help() string {
	return `Reads imsg message objects on standard input, one JSON object a line (the
params.message of a watch.subscribe notification; a whole notification line is
accepted too), and writes one line per message: what OpenClaw 2026.3.24 does
with it as the first message a freshly started gateway sees. JSON lines carry
kind (drop, pairing or dispatch), reason (OpenClaw's drop reason), senderId,
isGroup, agentId, sessionKey, wasMentioned, commandAuthorized, and why and key
(the rule in one sentence and the config key that decided). A line that is not
a message object gets an {"error": ...} line and the stream goes on.
Exit status: 0 when every line was decided, 1 when some line was not a
message, 2 when the plan does not load or the account is unknown.`
}

// decision is one output line; the key names are a stable interface.
type decisionLine struct {
	Kind              string           `json:"kind"`
	Reason            string           `json:"reason,omitempty"`
	SenderID          string           `json:"senderId,omitempty"`
	IsGroup           bool             `json:"isGroup"`
	AgentID           string           `json:"agentId,omitempty"`
	SessionKey        string           `json:"sessionKey,omitempty"`
	WasMentioned      bool             `json:"wasMentioned"`
	CommandAuthorized bool             `json:"commandAuthorized"`
	Why               string           `json:"why,omitempty"`
	Key               string           `json:"key,omitempty"`
	Context           *inbound.Context `json:"context,omitempty"`
}

func (c *decideCmd) Run(e *env) error {
	p, err := loadPlan(c.Plan)
	if err != nil {
		return err
	}
	account := c.Account
	if account == "" {
		account = p.DefaultAccount.Value
	}
	d, err := inbound.New(p, account)
	if err != nil {
		return usageErrorf("%v", err) // --account names no account of the plan
	}
	a := d.Account()
	if why := p.NotRunning(a); why != "" {
		fmt.Fprintf(e.stderr, "openclawcfg: note: account %q does not start (%s); deciding as if it ran\n", a.ID, why)
	}
	dir := stateDir(c.StateDir)
	// As OpenClaw does, an unusable store file counts as empty; say so.
	store, err := pairing.New(dir).ReadAllowFrom(a.ID)
	if err != nil {
		fmt.Fprintf(e.stderr, "openclawcfg: warning: pairing store: %v; deciding as if it approved nobody\n", err)
	}

	in := bufio.NewReaderSize(e.stdin, 1<<16)
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	defer out.Flush()
	enc := json.NewEncoder(out)
	bad := false
	st := inbound.NewState()
	for n := 1; ; n++ {
		line, long, err := readLine(in)
		if long || len(bytes.TrimSpace(line)) > 0 {
			msg, perr := messageOf(line)
			if long {
				msg, perr = nil, errLineTooLong
			}
			if perr != nil {
				bad = true
				if c.Format == "text" {
					fmt.Fprintf(out, "line %d: not a message: %v\n", n, perr)
				} else {
					_ = enc.Encode(struct {
						Line  int    `json:"line"`
						Error string `json:"error"`
					}{n, perr.Error()})
				}
			} else {
				// Each message is the first a freshly started gateway sees.
				st.Reset()
				dec := d.Decide(msg, inbound.Input{Store: store, Now: time.Now(), SkipContext: !c.Context}, st)
				if c.Format == "text" {
					fmt.Fprintf(out, "line %d: %s\n", n, sentence(dec))
				} else {
					l := decisionLine{
						Kind: string(dec.Kind), Reason: dec.Reason, SenderID: dec.SenderID, IsGroup: dec.IsGroup,
						WasMentioned: dec.WasMentioned, CommandAuthorized: dec.CommandAuthorized, Why: dec.Why, Key: dec.Key,
					}
					if dec.Route != nil {
						l.AgentID, l.SessionKey = dec.Route.AgentID, dec.Route.SessionKey
					}
					if c.Context {
						l.Context = dec.Context
					}
					if err := enc.Encode(l); err != nil {
						return fail(err)
					}
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return failf("reading standard input: %v", err)
		}
	}
	if err := out.Flush(); err != nil {
		return fail(err)
	}
	if bad {
		return exitStatus(exitInvalid)
	}
	return nil
}

// maxLine bounds one input line; a longer one is reported, not buffered.
const maxLine = 8 << 20

var errLineTooLong = errors.New("line longer than 8 MiB")

// readLine returns the next line without its newline. A line over
// maxLine is consumed without being kept, and reported with long.
func readLine(r *bufio.Reader) (line []byte, long bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !long && len(line)+len(chunk) <= maxLine {
			line = append(line, chunk...)
		} else {
			long, line = true, nil
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), long, err
	}
}

// messageOf accepts a message object, a notification's params, or a whole
// notification line.
func messageOf(line []byte) (*inbound.Message, error) {
	b := line[jsonscan.SkipWS(line, 0):]
	if !jsonscan.Valid(b) {
		var v any
		return nil, fmt.Errorf("not JSON: %v", jsonErr(json.Unmarshal(line, &v)))
	}
	if b[0] != '{' {
		var v any
		_ = json.Unmarshal(b, &v)
		return nil, fmt.Errorf("not a JSON object but %s", jsonKind(v))
	}
	var f [3][]byte
	jsonscan.ScanObject(b, []string{"method", "params", "message"}, f[:])
	if len(f[0]) > 0 && string(f[0]) != "null" && len(f[1]) > 0 && f[1][0] == '{' {
		if string(f[0]) != `"message"` {
			return nil, fmt.Errorf("a %s notification, not a message", f[0])
		}
		b, f[2] = f[1], nil
		jsonscan.ScanObject(b, []string{"method", "params", "message"}, f[:])
	}
	if len(f[2]) > 0 && f[2][0] == '{' {
		b = f[2]
	}
	return inbound.ParseMessage(b)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	return err.Error()
}

// sentence renders a decision for people.
func sentence(d inbound.Decision) string {
	var b strings.Builder
	switch d.Kind {
	case inbound.Dispatch:
		fmt.Fprintf(&b, "dispatch to agent %q (session %s): %s", d.Route.AgentID, d.Route.SessionKey, d.Why)
		if d.CommandAuthorized {
			b.WriteString("; may run control commands")
		}
	case inbound.Pairing:
		fmt.Fprintf(&b, "pairing: %s", d.Why)
	default:
		fmt.Fprintf(&b, "drop (%s): %s", d.Reason, d.Why)
	}
	if d.Key != "" {
		fmt.Fprintf(&b, " [%s]", d.Key)
	}
	return b.String()
}

// loadPlan reads and verifies a sealed plan; every failure is exit 2
// and says why. When OPENCLAWCFG_VERIFY_KEY names a public
// key, only plans signed with it load, in every command that reads one.
func loadPlan(path string) (*plan.Plan, error) {
	return loadPlanKey(path, os.Getenv("OPENCLAWCFG_VERIFY_KEY"))
}

// loadPlanKey is loadPlan with the verify key file given ("" for none).
func loadPlanKey(path, keyFile string) (*plan.Plan, error) {
	var key ed25519.PublicKey
	if keyFile != "" {
		kb, err := readSmall(keyFile, 64<<10)
		if err != nil {
			return nil, failf("cannot read the verify key %s: %s", keyFile, readError(err))
		}
		if key, err = plan.ParsePublicKey(kb); err != nil {
			return nil, failf("verify key %s: %v", keyFile, err)
		}
	}
	b, err := readSmall(path, 64<<20)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, failf("cannot read the plan %s: %v", path, err)
	}
	var p *plan.Plan
	if key != nil {
		p, err = plan.LoadSigned(b, key)
	} else {
		p, err = plan.Load(b)
	}
	if err != nil {
		return nil, failf("%s is not a usable plan: %v", path, strings.TrimPrefix(err.Error(), "plan: "))
	}
	// A plan for a release whose behaviour the runtime does not reproduce
	// would be run with the wrong rules: refuse it before anything starts.
	if err := p.Runnable(); err != nil {
		return nil, failf("%s cannot run here: %v", path, strings.TrimPrefix(err.Error(), "plan: "))
	}
	return p, nil
}

func readSmall(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("larger than %d MiB", max>>20)
	}
	return io.ReadAll(io.LimitReader(f, max+1))
}
