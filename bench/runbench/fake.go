package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// envRPC carries the fake's configuration (JSON) from the driver, through
// openclawcfg run, to every `runbench rpc` process it starts.
const envRPC = "RUNBENCH_RPC"

// fakeConfig is what the driver tells the fake imsg.
type fakeConfig struct {
	N               int     `json:"n"`               // messages to stream
	Rate            float64 `json:"rate"`            // messages a second
	Senders         int     `json:"senders"`         // allowlisted senders, one DM chat each
	Strangers       float64 `json:"strangers"`       // fraction of messages from strangers
	StrangerSenders int     `json:"strangerSenders"` // distinct strangers
	EchoRows        bool    `json:"echoRows"`        // emit the is_from_me row of every send
	Socket          string  `json:"socket"`          // the driver's unix socket ("" : none)
	Progress        int     `json:"progress"`        // report every this many messages
	DrainMs         int     `json:"drainMs"`         // wait this long for the last replies
}

// event is one line the fake sends the driver.
type event struct {
	Kind    string  `json:"kind"` // "progress", "heartbeat", "result" or "error"
	Sent    int     `json:"sent,omitempty"`
	Replied int64   `json:"replied,omitempty"`
	Msg     string  `json:"msg,omitempty"`
	Result  *result `json:"result,omitempty"`
}

// fake is one `runbench rpc` process: a minimal imsg 0.9 on stdio.
type fake struct {
	cfg  fakeConfig
	base time.Time

	outMu sync.Mutex
	out   io.Writer

	// sentAt[seq] is when notification seq was written (ns since base;
	// 0 until then); lat and corr are filled by the reader only.
	sentAt  []atomic.Int64
	lat     []int64 // reply read - notification written
	corr    []int64 // reply read - when the schedule wanted the notification
	lag     []int64 // notification written - its scheduled time
	start   atomic.Int64
	replied atomic.Int64
	written atomic.Int64 // notifications written

	// recMu guards what the reader records (lat, corr and the counts);
	// summarise reads them under it.
	recMu                                                                          sync.Mutex
	duplicates, unexpected, pairingReplies, sends, echoRows, wrongTo, resubscribes int64

	db        *chatDB
	subs, sub atomic.Int64 // subscriptions made; the one the stream carries

	streaming  atomic.Bool
	streamDone chan struct{} // closed when the stream has reported
	stop       chan struct{}
	stopOnce   sync.Once
	evMu       sync.Mutex // guards sending on events against closing it
	evClosed   bool
	events     chan event
	evDone     chan struct{}
}

// isStranger says whether message seq comes from a stranger: a fixed,
// evenly spread fraction (splitmix64 of seq).
func (c *fakeConfig) isStranger(seq int) bool {
	if c.Strangers <= 0 {
		return false
	}
	z := uint64(seq) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11)/(1<<53) < c.Strangers
}

// sender is the handle and chat of message seq.
func (c *fakeConfig) sender(seq int) (string, int) {
	if c.isStranger(seq) {
		k := seq % max(c.StrangerSenders, 1)
		return strangerHandle(k), 1_000_000 + k
	}
	j := seq % max(c.Senders, 1)
	return senderHandle(j), j + 1
}

// target is the chat and handle a send goes to (a handle, or a chat_id
// as OpenClaw addresses pairing replies); known is false for any other.
func (c *fakeConfig) target(p *sendParams) (chat int, handle string, known bool) {
	if n, ok := handleIndex(p.To, "+1555"); ok && n < c.Senders {
		return n + 1, p.To, true
	}
	if n, ok := handleIndex(p.To, "+1666"); ok && n < c.StrangerSenders {
		return 1_000_000 + n, p.To, true
	}
	id, err := p.ChatID.Int64()
	switch {
	case err != nil:
	case id >= 1 && id <= int64(c.Senders):
		return int(id), senderHandle(int(id) - 1), true
	case id >= 1_000_000 && id < 1_000_000+int64(c.StrangerSenders):
		return int(id), strangerHandle(int(id) - 1_000_000), true
	}
	return 0, "", false
}

