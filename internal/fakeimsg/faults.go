package fakeimsg

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Fault is one failure switch. At start-up they come from IMSG_FAKE_FAULTS
// ("name[=arg],..."); mid-run from {"fault":...} records appended to the
// database, which running servers pick up on their next poll. A record is
// either the same "name[=arg]" string or an object:
//
//	{"name":"watch-death","arg":"","message":"disk I/O error (code: 10)","pid":1234,"persist":false}
//
// pid limits a record to one server process; persist makes servers that start
// later apply it too (a record is otherwise only for servers already running
// when it is appended). {"fault":"clear"} undoes every record-injected fault.
type Fault struct {
	Name    string `json:"name"`
	Arg     string `json:"arg,omitempty"`
	Message string `json:"message,omitempty"`
	PID     int    `json:"pid,omitempty"`
	Persist bool   `json:"persist,omitempty"`
}

// UnmarshalJSON accepts the string form as well as the object form.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		name, arg, _ := strings.Cut(strings.TrimSpace(s), "=")
		*f = Fault{Name: strings.TrimSpace(name), Arg: strings.TrimSpace(arg)}
		return nil
	}
	type plain Fault
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*f = Fault(p)
	return nil
}

// faultInfo documents one switch; the table drives parsing, the README and
// `imsg-fake faults`.
type faultInfo struct {
	name, arg, doc string
	// argKind: "" none, "n" a count/ordinal, "ms" milliseconds, "opt-n"
	// optional count/ordinal, "opt-ms" optional ms, "opt-rowid".
	argKind string
}

var faultTable = []faultInfo{
	{"fda", "", "start-up error mode: the database cannot be opened (missing Full Disk Access). 0.8.2–0.13: every request gets -32603 with the permission text and EOF exits 1; before 0.8.2: the text is printed on stdout and the process exits 1 at once; 0.14+: database-backed methods get -32002 and status reports database.ready:false", ""},
	{"legacy-banner", "", "imsg before 0.8.2 with no database access: print the permission text on stdout and exit 1 at once", ""},
	{"rpc-unsupported", "", "an imsg without the rpc subcommand: `rpc --help` and `rpc` print `Error: unknown command \"rpc\" for \"imsg\"` and exit 1", ""},
	{"notify-first", "", "a subscription's first poll (its since_rowid backlog) is written before the subscribe response (imsg-rpc.md §4.5)", ""},
	{"watch-death", "N", "each subscription emits one `error` notification after N messages (default 0) and stops; as a record: every live subscription dies now (\"message\" sets the error text)", "opt-n"},
	{"watch-silent", "N", "each subscription stops emitting, without any notice, after N messages (default 0); sends and other requests keep working (imsg#126); as a record: live subscriptions go silent now, new ones work", "opt-n"},
	{"watch-overflow", "ROWID", "0.14+: each subscription ends with a terminal watch.overflow at the first row above ROWID (default: at once, resume_after_rowid = its cursor)", "opt-rowid"},
	{"missing-attachments", "", "every attachment is reported missing:true (the transfer had not finished when imsg read it)", ""},
	{"remote-attachments", "", "every attachment with a filename is reported missing:false even when the file does not exist here (imsg runs on another host)", ""},
	{"slow-send", "MS", "every send answers after MS ms (default 2000): its row and echo appear at once, later responses wait, notifications keep flowing", "opt-ms"},
	{"ghost-send", "N", "the Nth send (default: every send) hits the Tahoe ghost row: an unjoined empty outgoing row is written and the send fails (0.9: -32603 `AppleScript failed: Messages accepted the chat send but wrote an unjoined empty outgoing row (<rowid>); …`; 0.14+: -32001 may_have_completed)", "opt-n"},
	{"send-no-response", "N", "the Nth send (default: every send) is performed (row and echo written) but no response line is ever written; later requests are answered", "opt-n"},
	{"send-unverified", "N", "the Nth send (default: every send) is performed but its row is not found in time: 0.9 answers {\"ok\":true,\"transport\":\"applescript\"} without id/guid and the row appears afterwards; 0.14+ answers -32001 may_have_completed", "opt-n"},
	{"send-not-started", "N", "the Nth send (default: every send) fails before anything is sent: 0.9 -32603 `AppleScript failed: …`; 0.14+ -32603 `Delivery failed before dispatch` with retry_safe:true", "opt-n"},
	{"send-still-in-flight", "N", "0.14+: the Nth send (default: every send) answers -32001 still_in_flight and every later mutation -32004 until the process exits; 0.9: the send never answers and blocks every later request (notifications still flow)", "opt-n"},
	{"crash-in-send", "N", "the process dies (SIGKILL) after writing the Nth send's row, before its response", "n"},
	{"crash-after-sends", "N", "the process dies (SIGKILL) right after answering the Nth send", "n"},
	{"crash-after-requests", "N", "the process dies (SIGKILL) when request N+1 arrives, without answering it", "n"},
	{"crash-after-ms", "MS", "the process dies (SIGKILL) MS ms after start", "ms"},
	{"crash", "", "as a record: the process dies (SIGKILL) at once", ""},
	{"hang-after-requests", "N", "after answering N requests the process hangs: alive, reads and ignores stdin, writes nothing, ignores EOF; SIGTERM still kills it", "n"},
	{"hang", "", "as a record: hang at once (see hang-after-requests)", ""},
	{"clear", "", "as a record: undo every fault injected by records so far", ""},
}

