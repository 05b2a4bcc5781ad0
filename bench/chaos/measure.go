package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
)

// figures is what a chaos run measured. The must-be-zero ones are Lost,
// DispatchedTwice, RepliesLost, RepliesTwice, RepliesWrongChat and
// LateAnswered.
type figures struct {
	Messages int `json:"messages"` // numbered rows written that must be answered
	LateRows int `json:"lateRows"` // late-synced old rows written (must not be)
	Handled  int `json:"handled"`  // numbered rows handed to the handler at least once
	Lost     int `json:"lost"`     // numbered rows never handed to the handler
	Twice    int `json:"dispatchedTwice"`
	// Redelivered is handler runs after the first marked Redelivered (the
	// message whose handler was running at a crash); RedeliveredFirst the
	// first runs already marked so (the runtime claimed the row but died
	// before the handler logged it).
	Redelivered      int `json:"redelivered"`
	RedeliveredFirst int `json:"redeliveredFirst"`
	// RedeliveredAnswered is the redeliveries (of Redelivered) that came
	// after the message's reply had already reached the chat: the handler
	// had finished, the runtime had not yet recorded it.
	RedeliveredAnswered int `json:"redeliveredAnswered"`
	Delayed             int `json:"delayed"` // handler runs marked Delayed
	RepliesDelivered    int `json:"repliesDelivered"`
	RepliesLost         int `json:"repliesLost"`  // handled, but no "ack" reached the chat
	RepliesTwice        int `json:"repliesTwice"` // "ack" rows beyond the first per token
	RepliesWrongChat    int `json:"repliesWrongChat"`
	LateHandled         int `json:"lateHandled"`
	LateAnswered        int `json:"lateAnswered"` // late rows handed to the handler or acked
	SendAttempts        int `json:"sendAttempts"` // send requests imsg-fake recorded
	SendErrors          int `json:"sendErrors"`   // of which answered with an error
	SendNoAnswer        int `json:"sendNoAnswer"` // of which never answered (a fault)
	UnknownTokens       int `json:"unknownTokens"`
	// Where the misses were: by the fault of the cycle the row was
	// written in, and its phase (before/after the fault, or while
	// openclawcfg was down).
	LostBy         map[string]int      `json:"lostBy,omitempty"`
	LostUnder      map[string]int      `json:"lostUnder,omitempty"` // by the lasting faults in force (sentMsg.Under)
	TwiceBy        map[string]int      `json:"twiceBy,omitempty"`
	RepliesLostBy  map[string]int      `json:"repliesLostBy,omitempty"`
	RepliesTwiceBy map[string]int      `json:"repliesTwiceBy,omitempty"`
	Examples       map[string][]string `json:"examples,omitempty"`
}

// failures lists the must-be-zero figures that are not.
func (f *figures) failures() []string {
	var out []string
	for _, c := range []struct {
		name string
		n    int
	}{
		{"messages lost", f.Lost},
		{"dispatched twice", f.Twice},
		{"replies lost", f.RepliesLost},
		{"replies sent twice", f.RepliesTwice},
		{"replies in the wrong chat", f.RepliesWrongChat},
		{"late rows answered", f.LateAnswered},
	} {
		if c.n != 0 {
			out = append(out, fmt.Sprintf("%s: %d", c.name, c.n))
		}
	}
	return out
}

var ackTokenRE = regexp.MustCompile(`\b(?:m|late)\d{6,}\b`)

// handlerRun is one line of the handler log.
type handlerRun struct {
	redelivered, delayed bool
	at                   time.Time // zero when the line has no time
}

// parseHandlerLog reads "<token>\t<Redelivered>\t<Delayed>\t..." lines.
func parseHandlerLog(b []byte) (map[string][]handlerRun, int) {
	out := map[string][]handlerRun{}
	bad := 0
	for line := range bytes.SplitSeq(b, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		f := strings.Split(string(line), "\t")
		if len(f) < 3 || !ackTokenRE.MatchString(f[0]) {
			bad++
			continue
		}
		r := handlerRun{redelivered: f[1] == "true", delayed: f[2] == "true"}
		if len(f) >= 6 {
			if ns, err := strconv.ParseInt(f[5], 10, 64); err == nil {
				r.at = time.Unix(0, ns)
			}
		}
		out[f[0]] = append(out[f[0]], r)
	}
	return out, bad
}

// ackRow is one reply that reached a chat: an outgoing row of the database.
type ackRow struct {
	chat   int64
	tokens []string
	at     time.Time // the row's date (zero: unparsable)
}

