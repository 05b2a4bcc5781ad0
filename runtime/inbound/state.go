package inbound

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// State is what one running account remembers between messages, as the
// OpenClaw monitor keeps it in memory: the sent-message (echo) cache, the
// self-chat cache, the pending group histories, the echo-loop rate limiter
// and when each session last saw a message. A fresh State is what a newly
// started gateway has. It is not safe for concurrent use; the runtime
// serialises access per account.
type State struct {
	echo      echoCache
	selfChat  selfChatCache
	histories historyMap
	limiter   loopLimiter
	sessions  *Sessions
}

// NewState returns an empty state.
func NewState() *State {
	return &State{
		echo:      echoCache{text: map[string]int64{}, id: map[string]int64{}},
		selfChat:  selfChatCache{entries: map[string]*list.Element{}, order: list.New()},
		histories: historyMap{entries: map[string]*list.Element{}, order: list.New()},
		limiter:   loopLimiter{convs: map[string][]int64{}},
		sessions:  NewSessions(),
	}
}

// Reset empties the state, as if the gateway had just started, keeping its
// allocations for reuse.
func (s *State) Reset() {
	clear(s.echo.text)
	clear(s.echo.id)
	clear(s.selfChat.entries)
	s.selfChat.order.Init()
	s.selfChat.lastCleanup = 0
	clear(s.histories.entries)
	s.histories.order.Init()
	clear(s.limiter.convs)
	s.limiter.lastCleanup = 0
	s.sessions.mu.Lock()
	clear(s.sessions.t.entries)
	s.sessions.t.order.Init()
	s.sessions.mu.Unlock()
}

// Sessions is when each agent session last saw a message: OpenClaw's
// session store, which all accounts of a gateway share (a DM on any account
// under dmScope "main" lands in agent:<id>:main). It drives the envelope's
// "+elapsed" marker. Safe for concurrent use.
type Sessions struct {
	mu sync.Mutex
	t  sessionTimes
}

// NewSessions returns an empty session store.
func NewSessions() *Sessions {
	return &Sessions{t: sessionTimes{entries: map[string]*list.Element{}, order: list.New()}}
}

func (s *Sessions) get(key string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t.get(key)
}

func (s *Sessions) set(key string, at int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t.set(key, at)
}

// RememberSent records an outbound send as deliverReplies does, under the
// scope "<account>:<target>" (target as the reply's To: "imessage:<handle>"
// or "chat_id:<id>"): call it with the whole reply text before sending, then
// with each chunk and the id the send returned.
func (s *State) RememberSent(accountID, target, text, messageID string, now time.Time) {
	s.echo.remember(accountID+":"+target, text, messageID, now.UnixMilli())
}

// --- echo cache (extensions/imessage/src/monitor/echo-cache.ts) ---

const (
	echoTextTTL = 5_000
	echoIDTTL   = 60_000
	// echoMax bounds memory under a flood; OpenClaw's cache is bounded by
	// its TTLs only. At 5 s/60 s TTLs it is never reached below ~15
	// sends a second.
	echoMax = 1000
)

type echoCache struct {
	text, id map[string]int64
}

