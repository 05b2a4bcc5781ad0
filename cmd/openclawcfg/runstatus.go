package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
}

func msTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}

func writeStatus(dir, plan string, started time.Time, running bool, ms []*monitor.Monitor) error {
	st := runStatus{PID: os.Getpid(), Plan: plan, StartedAt: started.UTC().Format(time.RFC3339Nano),
		UpdatedAt: time.Now().UTC().Format(time.RFC3339Nano), Running: running}
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
		st.Accounts = append(st.Accounts, accountStatus{ID: m.Account().ID, State: state, LastError: lastErr,
			FailureClass: class, Fix: fix,
			Received: s.Received.Load(), Dispatched: s.Dispatched.Load(), Pairing: s.PairingCodes.Load(),
			Sent: s.Sent.Load(), SendFailed: s.SendFailed.Load(), HandlerFailed: s.HandlerFailed.Load(),
			Restarts: s.Restarts.Load(), LastInboundAt: msTime(s.LastInbound.Load()),
			LastOutboundAt: msTime(s.LastOutbound.Load()), Drops: s.Drops()})
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, statusFile), append(b, '\n'))
}
