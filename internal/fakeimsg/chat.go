package fakeimsg

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// chatCmd is the interactive side of a demo: each typed line becomes an
// inbound message from the current sender; rows the bot sends (is_from_me)
// and rows other tools add are printed as they appear in the file.
type chatCmd struct {
	DB     string        `name:"db" placeholder:"FILE" help:"The database file (the rpc server's --db)."`
	As     string        `name:"as" default:"+15551234567" placeholder:"HANDLE" help:"Who you are."`
	Group  int64         `name:"group" placeholder:"ID" help:"Start in this group chat (created when missing)."`
	Name   string        `name:"name" help:"The group's display name when it is created."`
	Linger time.Duration `name:"linger" default:"0s" help:"After the input ends, keep printing replies this long."`
}

const chatHelp = `Type a message and press Enter; it arrives as a message from you.
Commands:
  /as HANDLE              write as someone else (+15550002222, bob@example.com)
  /group ID ["NAME"]      switch to group chat ID (created when missing)
  /dm                     back to your direct chat
  /attach PATH[:MIME] [caption]   send a file (missing:true unless it exists here)
  /reply ROWID TEXT       reply inline to a message
  /react TYPE [ROWID]     tapback (love, like, dislike, laugh, emphasis, question) on ROWID or the bot's last message
  /fault NAME[=ARG]       inject a fault into the running rpc servers (see imsg-fake faults)
  /sleep MS               pause (for scripts)
  /wait [N] [SECONDS]     wait until N more bot messages arrived (default 1, 30 s)
  /quit                   leave (so does end of input)
  //text                  send text that starts with "/"
Bot messages are printed as "[chat] bot: text".`

type chatSession struct {
	e     *env
	app   *Appender
	path  string
	mu    sync.Mutex
	cond  *sync.Cond
	own   map[int64]bool
	bots  int    // bot rows seen
	last  string // guid of the bot's newest row
	from  string
	group int64
	name  string
	out   io.Writer
}

func (c *chatCmd) Run(e *env) error {
	path := e.dbPath(c.DB)
	s := &chatSession{e: e, app: NewAppender(path), path: path, own: map[int64]bool{}, from: c.As, group: c.Group, name: c.Name, out: e.stdout}
	s.cond = sync.NewCond(&s.mu)
	defer s.app.Close()
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("%s: %w (create it with: imsg-fake init --db %s)", path, err, path)
	}
	start, err := openDB(path)
	if err != nil {
		return err
	}
	cursor := start.maxRow
	start.close()
	if isTerminal(e.stdin) {
		fmt.Fprintf(e.stderr, "imsg-fake chat on %s as %s. /help for commands, Ctrl-D to quit.\n", path, s.from)
	}
	stop := make(chan struct{})
	tailDone := make(chan struct{})
	go s.tail(cursor, stop, tailDone)
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var runErr error
	for sc.Scan() {
		quit, err := s.line(strings.TrimRight(sc.Text(), "\r"))
		if err != nil {
			fmt.Fprintf(e.stderr, "imsg-fake chat: %v\n", err)
		}
		if quit {
			break
		}
	}
	if c.Linger > 0 {
		select {
		case <-time.After(c.Linger):
		case <-e.ctx.Done():
		}
	}
	close(stop)
	<-tailDone
	return runErr
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// line handles one input line; it reports whether to quit.
func (s *chatSession) line(l string) (bool, error) {
	if strings.TrimSpace(l) == "" {
		return false, nil
	}
	if !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//") {
		if strings.HasPrefix(l, "//") {
			l = l[1:]
		}
		return false, s.say(sayOpts{Text: l})
	}
	cmd, rest, _ := strings.Cut(strings.TrimSpace(l), " ")
	rest = strings.TrimSpace(rest)
	switch cmd {
	case "/quit", "/exit":
		return true, nil
	case "/help":
		fmt.Fprintln(s.out, chatHelp)
	case "/as":
		if rest == "" {
			return false, fmt.Errorf("/as needs a handle")
		}
		s.from = rest
	case "/dm":
		s.group = 0
	case "/group":
		idStr, name, _ := strings.Cut(rest, " ")
		id, err := strconv.ParseInt(idStr, 10, 64)
		if err != nil || id <= 0 {
			return false, fmt.Errorf("/group needs a chat id")
		}
		s.group, s.name = id, strings.Trim(strings.TrimSpace(name), `"'`)
	case "/attach":
		path, caption, _ := strings.Cut(rest, " ")
		if path == "" {
			return false, fmt.Errorf("/attach needs a path")
		}
		return false, s.say(sayOpts{Attach: []string{path}, Text: strings.TrimSpace(caption)})
	case "/reply":
		id, text, _ := strings.Cut(rest, " ")
		return false, s.say(sayOpts{ReplyTo: id, Text: strings.TrimSpace(text)})
	case "/react":
		typ, target, _ := strings.Cut(rest, " ")
		s.mu.Lock()
		if target == "" {
			target = s.last
		}
		s.mu.Unlock()
		if typ == "" || target == "" {
			return false, fmt.Errorf("/react needs a type and a message (none from the bot yet)")
		}
		return false, s.say(sayOpts{Tapback: typ, Target: strings.TrimSpace(target)})
	case "/fault":
		f, err := ParseFaults(rest)
		if err != nil || len(f) != 1 {
			return false, fmt.Errorf("/fault NAME[=ARG]: %v", err)
		}
		_, err = s.app.Append(Record{Fault: &f[0]})
		return false, err
	case "/sleep":
		ms, err := strconv.Atoi(rest)
		if err != nil {
			return false, fmt.Errorf("/sleep needs milliseconds")
		}
		time.Sleep(time.Duration(ms) * time.Millisecond)
	case "/wait":
		f := strings.Fields(rest)
		n, secs := 1, 30.0
		if len(f) > 0 {
			n, _ = strconv.Atoi(f[0])
		}
		if len(f) > 1 {
			secs, _ = strconv.ParseFloat(f[1], 64)
		}
		return false, s.wait(n, time.Duration(secs*float64(time.Second)))
	default:
		return false, fmt.Errorf("unknown command %s (/help lists them)", cmd)
	}
	return false, nil
}