// handleIndex reads the 0-based index back from a handle of senderHandle
// or strangerHandle.
func handleIndex(h, prefix string) (int, bool) {
	if len(h) != len(prefix)+7 || !strings.HasPrefix(h, prefix) {
		return 0, false
	}
	n, err := strconv.Atoi(h[len(prefix):])
	return n - 1, err == nil && n >= 1
}

// expected is how many messages should be answered: the allowlisted ones.
func (c *fakeConfig) expected() int {
	n := 0
	for seq := range c.N {
		if !c.isStranger(seq) {
			n++
		}
	}
	return n
}

// rpcMain is `runbench rpc ...` as openclawcfg run starts it.
func rpcMain(args []string) int {
	for _, a := range args {
		if a == "--help" || a == "-h" {
			// probeRpcSupport only needs exit 0 without "unknown command".
			fmt.Print("imsg rpc\nRun a JSON-RPC server over stdin/stdout (runbench fake)\n\nUsage:\n  imsg rpc [--db <path>] [--json]\n")
			return 0
		}
	}
	// The fake inherits openclawcfg's environment; settings meant for the
	// runtime (-env GOMAXPROCS=1, GOGC=...) must not change the fake.
	runtime.GOMAXPROCS(runtime.NumCPU())
	debug.SetGCPercent(100)
	var cfg fakeConfig
	if err := json.Unmarshal([]byte(os.Getenv(envRPC)), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "runbench rpc: %s is not set or not JSON (the driver sets it): %v\n", envRPC, err)
		return 2
	}
	f := newFake(cfg, os.Stdout)
	f.serve(os.Stdin)
	f.finish()
	return 0
}

func newFake(cfg fakeConfig, out io.Writer) *fake {
	if cfg.Progress <= 0 {
		cfg.Progress = 1000
	}
	if cfg.DrainMs <= 0 {
		cfg.DrainMs = 30_000
	}
	f := &fake{
		cfg: cfg, base: time.Now(), out: out, stop: make(chan struct{}),
		db: newChatDB(cfg.Senders, cfg.StrangerSenders),
	}
	return f
}

func (f *fake) now() int64 { return int64(time.Since(f.base)) }

// write sends one line: imsg writes each line with one write, never
// interleaved.
func (f *fake) write(line []byte) {
	f.outMu.Lock()
	f.out.Write(line)
	f.outMu.Unlock()
}

// serve reads requests until EOF, answering each at once.
func (f *fake) serve(in io.Reader) {
	r := bufio.NewReaderSize(in, 1<<16)
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		t := f.now()
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line = append(long, line...)
			long = nil
		}
		if len(line) > 0 {
			f.handle(line, t)
		}
		if err != nil {
			return
		}
	}
}

type request struct {
	ID     json.RawMessage `json:"id"`
	Method *string         `json:"method"`
	Params json.RawMessage `json:"params"`
}

// handle answers one request line read at t.
func (f *fake) handle(line []byte, t int64) {
	line = trimSpace(line)
	if len(line) == 0 {
		return
	}
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		f.respondError(nil, -32700, "Parse error", err.Error())
		return
	}
	if req.Method == nil || *req.Method == "" {
		f.respondError(req.ID, -32600, "Invalid Request", "method is required")
		return
	}
	switch *req.Method {
	case "chats.list":
		f.respond(req.ID, f.db.chatsList(req.Params))
	case "messages.history":
		f.respond(req.ID, f.db.history(req.Params))
	case "watch.subscribe":
		// Subscription numbers count up per process; the stream carries
		// the newest. A resubscribe (the runtime does one after filling a
		// gap) does not replay: the fake never skips a row.
		sub := f.subs.Add(1)
		f.sub.Store(sub)
		if f.streaming.CompareAndSwap(false, true) {
			// Allocated here, on the reader, before any send can name them.
			n := f.cfg.N
			f.sentAt, f.lat, f.corr, f.lag = make([]atomic.Int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
			f.events, f.evDone, f.streamDone = make(chan event, 4096), make(chan struct{}), make(chan struct{})
			f.respond(req.ID, fmt.Sprintf(`{"subscription":%d}`, sub))
			go f.stream()
		} else {
			f.respond(req.ID, fmt.Sprintf(`{"subscription":%d}`, sub))
			f.recMu.Lock()
			f.resubscribes++
			f.recMu.Unlock()
		}
	case "watch.unsubscribe":
		f.respond(req.ID, `{"ok":true}`)
		if int64(intParam(req.Params, "subscription", 0)) == f.sub.Load() {
			f.stopOnce.Do(func() { close(f.stop) })
		}
	case "send":
		f.send(req.ID, req.Params, t)
	default:
		f.respondError(req.ID, -32601, "Method not found", *req.Method)
	}
}