func echoTextKey(text string) string {
	return openclaw.TrimJS(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"))
}

func echoIDKey(id string) string {
	t := openclaw.TrimJS(id)
	if t == "ok" || t == "unknown" {
		return ""
	}
	return t
}

func (c *echoCache) remember(scope, text, id string, now int64) {
	if k := echoTextKey(text); k != "" {
		c.text[scope+":"+k] = now
	}
	if k := echoIDKey(id); k != "" {
		c.id[scope+":"+k] = now
	}
	c.cleanup(now)
}

func (c *echoCache) has(scope, text, id string, now int64) bool {
	if len(c.text) == 0 && len(c.id) == 0 {
		return false
	}
	c.cleanup(now)
	if k := echoIDKey(id); k != "" {
		if t, ok := c.id[scope+":"+k]; ok && t != 0 && now-t <= echoIDTTL {
			return true
		}
	}
	if k := echoTextKey(text); k != "" {
		if t, ok := c.text[scope+":"+k]; ok && t != 0 && now-t <= echoTextTTL {
			return true
		}
	}
	return false
}

func (c *echoCache) cleanup(now int64) {
	for k, t := range c.text {
		if now-t > echoTextTTL {
			delete(c.text, k)
		}
	}
	for k, t := range c.id {
		if now-t > echoIDTTL {
			delete(c.id, k)
		}
	}
	for _, m := range []map[string]int64{c.text, c.id} {
		for len(m) > echoMax {
			oldestK, oldestT := "", int64(1<<62)
			for k, t := range m {
				if t < oldestT {
					oldestK, oldestT = k, t
				}
			}
			delete(m, oldestK)
		}
	}
}

// --- self-chat cache (monitor/self-chat-cache.ts) ---

const (
	selfChatTTL        = 10_000
	selfChatMax        = 512
	selfChatCleanupGap = 1_000
)

type selfChatCache struct {
	entries     map[string]*list.Element // key -> element holding selfChatEntry
	order       *list.List               // insertion order (Map order)
	lastCleanup int64
}

type selfChatEntry struct {
	key string
	at  int64
}

// selfChatKey is buildKey: scope, the row's timestamp and a digest of its
// text; no key without text or a usable timestamp.
func selfChatKey(accountID string, isGroup bool, chatID, sender, text string, createdAt *int64) string {
	t := echoTextKey(text)
	if t == "" || createdAt == nil {
		return ""
	}
	scope := accountID + ":imessage:" + sender
	if isGroup {
		target := "chat_id:unknown"
		if chatID != "" {
			target = "chat_id:" + chatID
		}
		scope = accountID + ":" + target + ":imessage:" + sender
	}
	sum := sha256.Sum256([]byte(t))
	return scope + ":" + formatMs(*createdAt) + ":" + hex.EncodeToString(sum[:])
}

func (c *selfChatCache) remember(key string, now int64) {
	if key == "" {
		return
	}
	// Map.set keeps an existing key's position.
	if e, ok := c.entries[key]; ok {
		e.Value.(*selfChatEntry).at = now
	} else {
		c.entries[key] = c.order.PushBack(&selfChatEntry{key: key, at: now})
	}
	c.maybeCleanup(now)
}

// empty reports whether nothing is cached (so no key need be computed).
func (c *selfChatCache) empty() bool { return c.order.Len() == 0 }

func (c *selfChatCache) has(key string, now int64) bool {
	c.maybeCleanup(now)
	if key == "" {
		return false
	}
	e, ok := c.entries[key]
	return ok && now-e.Value.(*selfChatEntry).at <= selfChatTTL
}

func (c *selfChatCache) maybeCleanup(now int64) {
	if now-c.lastCleanup < selfChatCleanupGap {
		return
	}
	c.lastCleanup = now
	for e := c.order.Front(); e != nil; {
		next := e.Next()
		if en := e.Value.(*selfChatEntry); now-en.at > selfChatTTL {
			delete(c.entries, en.key)
			c.order.Remove(e)
		}
		e = next
	}
	for c.order.Len() > selfChatMax {
		e := c.order.Front()
		delete(c.entries, e.Value.(*selfChatEntry).key)
		c.order.Remove(e)
	}
}

// --- pending group history (src/auto-reply/reply/history.ts) ---

const maxHistoryKeys = 1000

// HistoryEntry is one group message dropped for "no mention", kept for the
// next dispatched turn in that chat.
type HistoryEntry struct {
	Sender    string
	Body      string
	Timestamp *int64 // ms, nil when the row had no usable created_at
	Invalid   bool   // created_at was present but not a date (NaN)
	MessageID string
}

type historyMap struct {
	entries map[string]*list.Element // key -> element holding *historySlot
	order   *list.List               // least recently written first
}

type historySlot struct {
	key     string
	entries []HistoryEntry
}

func (h *historyMap) get(key string) []HistoryEntry {
	if e, ok := h.entries[key]; ok {
		return e.Value.(*historySlot).entries
	}
	return nil
}

// append is appendHistoryEntry: trim to the limit, move the key to the
// end, evict the oldest keys beyond 1000.
func (h *historyMap) append(key string, entry HistoryEntry, limit int) {
	if limit <= 0 {
		return
	}
	var slot *historySlot
	if e, ok := h.entries[key]; ok {
		slot = e.Value.(*historySlot)
		h.order.Remove(e)
	} else {
		slot = &historySlot{key: key}
	}
	slot.entries = append(slot.entries, entry)
	if n := len(slot.entries) - limit; n > 0 {
		slot.entries = append([]HistoryEntry(nil), slot.entries[n:]...)
	}
	h.entries[key] = h.order.PushBack(slot)
	for h.order.Len() > maxHistoryKeys {
		e := h.order.Front()
		delete(h.entries, e.Value.(*historySlot).key)
		h.order.Remove(e)
	}
}

// clear is clearHistoryEntries: the key stays, with no entries (Map.set of
// an existing key keeps its position).
func (h *historyMap) clear(key string) {
	if e, ok := h.entries[key]; ok {
		e.Value.(*historySlot).entries = nil
		return
	}
	h.entries[key] = h.order.PushBack(&historySlot{key: key})
	for h.order.Len() > maxHistoryKeys {
		e := h.order.Front()
		delete(h.entries, e.Value.(*historySlot).key)
		h.order.Remove(e)
	}
}

// --- echo-loop rate limiter (monitor/loop-rate-limiter.ts) ---

const (
	loopWindow  = 60_000
	loopMaxHits = 5
	loopCleanup = 120_000
)

type loopLimiter struct {
	convs       map[string][]int64
	lastCleanup int64
}

func (l *loopLimiter) cleanup(now int64) {
	if l.lastCleanup == 0 {
		// createLoopRateLimiter starts its cleanup clock at creation.
		l.lastCleanup = now
		return
	}
	if now-l.lastCleanup < loopCleanup {
		return
	}
	l.lastCleanup = now
	for k, ts := range l.convs {
		if recent := within(ts, now); len(recent) == 0 {
			delete(l.convs, k)
		} else {
			l.convs[k] = recent
		}
	}
}

func within(ts []int64, now int64) []int64 {
	out := ts[:0:0]
	for _, t := range ts {
		if now-t <= loopWindow {
			out = append(out, t)
		}
	}
	return out
}

func (l *loopLimiter) record(key string, now int64) {
	l.cleanup(now)
	l.convs[key] = append(l.convs[key], now)
}

func (l *loopLimiter) limited(key string, now int64) bool {
	l.cleanup(now)
	ts, ok := l.convs[key]
	if !ok {
		return false
	}
	recent := within(ts, now)
	l.convs[key] = recent
	return len(recent) >= loopMaxHits
}

// --- session "updatedAt" (for the envelope's elapsed marker) ---

const maxSessions = 10_000

type sessionTimes struct {
	entries map[string]*list.Element
	order   *list.List
}

type sessionTime struct {
	key string
	at  int64
}

func (s *sessionTimes) get(key string) (int64, bool) {
	if e, ok := s.entries[key]; ok {
		return e.Value.(*sessionTime).at, true
	}
	return 0, false
}

func (s *sessionTimes) set(key string, at int64) {
	if e, ok := s.entries[key]; ok {
		e.Value.(*sessionTime).at = at
		s.order.MoveToBack(e)
		return
	}
	s.entries[key] = s.order.PushBack(&sessionTime{key: key, at: at})
	for s.order.Len() > maxSessions {
		e := s.order.Front()
		delete(s.entries, e.Value.(*sessionTime).key)
		s.order.Remove(e)
	}
}

// PendingChat is one chat's pending group history.
type PendingChat struct {
	Key     string
	Entries []HistoryEntry
}

// PendingHistory lists the pending group histories, least recently written
// first (OpenClaw's Map order).
func (s *State) PendingHistory() []PendingChat {
	var out []PendingChat
	for e := s.histories.order.Front(); e != nil; e = e.Next() {
		slot := e.Value.(*historySlot)
		out = append(out, PendingChat{Key: slot.key, Entries: slot.entries})
	}
	return out
}

func formatMs(ms int64) string { return strconv.FormatInt(ms, 10) }