// parseAcks collects the outgoing "ack" rows of every generation of the
// database (a replaced file and its successor share rows: the row guid
// makes each count once).
func parseAcks(dbs [][]byte) []ackRow {
	seen := map[string]bool{}
	var out []ackRow
	for _, b := range dbs {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if !bytes.Contains(line, []byte(`"is_from_me":true`)) {
				continue
			}
			var rec fakeimsg.Record
			if json.Unmarshal(line, &rec) != nil || rec.Row == nil || !rec.Row.IsFromMe {
				continue
			}
			r := rec.Row
			key := r.GUID
			if key == "" {
				key = fmt.Sprintf("row:%d", r.ID)
			}
			if seen[key] || !strings.HasPrefix(r.Text, "ack ") {
				continue
			}
			seen[key] = true
			at, _ := time.Parse(time.RFC3339Nano, r.CreatedAt)
			out = append(out, ackRow{chat: r.ChatID, tokens: ackTokenRE.FindAllString(r.Text, -1), at: at})
		}
	}
	return out
}

// sendStats counts the send requests imsg-fake recorded (db.sends.jsonl).
func sendStats(b []byte) (attempts, errs, noAnswer int) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var rec struct {
			Method string          `json:"method"`
			Error  json.RawMessage `json:"error"`
			Note   string          `json:"note"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec.Method != "send" {
			continue
		}
		attempts++
		switch {
		case len(rec.Error) > 0 && string(rec.Error) != "null":
			errs++
		case strings.HasPrefix(rec.Note, "send-no-response"), strings.HasPrefix(rec.Note, "crash-in-send"),
			strings.HasPrefix(rec.Note, "send-still-in-flight"):
			noAnswer++
		}
	}
	return
}

const maxExamples = 8

// analyze compares what the driver wrote with what the handler saw and
// what reached the chats.
func analyze(sent []*sentMsg, handlerLog []byte, dbs [][]byte, sends []byte) *figures {
	f := &figures{
		LostBy: map[string]int{}, LostUnder: map[string]int{}, TwiceBy: map[string]int{}, RepliesLostBy: map[string]int{},
		RepliesTwiceBy: map[string]int{}, Examples: map[string][]string{},
	}
	example := func(kind string, m *sentMsg, extra string) {
		if len(f.Examples[kind]) < maxExamples {
			s := fmt.Sprintf("%s (cycle %d %s, %s, chat %d, row %d)", m.Token, m.Cycle, m.Kind, m.Phase, m.Chat, m.Row)
			if m.Under != "" {
				s = strings.TrimSuffix(s, ")") + ", under " + m.Under + ")"
			}
			if extra != "" {
				s += ": " + extra
			}
			f.Examples[kind] = append(f.Examples[kind], s)
		}
	}
	runs, bad := parseHandlerLog(handlerLog)
	f.UnknownTokens = bad
	acks := map[string]int{}
	ackChats := map[string][]int64{}
	firstAck := map[string]time.Time{}
	for _, a := range parseAcks(dbs) {
		for _, t := range a.tokens {
			acks[t]++
			ackChats[t] = append(ackChats[t], a.chat)
			if first, ok := firstAck[t]; !a.at.IsZero() && (!ok || a.at.Before(first)) {
				firstAck[t] = a.at
			}
		}
	}
	f.SendAttempts, f.SendErrors, f.SendNoAnswer = sendStats(sends)
	known := map[string]bool{}
	for _, m := range sent {
		known[m.Token] = true
		rs := runs[m.Token]
		where := m.Kind + "/" + m.Phase
		if m.Late {
			f.LateRows++
			if len(rs) > 0 {
				f.LateHandled++
			}
			if len(rs) > 0 || acks[m.Token] > 0 {
				f.LateAnswered++
				delayed := ""
				if len(rs) > 0 && rs[0].delayed {
					delayed = " (marked Delayed)"
				}
				example("late answered", m, fmt.Sprintf("handled %d%s, acked %d", len(rs), delayed, acks[m.Token]))
			}
			continue
		}
		f.Messages++
		if len(rs) == 0 {
			f.Lost++
			f.LostBy[where]++
			if m.Under != "" {
				f.LostUnder[m.Under]++
			}
			example("lost", m, "")
		} else {
			f.Handled++
			if rs[0].redelivered {
				f.RedeliveredFirst++
			}
			unmarked := 0
			for _, r := range rs[1:] {
				if r.redelivered {
					f.Redelivered++
					if at, ok := firstAck[m.Token]; ok && !r.at.IsZero() && at.Before(r.at) {
						f.RedeliveredAnswered++
					}
				} else {
					unmarked++
				}
			}
			if unmarked > 0 {
				f.Twice += unmarked
				f.TwiceBy[where]++
				example("dispatched twice", m, fmt.Sprintf("%d handler runs, %d of them after the first not marked Redelivered", len(rs), unmarked))
			}
			for _, r := range rs {
				if r.delayed {
					f.Delayed++
				}
			}
		}
		n := acks[m.Token]
		f.RepliesDelivered += min(n, 1)
		if len(rs) > 0 && n == 0 {
			f.RepliesLost++
			f.RepliesLostBy[where]++
			example("replies lost", m, "")
		}
		if n > 1 {
			f.RepliesTwice += n - 1
			f.RepliesTwiceBy[where]++
			example("replies sent twice", m, fmt.Sprintf("%d acks", n))
		}
		for _, c := range ackChats[m.Token] {
			if c != m.Chat {
				f.RepliesWrongChat++
				example("replies in the wrong chat", m, fmt.Sprintf("ack in chat %d", c))
			}
		}
	}
	for t := range runs {
		if !known[t] {
			f.UnknownTokens++
		}
	}
	return f
}

// writeTable prints the figures for a person.
func writeTable(w io.Writer, r *report) {
	f := r.Figures
	fmt.Fprintf(w, "chaos: %d cycles in %s (drain %s), openclawcfg run%s, imsg %s, seed %d\n",
		r.Cycles, r.Elapsed, r.Drain, compatNote(r), r.ImsgVersion, r.Seed)
	fmt.Fprintf(w, "faults: %s\n", joinCounts(r.Faults))
	row := func(name string, n int, note string) {
		fmt.Fprintf(w, "  %-34s %7d  %s\n", name, n, note)
	}
	must := func(n int) string {
		if n == 0 {
			return "must be 0: ok"
		}
		return "must be 0: FAIL"
	}
	row("messages written", f.Messages, "")
	row("late-synced old rows written", f.LateRows, "")
	row("messages lost", f.Lost, must(f.Lost))
	row("dispatched twice", f.Twice, must(f.Twice))
	row("redelivered (marked, after a crash)", f.Redelivered, "allowed: the handler was running at a kill")
	row("  of which after the reply was out", f.RedeliveredAnswered, "")
	row("marked redelivered on first run", f.RedeliveredFirst, "")
	row("handled marked delayed", f.Delayed, "")
	row("replies lost", f.RepliesLost, must(f.RepliesLost))
	row("replies sent twice", f.RepliesTwice, must(f.RepliesTwice))
	row("replies in the wrong chat", f.RepliesWrongChat, must(f.RepliesWrongChat))
	row("late rows answered", f.LateAnswered, must(f.LateAnswered))
	row("send requests (errors, unanswered)", f.SendAttempts, fmt.Sprintf("(%d, %d)", f.SendErrors, f.SendNoAnswer))
	if f.UnknownTokens > 0 {
		row("handler log lines not from the driver", f.UnknownTokens, "")
	}
	fmt.Fprintf(w, "openclawcfg run: started %d times (kill -9 %d, SIGTERM %d, exited by itself %d); imsg restarts it logged %d\n",
		r.Run.Starts, r.Run.Kills, r.Run.Terms, r.Run.SelfExits, r.Run.ImsgRestarts)
	if len(r.Run.Drops) > 0 {
		fmt.Fprintf(w, "drops it logged: %s\n", joinCounts(r.Run.Drops))
	}
	for _, x := range []struct {
		name string
		m    map[string]int
	}{
		{"lost, by cycle/phase", f.LostBy},
		{"lost while a lasting fault was in force (imsg not restarted since)", f.LostUnder},
		{"dispatched twice, by cycle/phase", f.TwiceBy},
		{"replies lost, by cycle/phase", f.RepliesLostBy},
		{"replies sent twice, by cycle/phase", f.RepliesTwiceBy},
	} {
		if len(x.m) > 0 {
			fmt.Fprintf(w, "%s: %s\n", x.name, joinCounts(x.m))
		}
	}
	keys := make([]string, 0, len(f.Examples))
	for k := range f.Examples {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "first %s:\n", k)
		for _, e := range f.Examples[k] {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	if r.Dir != "" {
		fmt.Fprintf(w, "work dir kept: %s\n", r.Dir)
	}
	switch {
	case len(r.Failures) == 0:
		fmt.Fprintln(w, "PASS")
	case r.Compat && !r.Strict:
		fmt.Fprintf(w, "EXPECTED with --compat openclaw (not a failure without -strict): %s\n", strings.Join(r.Failures, "; "))
	default:
		fmt.Fprintf(w, "FAIL: %s\n", strings.Join(r.Failures, "; "))
	}
}

func compatNote(r *report) string {
	switch {
	case r.Compat && r.CompatFlag:
		return " --compat openclaw"
	case r.Compat:
		return " (no --compat flag in this build: run as it is)"
	}
	return ""
}

// joinCounts is "a=1 b=2" in key order.
func joinCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%d", k, m[k])
	}
	return b.String()
}