type sendParams struct {
	To     string      `json:"to"`
	ChatID json.Number `json:"chat_id"`
	Text   string      `json:"text"`
}

// toStranger reports whether a send goes to a stranger: a pairing reply,
// which OpenClaw addresses to the DM's chat_id when the row had one.
func (p *sendParams) toStranger() bool {
	if strings.HasPrefix(p.To, "+1666") {
		return true
	}
	id, err := p.ChatID.Int64()
	return err == nil && id >= 1_000_000
}

// send records the latency of a reply and answers as imsg's AppleScript
// path does ({ok, transport, id, guid}); with echo rows it then emits the
// sent row (is_from_me) like imsg's watch.
func (f *fake) send(id json.RawMessage, raw json.RawMessage, t int64) {
	var p sendParams
	_ = json.Unmarshal(raw, &p) // a malformed send is answered and counted as unexpected
	now := time.Now()
	chat, handle, known := f.cfg.target(&p)
	// The sent row is in chat.db as the watch would emit it.
	rowid := f.db.insert(chat, handle, p.Text, true, now, known && f.cfg.EchoRows)
	seq, ok := parseSeq(p.Text)
	f.recMu.Lock()
	f.sends++
	switch {
	case ok && seq < len(f.sentAt) && f.sentAt[seq].Load() != 0 && !f.cfg.isStranger(seq):
		if h, _ := f.cfg.sender(seq); h != p.To {
			f.wrongTo++
		}
		if f.lat[seq] != 0 {
			f.duplicates++
			break
		}
		f.lat[seq] = max(t-f.sentAt[seq].Load(), 1)
		f.corr[seq] = max(t-f.scheduled(seq), 1)
		f.replied.Add(1)
	case p.toStranger():
		f.pairingReplies++
	default:
		f.unexpected++
	}
	f.recMu.Unlock()
	f.respond(id, fmt.Sprintf(`{"ok":true,"transport":"applescript","id":%d,"guid":"BENCH-%d"}`, rowid, rowid))
	if !f.cfg.EchoRows || !known {
		return
	}
	f.recMu.Lock()
	f.echoRows++
	f.recMu.Unlock()
	f.write(appendMessage(nil, f.sub.Load(), rowid, chat, handle, p.Text, true, now))
}

// scheduled is when message seq is due (ns since base).
func (f *fake) scheduled(seq int) int64 {
	return f.start.Load() + int64(float64(seq)*1e9/f.cfg.Rate)
}

func (f *fake) respond(id json.RawMessage, result string) {
	if id == nil {
		return // a notification-style request gets no success line
	}
	f.write([]byte(`{"jsonrpc":"2.0","id":` + string(id) + `,"result":` + result + "}\n"))
}

