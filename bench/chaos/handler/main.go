// Command handler is the chaos driver's message handler for
// `openclawcfg run PLAN -- handler LOG`. It reads the inbound context from
// stdin, appends one line per numbered token of the message to LOG
//
//	<token>\t<Redelivered>\t<Delayed>\t<MessageSid>\t<pid>\t<unix ns>
//
// before doing anything else (so a handler killed mid-run still counts as
// handed the message), sleeps when the text says "sleep=MS" (so the driver
// can kill openclawcfg while it runs), and replies "ack <token>...".
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	tokenRE = regexp.MustCompile(`\b(?:m|late)\d{6,}\b`)
	sleepRE = regexp.MustCompile(`\bsleep=(\d{1,5})\b`)
)

// input is the part of the inbound context the handler reads; Redelivered
// and Delayed are the durable runtime's markers (absent: false).
type input struct {
	RawBody     string `json:"RawBody"`
	MessageSid  string `json:"MessageSid"`
	Redelivered bool   `json:"Redelivered"`
	Delayed     bool   `json:"Delayed"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: handler LOG (the inbound context on stdin)")
		os.Exit(2)
	}
	b, err := io.ReadAll(io.LimitReader(os.Stdin, 8<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var in input
	if err := json.Unmarshal(b, &in); err != nil {
		fmt.Fprintln(os.Stderr, "context:", err)
		os.Exit(1)
	}
	// RawBody, not Body: a group's Body also carries earlier messages as
	// history, which must not count as handed over again.
	tokens := tokenRE.FindAllString(in.RawBody, -1)
	if len(tokens) == 0 {
		return // not one of the driver's messages: no reply
	}
	var lines strings.Builder
	now := time.Now().UnixNano()
	for _, t := range tokens {
		fmt.Fprintf(&lines, "%s\t%t\t%t\t%s\t%d\t%d\n", t, in.Redelivered, in.Delayed, in.MessageSid, os.Getpid(), now)
	}
	// One O_APPEND write per invocation: concurrent handlers never
	// interleave inside a line.
	f, err := os.OpenFile(os.Args[1], os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := f.WriteString(lines.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f.Close()
	if m := sleepRE.FindStringSubmatch(in.RawBody); m != nil {
		ms, _ := strconv.Atoi(m[1])
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	fmt.Print("ack " + strings.Join(tokens, " "))
}
