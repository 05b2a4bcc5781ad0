package main

import (
	"slices"
	"time"
)

// quant is a latency distribution in nanoseconds.
type quant struct {
	Count                          int
	Mean, P50, P90, P99, P999, Max int64
}

// quantiles sorts v (in place) and reads its nearest-rank quantiles.
func quantiles(v []int64) quant {
	q := quant{Count: len(v)}
	if len(v) == 0 {
		return q
	}
	slices.Sort(v)
	at := func(p float64) int64 {
		i := int(p*float64(len(v))+0.5) - 1
		return v[min(max(i, 0), len(v)-1)]
	}
	var sum float64
	for _, x := range v {
		sum += float64(x)
	}
	q.Mean = int64(sum / float64(len(v)))
	q.P50, q.P90, q.P99, q.P999, q.Max = at(0.50), at(0.90), at(0.99), at(0.999), v[len(v)-1]
	return q
}

// window is the latency of messages [From, To).
type window struct {
	From, To int
	Q        quant
}

// result is what the fake measured in one run.
type result struct {
	N              int
	Rate           float64
	Expected       int64 // allowlisted messages (each should be answered once)
	Replied        int64
	Missing        int64
	Duplicates     int64 // a second send for one message
	Unexpected     int64 // sends matching no message
	WrongTo        int64 // replies sent to another handle than the sender
	PairingReplies int64 // sends to strangers (pairing codes)
	Sends          int64
	EchoRows       int64
	Resubscribes   int64   // watch.subscribe calls after the first
	StreamSeconds  float64 // first notification to last
	AchievedRate   float64
	Latency        quant // reply read - notification written
	Corrected      quant // reply read - notification due (counts the fake's own lateness)
	Lag            quant // notification written - due
	Windows        []window
	FakeCPUSeconds float64
}

func ms(ns int64) float64 { return float64(ns) / float64(time.Millisecond) }
