package imsg

import (
	"context"
	"log/slog"
	"strconv"
	"time"
)

// WaitOptions tunes WaitReady; zero fields take the monitor's values.
type WaitOptions struct {
	Timeout      time.Duration // 30 s
	PollInterval time.Duration // 500 ms, slept after each failed probe
	LogAfter     time.Duration // 10 s before the first "not ready" log
	LogInterval  time.Duration // 10 s between such logs
	Logger       *slog.Logger  // nil: slog.Default()
}

// NotReadyError ends WaitReady without a ready transport.
type NotReadyError struct {
	Fatal bool        // the probe said retrying cannot help
	Last  ProbeResult // the last probe's result
}

// Error is OpenClaw's: the probe's own text when fatal, else
// "imsg rpc not ready (<last error>)".
func (e *NotReadyError) Error() string {
	if e.Fatal {
		if e.Last.Error == "" {
			return "imsg rpc unavailable"
		}
		return e.Last.Error
	}
	return "imsg rpc not ready (" + lastProbeError(e.Last) + ")"
}

// Unwrap returns the last probe's typed cause.
func (e *NotReadyError) Unwrap() error { return e.Last.Err }

// The monitor's check turns a missing probe error into "unreachable".
func lastProbeError(r ProbeResult) string {
	if r.Error == "" {
		return "unreachable"
	}
	return r.Error
}

// WaitReady ports the monitor's start-up wait (waitForTransportReady in
// src/infra/transport-ready.ts with monitorIMessageProvider's settings):
// probe until it succeeds, sleeping PollInterval after each failure; a fatal
// result ends at once; after LogAfter, and then every LogInterval, log
// "imsg rpc not ready after <ms>ms (<err>)" at error level; at Timeout log
// "imsg rpc not ready after <Timeout ms>ms (<err>)" and return
// *NotReadyError. Where OpenClaw returns quietly when aborted, WaitReady
// returns ctx.Err().
func WaitReady(ctx context.Context, probe func(context.Context) ProbeResult, opts WaitOptions) error {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 500 * time.Millisecond
	}
	if opts.LogAfter <= 0 {
		opts.LogAfter = 10 * time.Second
	}
	if opts.LogInterval <= 0 {
		opts.LogInterval = 10 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	started := time.Now()
	deadline := started.Add(opts.Timeout)
	nextLog := started.Add(opts.LogAfter)
	var last ProbeResult
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		last = probe(ctx)
		if last.OK {
			return nil
		}
		if last.Fatal {
			return &NotReadyError{Fatal: true, Last: last}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		now := time.Now()
		if !now.Before(deadline) {
			break
		}
		if !now.Before(nextLog) {
			log.Error("imsg rpc not ready after " + strconv.FormatInt(now.Sub(started).Milliseconds(), 10) +
				"ms (" + lastProbeError(last) + ")")
			nextLog = now.Add(opts.LogInterval)
		}
		t := time.NewTimer(opts.PollInterval)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	log.Error("imsg rpc not ready after " + strconv.FormatInt(opts.Timeout.Milliseconds(), 10) +
		"ms (" + lastProbeError(last) + ")")
	return &NotReadyError{Last: last}
}
