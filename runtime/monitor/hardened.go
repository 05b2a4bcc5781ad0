package monitor

import (
	"strings"
	"sync"
	"time"
	"unicode"
)

// echoGuard is the hardened runtime's second echo check and its loop
// breaker. OpenClaw's echo cache keeps a sent text for 5 s and compares
// it exactly, so an echo that imsg reports late (is_from_me corrected
// after the watch emitted the row) or with its text mangled (attributed
// body, smart quotes, a dropped prefix) is answered. The guard keeps what
// the runtime sent per target for echoWindow, compares normalised text,
// and counts confirmed echo->reply cycles: an admitted message carrying
// text the bot sent to that chat. After loopCycles of them within
// loopWindow the chat's messages that carry the bot's text are
// dead-lettered instead of answered, where OpenClaw's limiter silences a
// chat after any five of the bot's own rows in a minute (its own long
// chunked replies included).
type echoGuard struct {
	mu     sync.Mutex
	sent   map[string][]sentText
	cycles map[string][]time.Time
}

type sentText struct {
	norm string
	at   time.Time
}

const (
	echoWindow = 2 * time.Minute
	loopWindow = 10 * time.Minute
	loopCycles = 3
	// echoMinLen: shorter texts ("ok", "thanks") are too common to call
	// an echo.
	echoMinLen = 12
)

func newEchoGuard() *echoGuard {
	return &echoGuard{sent: map[string][]sentText{}, cycles: map[string][]time.Time{}}
}

// normEcho folds case and keeps letters and digits only.
func normEcho(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func (g *echoGuard) remember(target, text string, now time.Time) {
	n := normEcho(text)
	if len(n) < echoMinLen {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	list := g.prune(g.sent[target], now, loopWindow)
	g.sent[target] = append(list, sentText{n, now})
	if len(g.sent) > 10_000 {
		for k, v := range g.sent {
			if len(g.prune(v, now, loopWindow)) == 0 {
				delete(g.sent, k)
			}
		}
	}
}

func (g *echoGuard) prune(list []sentText, now time.Time, keep time.Duration) []sentText {
	i := 0
	for i < len(list) && now.Sub(list[i].at) > keep {
		i++
	}
	return list[i:]
}

// verdict: "" to answer, "echo" when the text is one the bot sent to the
// target within echoWindow, "loop" when the breaker has tripped.
func (g *echoGuard) verdict(target, text string, now time.Time) string {
	n := normEcho(text)
	if len(n) < echoMinLen {
		return ""
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	carries := false
	for _, s := range g.prune(g.sent[target], now, loopWindow) {
		if s.norm == n && now.Sub(s.at) <= echoWindow {
			return "echo"
		}
		if strings.Contains(n, s.norm) || strings.Contains(s.norm, n) {
			carries = true
		}
	}
	if !carries {
		return ""
	}
	c := g.cycles[target]
	for len(c) > 0 && now.Sub(c[0]) > loopWindow {
		c = c[1:]
	}
	c = append(c, now)
	g.cycles[target] = c
	if len(c) > loopCycles {
		return "loop"
	}
	return ""
}
