package monitor

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff is OpenClaw's channel restart policy (server-channels.ts): attempt
// n waits min(300 s, round(5 s × 2^(n−1) × (1 + 0.1·rand))), at most 10
// attempts, and the counter is never reset by a successful restart.
type Backoff struct {
	Base     time.Duration // 5 s
	Max      time.Duration // 300 s
	Attempts int           // 10
}

// DefaultBackoff is OpenClaw 2026.3.24's.
var DefaultBackoff = Backoff{Base: 5 * time.Second, Max: 300 * time.Second, Attempts: 10}

// Delay is attempt n's wait (n starts at 1).
func (b Backoff) Delay(n int, jitter float64) time.Duration {
	d := float64(b.Base) * math.Pow(2, float64(n-1)) * (1 + 0.1*jitter)
	return min(time.Duration(math.Round(d/float64(time.Millisecond)))*time.Millisecond, b.Max)
}

// Supervise runs every monitor until ctx ends, restarting each after it
// ends (imsg exited, or it failed to start) with b's backoff. One account's
// failures never touch another's. It returns when every monitor has ended
// for good: ctx ended, or an account gave up after b.Attempts restarts.
func Supervise(ctx context.Context, ms []*Monitor, b Backoff) {
	var wg sync.WaitGroup
	for _, m := range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			supervise(ctx, m, b)
		}()
	}
	wg.Wait()
}

// StablePeriod is how long a lifetime must have run for the restart
// counter to start again from 1: a channel that fails once a day is not
// given up on after ten days.
var StablePeriod = 10 * time.Minute

func supervise(ctx context.Context, m *Monitor, b Backoff) {
	attempt := 0
	for {
		started := time.Now()
		err := m.Run(ctx)
		if ctx.Err() != nil {
			m.opt.Stats.SetState("stopped", "")
			return // a manual stop is never restarted
		}
		f, ok := err.(*Failure)
		if !ok {
			f = &Failure{Class: ClassCrashed, Message: "imsg rpc closed"}
			if err != nil {
				f.Message = err.Error()
			}
		}
		if f.Deliberate {
			m.log.Warn("imessage: restarting imsg: " + f.Message)
			m.opt.Stats.Restarts.Add(1)
			m.opt.Stats.SetState("restarting", f.Message)
			continue
		}
		m.opt.Stats.SetFailure(f)
		if f.Permanent {
			m.log.Error("channel stopped: "+f.Message, "class", f.Class, "fix", f.Fix)
			m.opt.Stats.SetState("failed", f.Error())
			return
		}
		m.log.Error("channel exited: "+f.Message, "class", f.Class)
		if time.Since(started) >= StablePeriod {
			attempt = 0
		}
		attempt++
		if attempt > b.Attempts {
			m.log.Error("giving up after " + itoa(b.Attempts) + " restart attempts")
			m.opt.Stats.SetState("gave up", f.Error())
			return
		}
		d := b.Delay(attempt, rand.Float64())
		m.log.Warn("auto-restart attempt "+itoa(attempt)+"/"+itoa(b.Attempts)+" in "+secs(d), "attempt", attempt)
		m.opt.Stats.Restarts.Add(1)
		m.opt.Stats.SetState("restarting", f.Error())
		select {
		case <-ctx.Done():
			m.opt.Stats.SetState("stopped", "")
			return
		case <-time.After(d):
		}
	}
}

func itoa(n int) string { return formatInt(int64(n)) }

func secs(d time.Duration) string {
	return formatInt(int64(math.Round(d.Seconds()))) + "s"
}