func (s *chatSession) say(o sayOpts) error {
	o.From = s.from
	if s.group > 0 {
		o.Chat, o.Group, o.Name = s.group, true, s.name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	row, err := appendSay(s.app, o, s.e.home(), s.e.guids(), s.e.now())
	if err != nil {
		return err
	}
	s.own[row.ID] = true
	return nil
}

func (s *chatSession) wait(n int, timeout time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	target := s.bots + n
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	for s.bots < target {
		if !time.Now().Before(deadline) {
			return fmt.Errorf("/wait: %d of %d bot messages after %v", n-(target-s.bots), n, timeout)
		}
		s.cond.Wait()
	}
	return nil
}

// tail prints every row after cursor that this session did not write.
func (s *chatSession) tail(cursor int64, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	var d *db
	defer func() {
		if d != nil {
			d.close()
		}
	}()
	poll := s.e.pollInterval()
	for {
		if d == nil || !d.sameFile() {
			if d != nil {
				d.close()
				fmt.Fprintln(s.out, "-- the database file was replaced --")
				cursor = 0
			}
			nd, err := openDB(s.path)
			if err == nil {
				d = nd
			}
		} else {
			d.refresh()
		}
		if d != nil {
			s.mu.Lock()
			for _, r := range d.rowsAfter(cursor, 0) {
				cursor = r.ID
				if s.own[r.ID] {
					continue
				}
				s.print(d, r)
				if r.IsFromMe {
					s.bots++
					s.last = r.GUID
					s.cond.Broadcast()
				}
			}
			s.mu.Unlock()
		}
		select {
		case <-stop:
			return
		case <-time.After(poll):
		}
	}
}

func (s *chatSession) print(d *db, r *Row) {
	label := "no chat"
	if c := d.chats[r.ChatID]; c != nil {
		label = c.Identifier
		if c.Name != "" {
			label = c.Name
		}
	}
	who := senderOf(r)
	if r.IsFromMe {
		who = "bot"
	}
	text := r.Text
	if r.IsReaction {
		text = fmt.Sprintf("(tapback %s %s)", emojiFor(r.ReactionType, r.ReactionEmoji), text)
	}
	text = strings.Trim(text, "\ufffc")
	if text != "" || len(r.Attachments) == 0 {
		fmt.Fprintf(s.out, "[%s] %s: %s\n", label, who, text)
	}
	for _, a := range r.Attachments {
		fmt.Fprintf(s.out, "[%s] %s: (file %s, %s)\n", label, who, a.Filename, a.MimeType)
	}
}