func (f *fake) respondError(id json.RawMessage, code int, msg, data string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	d, _ := json.Marshal(data)
	f.write(fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"error":{"code":%d,"message":%q,"data":%s}}`+"\n", id, code, msg, d))
}

// stream writes the N notifications on schedule (open loop: message i is
// due at start + i/rate whatever happened to earlier ones), then waits for
// the replies and reports the result.
func (f *fake) stream() {
	c := f.cfg
	defer close(f.streamDone)
	go f.reporter()
	expected := int64(c.expected())
	f.start.Store(f.now())
	var buf []byte
	wallStart := time.Now()
	for seq := 0; seq < c.N; seq++ {
		due := f.scheduled(seq)
		if d := due - f.now(); d > 0 {
			time.Sleep(time.Duration(d))
		}
		select {
		case <-f.stop:
			f.report(event{Kind: "error", Msg: fmt.Sprintf("unsubscribed after %d messages", seq)})
			f.closeEvents()
			return
		default:
		}
		h, chat := c.sender(seq)
		text, now := messageText(seq), time.Now()
		rowid := f.db.insert(chat, h, text, false, now, true)
		buf = appendMessage(buf[:0], f.sub.Load(), rowid, chat, h, text, false, now)
		f.outMu.Lock()
		t := f.now()
		f.sentAt[seq].Store(t)
		f.out.Write(buf)
		f.outMu.Unlock()
		f.lag[seq] = t - due
		f.written.Store(int64(seq + 1))
		if (seq+1)%c.Progress == 0 || seq+1 == c.N {
			f.report(event{Kind: "progress", Sent: seq + 1, Replied: f.replied.Load()})
		}
	}
	streamed := time.Since(wallStart)
	deadline := time.Now().Add(time.Duration(c.DrainMs) * time.Millisecond)
	for f.replied.Load() < expected && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let a late duplicate show
	f.recMu.Lock()
	res := f.summarise(expected, streamed)
	f.recMu.Unlock()
	f.report(event{Kind: "result", Result: res})
	f.closeEvents()
}

func (f *fake) report(e event) {
	f.evMu.Lock()
	defer f.evMu.Unlock()
	if f.events == nil || f.evClosed {
		return
	}
	if e.Kind != "progress" {
		f.events <- e
		return
	}
	select {
	case f.events <- e:
	default: // never hold the stream up for the driver
	}
}

func (f *fake) closeEvents() {
	f.evMu.Lock()
	f.evClosed = true
	close(f.events)
	f.evMu.Unlock()
	<-f.evDone
}

// reporter sends events to the driver's socket, one JSON line each.
func (f *fake) reporter() {
	defer close(f.evDone)
	var w io.Writer = io.Discard
	if f.cfg.Socket != "" {
		if conn, err := net.Dial("unix", f.cfg.Socket); err == nil {
			defer conn.Close()
			w = conn
		} else {
			fmt.Fprintln(os.Stderr, "runbench rpc: driver socket:", err)
		}
	}
	enc := json.NewEncoder(w)
	// A heartbeat each second: a runtime that stops reading blocks the
	// stream's writes (backpressure), and the driver should see the counts
	// stand still rather than silence.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-f.events:
			if !ok {
				return
			}
			enc.Encode(e)
		case <-tick.C:
			enc.Encode(event{Kind: "heartbeat", Sent: int(f.written.Load()), Replied: f.replied.Load()})
		}
	}
}

// finish runs at stdin EOF.
func (f *fake) finish() {
	f.stopOnce.Do(func() { close(f.stop) })
}

// summarise turns the recorded times into the result.
func (f *fake) summarise(expected int64, streamed time.Duration) *result {
	c := f.cfg
	r := &result{
		N: c.N, Rate: c.Rate, Expected: expected, Replied: f.replied.Load(),
		Duplicates: f.duplicates, Unexpected: f.unexpected, PairingReplies: f.pairingReplies,
		Sends: f.sends, EchoRows: f.echoRows, WrongTo: f.wrongTo, Resubscribes: f.resubscribes,
		StreamSeconds: streamed.Seconds(), AchievedRate: float64(c.N) / streamed.Seconds(),
	}
	r.Missing = r.Expected - r.Replied
	var lat, corr []int64
	for seq := range c.N {
		if f.lat[seq] != 0 {
			lat = append(lat, f.lat[seq])
			corr = append(corr, f.corr[seq])
		}
	}
	r.Latency = quantiles(lat)
	r.Corrected = quantiles(corr)
	r.Lag = quantiles(append([]int64(nil), f.lag...))
	// Ten windows in message order show whether latency drifts with time.
	w := max(c.N/10, 1)
	for lo := 0; lo < c.N; lo += w {
		hi := min(lo+w, c.N)
		var part []int64
		for seq := lo; seq < hi; seq++ {
			if f.lat[seq] != 0 {
				part = append(part, f.lat[seq])
			}
		}
		r.Windows = append(r.Windows, window{From: lo, To: hi, Q: quantiles(part)})
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.FakeCPUSeconds = tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
	}
	return r
}

func tvSeconds(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}
