//go:build unix

package imsg

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestWaitReadySucceeds(t *testing.T) {
	n := 0
	err := WaitReady(context.Background(), func(context.Context) ProbeResult {
		if n++; n < 4 {
			return ProbeResult{Error: "not yet"}
		}
		return ProbeResult{OK: true}
	}, WaitOptions{PollInterval: 10 * time.Millisecond, Logger: discardLogger()})
	if err != nil || n != 4 {
		t.Fatalf("err %v after %d probes", err, n)
	}
}

func TestWaitReadyTimesOutAndLogs(t *testing.T) {
	logs := &logCapture{}
	n := 0
	start := time.Now()
	cause := errors.New("cause")
	err := WaitReady(context.Background(), func(context.Context) ProbeResult {
		n++
		return ProbeResult{Error: "Error: imsg rpc timeout (chats.list)", Err: cause}
	}, WaitOptions{
		Timeout: 300 * time.Millisecond, PollInterval: 20 * time.Millisecond,
		LogAfter: 100 * time.Millisecond, LogInterval: 100 * time.Millisecond, Logger: slogNew(logs),
	})
	elapsed := time.Since(start)
	var nr *NotReadyError
	if !errors.As(err, &nr) || nr.Fatal || !errors.Is(err, cause) {
		t.Fatalf("got %#v", err)
	}
	if err.Error() != "imsg rpc not ready (Error: imsg rpc timeout (chats.list))" {
		t.Errorf("text %q", err.Error())
	}
	if elapsed < 300*time.Millisecond || elapsed > 2*time.Second || n < 8 {
		t.Errorf("%d probes in %v", n, elapsed)
	}
	recs := logs.all()
	if len(recs) < 2 {
		t.Fatalf("logs %s", logs)
	}
	re := regexp.MustCompile(`^imsg rpc not ready after (\d+)ms \(Error: imsg rpc timeout \(chats\.list\)\)$`)
	prev := 0
	for i, r := range recs[:len(recs)-1] {
		m := re.FindStringSubmatch(r.msg)
		if m == nil || r.level.String() != "ERROR" {
			t.Fatalf("log %d: %q", i, r.msg)
		}
		ms, _ := strconv.Atoi(m[1])
		if ms < 100 || (i > 0 && ms-prev < 100) {
			t.Errorf("log %d at %d ms (previous %d)", i, ms, prev)
		}
		prev = ms
	}
	if last := recs[len(recs)-1].msg; last != "imsg rpc not ready after 300ms (Error: imsg rpc timeout (chats.list))" {
		t.Errorf("final log %q", last)
	}
	if len(recs) > 4 {
		t.Errorf("%d logs in 300 ms with a 100 ms interval", len(recs))
	}
}

func TestWaitReadyFatal(t *testing.T) {
	n := 0
	err := WaitReady(context.Background(), func(context.Context) ProbeResult {
		n++
		return ProbeResult{Fatal: true, Error: `imsg CLI does not support the "rpc" subcommand (update imsg)`}
	}, WaitOptions{Logger: discardLogger()})
	var nr *NotReadyError
	if !errors.As(err, &nr) || !nr.Fatal || n != 1 || err.Error() != `imsg CLI does not support the "rpc" subcommand (update imsg)` {
		t.Fatalf("%d probes: %v", n, err)
	}
	if (&NotReadyError{Fatal: true}).Error() != "imsg rpc unavailable" {
		t.Error("fatal without text")
	}
}

func TestWaitReadyEmptyErrorIsUnreachable(t *testing.T) {
	err := WaitReady(context.Background(), func(context.Context) ProbeResult { return ProbeResult{} },
		WaitOptions{Timeout: 30 * time.Millisecond, PollInterval: 10 * time.Millisecond, Logger: discardLogger()})
	if err == nil || err.Error() != "imsg rpc not ready (unreachable)" {
		t.Fatal(err)
	}
}

func TestWaitReadyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := WaitReady(ctx, func(context.Context) ProbeResult { return ProbeResult{Error: "x"} },
		WaitOptions{PollInterval: time.Hour, Logger: discardLogger()})
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
}