func lookupFault(name string) *faultInfo {
	for i := range faultTable {
		if faultTable[i].name == name {
			return &faultTable[i]
		}
	}
	return nil
}

// ParseFaults parses IMSG_FAKE_FAULTS.
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, arg, _ := strings.Cut(item, "=")
		f := Fault{Name: strings.TrimSpace(name), Arg: strings.TrimSpace(arg)}
		if err := f.validate(); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (f Fault) validate() error {
	info := lookupFault(f.Name)
	if info == nil {
		names := make([]string, len(faultTable))
		for i, t := range faultTable {
			names[i] = t.name
		}
		sort.Strings(names)
		return fmt.Errorf("unknown fault %q (known: %s)", f.Name, strings.Join(names, ", "))
	}
	switch info.argKind {
	case "":
		if f.Arg != "" {
			return fmt.Errorf("fault %s takes no argument", f.Name)
		}
	case "n", "ms":
		if _, err := strconv.ParseUint(f.Arg, 10, 31); err != nil {
			return fmt.Errorf("fault %s needs =%s (a non-negative integer)", f.Name, info.arg)
		}
	case "opt-rowid":
		if f.Arg != "" {
			if _, err := strconv.ParseInt(f.Arg, 10, 64); err != nil {
				return fmt.Errorf("fault %s: %s must be an integer", f.Name, info.arg)
			}
		}
	default:
		if f.Arg != "" {
			if _, err := strconv.ParseUint(f.Arg, 10, 31); err != nil {
				return fmt.Errorf("fault %s: %s must be a non-negative integer", f.Name, info.arg)
			}
		}
	}
	return nil
}

func (f Fault) argInt(def int64) int64 {
	if f.Arg == "" {
		return def
	}
	n, err := strconv.ParseInt(f.Arg, 10, 64)
	if err != nil {
		return def
	}
	return n
}

// faultSet is the switches in force in one server.
type faultSet struct {
	env []Fault // from IMSG_FAKE_FAULTS, for the life of the process
	rec []activeFault
}

// activeFault is a record-injected fault; send ordinals count from sendBase,
// the number of sends made before it arrived.
type activeFault struct {
	Fault
	sendBase int
}

func (fs *faultSet) has(name string) bool {
	_, ok := fs.find(name)
	return ok
}

func (fs *faultSet) find(name string) (Fault, bool) {
	for i := len(fs.rec) - 1; i >= 0; i-- {
		if fs.rec[i].Name == name {
			return fs.rec[i].Fault, true
		}
	}
	for _, f := range fs.env {
		if f.Name == name {
			return f, true
		}
	}
	return Fault{}, false
}

// sendHit reports whether a send fault selects send number n (1-based, per
// process): no argument selects every send, =K only the Kth (counted from
// start-up for IMSG_FAKE_FAULTS, from the record's arrival for a record).
func (fs *faultSet) sendHit(name string, n int) bool {
	for i := len(fs.rec) - 1; i >= 0; i-- {
		if f := fs.rec[i]; f.Name == name {
			if f.Arg == "" || int64(n-f.sendBase) == f.argInt(0) {
				return true
			}
		}
	}
	for _, f := range fs.env {
		if f.Name == name && (f.Arg == "" || int64(n) == f.argInt(0)) {
			return true
		}
	}
	return false
}
