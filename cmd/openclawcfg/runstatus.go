package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/monitor"
)

// statusFile is where a running 'openclawcfg run' describes itself, for
// 'openclawcfg status' and for people: the state dir's
// openclawcfg-status.json, rewritten atomically every second.
const statusFile = "openclawcfg-status.json"

type runStatus struct {
	PID       int             `json:"pid"`
	Plan      string          `json:"plan"`
	StartedAt string          `json:"startedAt"`
	UpdatedAt string          `json:"updatedAt"`
	Running   bool            `json:"running"`
	Metrics   string          `json:"metrics,omitempty"`
	Accounts  []accountStatus `json:"accounts"`
}

type accountStatus struct {
	ID             string         `json:"id"`
	State          string         `json:"state"`
	LastError      string         `json:"lastError,omitempty"`
	FailureClass   string         `json:"failureClass,omitempty"`
	Fix            string         `json:"fix,omitempty"`
	Received       int64          `json:"received"`
	Dispatched     int64          `json:"dispatched"`
	Pairing        int64          `json:"pairingCodes"`
	Sent           int64          `json:"sent"`
	SendFailed     int64          `json:"sendFailed"`
	HandlerFailed  int64          `json:"handlerFailed"`
	Restarts       int64          `json:"restarts"`
	LastInboundAt  string         `json:"lastInboundAt,omitempty"`
	LastOutboundAt string         `json:"lastOutboundAt,omitempty"`
	Drops          []monitor.Drop `json:"drops"`
	// Beyond OpenClaw (absent with --compat openclaw).
	Durable *durableStatus `json:"durable,omitempty"`
}

type durableStatus struct {
	Cursor          int64  `json:"cursor"`
	Lag             int64  `json:"lag"` // rows in chat.db past the cursor, as last read
	OutboxPending   int64  `json:"outboxPending"`
	OutboxOldestAge string `json:"outboxOldestAge,omitempty"`
	Paused          bool   `json:"paused"`
	LastHealthyAt   string `json:"lastHealthyAt,omitempty"` // the watch last known to have delivered everything
	Resubscribes    int64  `json:"resubscribes"`
	Parked          int64  `json:"heldUnjoined"`
	GapsFilled      int64  `json:"gapsFilled"`
	Duplicates      int64  `json:"duplicates"`
	Late            int64  `json:"lateSynced"`
	Delayed         int64  `json:"delayed"`
	Redelivered     int64  `json:"redelivered"`
	DeadLetters     int64  `json:"deadLetters"`
}

func msTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}

func durableOf(dir, account string, s *monitor.Stats, on bool) *durableStatus {
	if !on {
		return nil
	}
	d := &s.Durable
	out := &durableStatus{
		Cursor: d.Cursor.Load(), OutboxPending: d.OutboxPending.Load(), Paused: monitor.Paused(dir, account),
		GapsFilled: d.GapsFilled.Load(), Duplicates: d.Duplicates.Load(), Late: d.Late.Load(), Delayed: d.Delayed.Load(),
		Redelivered: d.Redelivered.Load(), DeadLetters: d.DeadLetters.Load(), LastHealthyAt: msTime(d.Healthy.Load()),
		Resubscribes: d.Resubscribes.Load(), Parked: d.Parked.Load(),
	}
	out.Lag = max(0, d.Newest.Load()-out.Cursor)
	if o := d.OutboxOldest.Load(); o > 0 {
		out.OutboxOldestAge = time.Since(time.UnixMilli(o)).Round(time.Second).String()
	}
	return out
}

