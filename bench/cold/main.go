// Command cold times cold starts of a command: it runs it N times, one
// after another, and prints the mean and the fastest wall time in
// milliseconds. Both sides of bench/bench.sh are timed by it, so the
// process-spawn cost is the same for each.
//
//	go run ./bench/cold -n 30 -- openclawcfg vet file.json5
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() {
	n := flag.Int("n", 20, "runs")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: cold [-n N] -- command [args...]")
		os.Exit(2)
	}
	var times []time.Duration
	for range *n {
		cmd := exec.Command(args[0], args[1:]...)
		start := time.Now()
		_ = cmd.Run() // findings exit 1; only the time matters
		times = append(times, time.Since(start))
	}
	var total time.Duration
	for _, t := range times {
		total += t
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("%.2f %.2f\n", ms(total/time.Duration(len(times))), ms(slices.Min(times)))
}