func writeStatus(dir, plan string, started time.Time, running bool, ms []*monitor.Monitor, metricsURL string, durable bool) error {
	st := runStatus{
		PID: os.Getpid(), Plan: plan, StartedAt: started.UTC().Format(time.RFC3339Nano),
		UpdatedAt: time.Now().UTC().Format(time.RFC3339Nano), Running: running, Metrics: metricsURL,
	}
	for _, m := range ms {
		s := m.Stats()
		state, lastErr := s.State()
		if state == "" {
			state = "starting"
		}
		var class, fix string
		if f := s.Failure(); f != nil {
			class, fix = f.Class, f.Fix
		}
		st.Accounts = append(st.Accounts, accountStatus{
			ID: m.Account().ID, State: state, LastError: lastErr,
			FailureClass: class, Fix: fix,
			Received: s.Received.Load(), Dispatched: s.Dispatched.Load(), Pairing: s.PairingCodes.Load(),
			Sent: s.Sent.Load(), SendFailed: s.SendFailed.Load(), HandlerFailed: s.HandlerFailed.Load(),
			Restarts: s.Restarts.Load(), LastInboundAt: msTime(s.LastInbound.Load()),
			LastOutboundAt: msTime(s.LastOutbound.Load()), Drops: s.Drops(), Durable: durableOf(dir, m.Account().ID, s, durable),
		})
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, statusFile), append(b, '\n'))
}

// showRunStatus prints the status file of the run using dir.
func showRunStatus(e *env, dir, format string) error {
	path := filepath.Join(dir, statusFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return failf("no openclawcfg run has used %s (no %s)", dir, statusFile)
	}
	var st runStatus
	if err := json.Unmarshal(b, &st); err != nil {
		return failf("%s: %v", path, err)
	}
	alive := st.Running && processAlive(st.PID)
	healthy := alive
	for _, a := range st.Accounts {
		healthy = healthy && a.State == "running"
	}
	if format == "json" {
		out := struct {
			runStatus
			Alive   bool `json:"alive"`
			Healthy bool `json:"healthy"`
		}{st, alive, healthy}
		b, _ := json.Marshal(out)
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		switch {
		case alive:
			fmt.Fprintf(e.stdout, "openclawcfg run (pid %d) running since %s, plan %s\n", st.PID, st.StartedAt, st.Plan)
		case st.Running:
			fmt.Fprintf(e.stdout, "openclawcfg run (pid %d) is gone without stopping cleanly; last update %s\n", st.PID, st.UpdatedAt)
		default:
			fmt.Fprintf(e.stdout, "openclawcfg run stopped; last update %s\n", st.UpdatedAt)
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ACCOUNT\tSTATE\tIN\tDISPATCHED\tSENT\tRESTARTS\tLAST IN\tLAST OUT")
		for _, a := range st.Accounts {
			fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", a.ID, a.State, a.Received, a.Dispatched, a.Sent, a.Restarts, orDash(a.LastInboundAt), orDash(a.LastOutboundAt))
		}
		w.Flush()
		for _, a := range st.Accounts {
			if a.State != "running" && a.LastError != "" {
				fmt.Fprintf(e.stdout, "%s: %s\n", a.ID, a.LastError)
			}
			var drops []string
			for _, d := range a.Drops {
				drops = append(drops, fmt.Sprintf("%s %d", d.Reason, d.Count))
			}
			if len(drops) > 0 {
				fmt.Fprintf(e.stdout, "%s drops: %s\n", a.ID, strings.Join(drops, ", "))
			}
			if d := a.Durable; d != nil {
				line := fmt.Sprintf("%s cursor %d (lag %d), outbox %d", a.ID, d.Cursor, d.Lag, d.OutboxPending)
				if d.OutboxOldestAge != "" {
					line += " (oldest " + d.OutboxOldestAge + ")"
				}
				if d.Paused {
					line += ", sending PAUSED (openclawcfg resume " + a.ID + ")"
				}
				line += fmt.Sprintf(", gaps filled %d, duplicates skipped %d, late-synced held %d, delayed %d, redelivered %d, dead letters %d",
					d.GapsFilled, d.Duplicates, d.Late, d.Delayed, d.Redelivered, d.DeadLetters)
				fmt.Fprintln(e.stdout, line)
			}
		}
	}
	if !healthy {
		return exitStatus(exitInvalid)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
