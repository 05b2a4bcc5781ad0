package fakeimsg

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sayOpts describes one row to append; the say command's flags and a
// scenario line's keys are the same fields.
type sayOpts struct {
	From       string   `json:"from"`        // the sender's handle
	Chat       int64    `json:"chat"`        // chat id (created when missing)
	Group      bool     `json:"group"`       // a group chat
	Name       string   `json:"name"`        // the group's display name
	Members    []string `json:"members"`     // more group participants
	Text       string   `json:"text"`        // the message text
	Attach     []string `json:"attach"`      // PATH[:MIME]
	Missing    bool     `json:"missing"`     // attachments not downloaded yet (missing:true)
	ReplyTo    string   `json:"reply_to"`    // rowid or guid of the message replied to
	Date       string   `json:"date"`        // created_at (RFC 3339); default now
	Service    string   `json:"service"`     // iMessage or SMS
	FromMe     bool     `json:"from_me"`     // an outgoing row (sent from another device)
	Dest       string   `json:"dest"`        // destination_caller_id
	SenderName string   `json:"sender_name"` // Contacts name of the sender
	Tapback    string   `json:"tapback"`     // love, like, dislike, laugh, emphasis, question or an emoji
	Target     string   `json:"target"`      // rowid or guid the tapback is on
	Remove     bool     `json:"remove"`      // the tapback is removed
	GUID       string   `json:"guid"`        // the message guid (default: a fresh one)
	NoChat     bool     `json:"no_chat"`     // the row joins no chat (chat_id 0)
}

var tapbackTypes = map[string]string{"love": "love", "like": "like", "dislike": "dislike", "laugh": "laugh", "emphasis": "emphasis", "emphasize": "emphasis", "question": "question"}

// buildSay turns opts into records against the file's current content:
// the chat it names or implies (found, or created shaped like Messages'),
// then the row.
func buildSay(v *db, o sayOpts, home, guids string, now time.Time) ([]Record, error) {
	if o.From == "" && !o.FromMe {
		return nil, errors.New("a sender is required (--from HANDLE)")
	}
	service := "iMessage"
	if strings.EqualFold(o.Service, "sms") {
		service = "SMS"
	}
	var recs []Record
	var chat *Chat
	nextChat := v.maxChat + 1
	if !o.NoChat {
		switch {
		case o.Chat > 0:
			chat = v.chats[o.Chat]
			if chat == nil {
				if o.Group || o.Name != "" {
					chat = newGroupChat(o.Chat, service, o.Name, guids)
				} else if o.From != "" {
					chat = &Chat{ID: o.Chat, Identifier: o.From, GUID: service + ";-;" + o.From, Service: service, Participants: []string{o.From}}
				} else {
					return nil, fmt.Errorf("chat %d does not exist", o.Chat)
				}
				recs = append(recs, Record{Chat: chat})
			}
		case o.Group:
			for _, c := range v.sortedChats() {
				if !c.IsGroup() {
					continue
				}
				if (o.Name != "" && c.Name == o.Name) || (o.Name == "" && contains(c.Participants, o.From)) {
					chat = c
				}
			}
			if chat == nil {
				chat = newGroupChat(nextChat, service, o.Name, guids)
				recs = append(recs, Record{Chat: chat})
			}
		default:
			if o.From == "" {
				return nil, errors.New("an outgoing row needs --chat or --from (the other party)")
			}
			if chat = v.findDM(o.From, service); chat == nil {
				chat = &Chat{ID: nextChat, Identifier: o.From, GUID: service + ";-;" + o.From, Service: service, Participants: []string{o.From}}
				recs = append(recs, Record{Chat: chat})
			}
		}
		if chat.IsGroup() {
			// Every sender and member takes part in the group.
			want := append([]string{}, chat.Participants...)
			cands := append([]string{}, o.Members...)
			if !o.FromMe {
				cands = append(cands, o.From)
			}
			for _, h := range cands {
				if h != "" && !contains(want, h) {
					want = append(want, h)
				}
			}
			if len(want) != len(chat.Participants) {
				c := *chat
				c.Participants = normParticipants(want)
				if c.Name == "" && o.Name != "" {
					c.Name = o.Name
				}
				if len(recs) > 0 && recs[len(recs)-1].Chat != nil && recs[len(recs)-1].Chat.ID == c.ID {
					recs[len(recs)-1].Chat = &c
				} else {
					recs = append(recs, Record{Chat: &c})
				}
				chat = &c
			}
		}
	}
	id := v.maxRow + 1
	created := now.UTC()
	if o.Date != "" {
		t, ok := parseISO(o.Date)
		if !ok {
			return nil, fmt.Errorf("--date %q is not RFC 3339 (e.g. 2026-05-16T15:24:36Z)", o.Date)
		}
		created = t.UTC()
	}
	r := Row{
		ID: id, GUID: o.GUID, Sender: o.From, IsFromMe: o.FromMe, Text: o.Text,
		CreatedAt: created.Format(time.RFC3339Nano), DestinationCallerID: o.Dest, SenderName: o.SenderName,
		Service: service,
	}
	if r.GUID == "" {
		r.GUID = newGUID(guids, id)
	}
	if chat != nil {
		r.ChatID = chat.ID
		switch {
		case o.FromMe && chat.IsGroup():
			r.Sender = "" // Messages leaves the handle empty on own group rows
		case o.FromMe && r.Sender == "":
			r.Sender = chat.Identifier // and stores the other party on own 1:1 rows
		}
	}
	if o.FromMe {
		r.IsSent = true
	}
	for _, a := range o.Attach {
		path, mime := a, ""
		if i := strings.LastIndex(a, ":"); i > 0 && strings.Contains(a[i+1:], "/") {
			path, mime = a[:i], a[i+1:]
		}
		att := makeAttachment(path, mime, home)
		if o.Missing {
			t := true
			att.Missing = &t
		}
		r.Attachments = append(r.Attachments, att)
	}
	if r.Text == "" && len(r.Attachments) > 0 {
		// Messages stores one object-replacement character per attachment.
		r.Text = strings.Repeat("\ufffc", len(r.Attachments))
	}
	if o.ReplyTo != "" {
		p := lookupRow(v, o.ReplyTo)
		if p == nil {
			return nil, fmt.Errorf("no message %q to reply to", o.ReplyTo)
		}
		r.ThreadOriginatorGUID = p.GUID
	}
	if o.Tapback != "" {
		p := lookupRow(v, o.Target)
		if p == nil {
			return nil, fmt.Errorf("no message %q to react to (--target ROWID|GUID)", o.Target)
		}
		r.IsReaction = true
		r.ReactedToGUID = p.GUID
		if typ, ok := tapbackTypes[strings.ToLower(o.Tapback)]; ok {
			r.ReactionType = typ
		} else {
			r.ReactionType, r.ReactionEmoji = "custom", o.Tapback
		}
		add := !o.Remove
		r.IsReactionAdd = &add
		if r.Text == "" {
			verb := map[bool]string{true: "Reacted", false: "Removed"}[add]
			r.Text = fmt.Sprintf("%s %s to “%s”", verb, emojiFor(r.ReactionType, r.ReactionEmoji), p.Text)
		}
	}
	recs = append(recs, Record{Row: &r})
	return recs, nil
}

func newGroupChat(id int64, service, name, guids string) *Chat {
	ident := "chat" + groupDigits(id, guids)
	return &Chat{ID: id, Identifier: ident, GUID: service + ";+;" + ident, Name: name, Service: service}
}

// groupDigits is the 18-digit tail of a group identifier (chat123…).
func groupDigits(id int64, guids string) string {
	if guids == "rowid" {
		return fmt.Sprintf("%018d", id)
	}
	n, err := rand.Int(rand.Reader, big.NewInt(9e17))
	if err != nil {
		return fmt.Sprintf("%018d", id)
	}
	return fmt.Sprintf("%018d", n.Int64()+1e17)
}

func lookupRow(v *db, ref string) *Row {
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return v.byID[n]
	}
	return v.newestByGUID(ref)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- say ----

type sayCmd struct {
	DB         string   `name:"db" placeholder:"FILE" help:"The database file (default $IMSG_FAKE_DB or ~/.imsg-fake/chat.jsonl)."`
	From       string   `name:"from" placeholder:"HANDLE" help:"The sender: +15551234567 or someone@example.com."`
	Chat       int64    `name:"chat" placeholder:"ID" help:"The chat id (created when missing)."`
	Group      bool     `name:"group" help:"A group chat (found by --name, else the sender's newest group, else created)."`
	Name       string   `name:"name" help:"The group's display name."`
	Member     []string `name:"member" sep:"none" placeholder:"HANDLE" help:"Another group participant (repeatable)."`
	Attach     []string `name:"attach" sep:"none" placeholder:"PATH[:MIME]" help:"An attachment (repeatable); missing:true unless the file exists here."`
	Missing    bool     `name:"missing" help:"Attachments are still downloading (missing:true even when the file exists)."`
	ReplyTo    string   `name:"reply-to" placeholder:"ID" help:"Reply inline to this rowid or guid."`
	Date       string   `name:"date" placeholder:"RFC3339" help:"The message date (default now); an old date with a new rowid is a late-synced row."`
	Service    string   `name:"service" default:"iMessage" enum:"iMessage,SMS,imessage,sms" help:"iMessage or SMS."`
	FromMe     bool     `name:"from-me" help:"An outgoing row, as if sent from another device."`
	Dest       string   `name:"dest" placeholder:"ADDR" help:"destination_caller_id (the local account address)."`
	SenderName string   `name:"sender-name" help:"The sender's Contacts name (sender_name)."`
	Tapback    string   `name:"tapback" placeholder:"TYPE" help:"A tapback row: love, like, dislike, laugh, emphasis, question or an emoji (needs --target)."`
	Target     string   `name:"target" placeholder:"ID" help:"The rowid or guid a tapback is on."`
	Remove     bool     `name:"remove" help:"The tapback is removed."`
	GUID       string   `name:"guid" help:"The message guid (default: a new one)."`
	NoChat     bool     `name:"no-chat" help:"The row joins no chat (chat_id 0), as a row whose chat is not synced yet."`
	Text       []string `arg:"" optional:"" help:"The message text (words are joined with spaces)."`
}

func (c *sayCmd) Run(e *env) error {
	o := sayOpts{
		From: c.From, Chat: c.Chat, Group: c.Group, Name: c.Name, Members: c.Member,
		Text: strings.Join(c.Text, " "), Attach: c.Attach, Missing: c.Missing, ReplyTo: c.ReplyTo,
		Date: c.Date, Service: c.Service, FromMe: c.FromMe, Dest: c.Dest, SenderName: c.SenderName,
		Tapback: c.Tapback, Target: c.Target, Remove: c.Remove, GUID: c.GUID, NoChat: c.NoChat,
	}
	if o.Text == "" && len(o.Attach) == 0 && o.Tapback == "" {
		return errors.New("nothing to say: give TEXT, --attach or --tapback")
	}
	app := NewAppender(e.dbPath(c.DB))
	defer app.Close()
	row, err := appendSay(app, o, e.home(), e.guids(), e.now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, row.ID)
	return nil
}

func appendSay(app *Appender, o sayOpts, home, guids string, now time.Time) (*Row, error) {
	recs, err := app.AppendFunc(func(v *db) ([]Record, error) {
		return buildSay(v, o, home, guids, now)
	})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.Row != nil {
			return r.Row, nil
		}
	}
	return nil, errors.New("no row written")
}

// ---- init ----

type initCmd struct {
	DB    string `name:"db" placeholder:"FILE" help:"The database file to create."`
	Force bool   `name:"force" help:"Overwrite an existing file."`
	Empty bool   `name:"empty" help:"Chats only, no messages (chats.list lists only chats with messages)."`
}

func (c *initCmd) Run(e *env) error {
	path := e.dbPath(c.DB)
	if _, err := os.Stat(path); err == nil && !c.Force {
		return fmt.Errorf("%s exists (use --force to overwrite)", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	recs := sampleRecords(e.guids(), e.now(), !c.Empty)
	if err := writeFileAtomic(path, recs); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s: chat 1 (+15551234567), chat 2 (group \"Weekend plans\")\n", path)
	return nil
}

func sampleRecords(guids string, now time.Time, rows bool) []Record {
	meta, _ := json.Marshal(map[string]any{"created_by": "imsg-fake init", "format": 1})
	group := newGroupChat(2, "iMessage", "Weekend plans", guids)
	group.Participants = []string{"+15551234567", "+15557654321"}
	recs := []Record{
		{Meta: meta},
		{Chat: &Chat{ID: 1, Identifier: "+15551234567", GUID: "iMessage;-;+15551234567", Service: "iMessage", Participants: []string{"+15551234567"}}},
		{Chat: group},
	}
	if rows {
		t := now.UTC().Add(-time.Minute)
		recs = append(recs,
			Record{Row: &Row{ID: 1, ChatID: 1, GUID: newGUID(guids, 1), Sender: "+15551234567", Text: "Hi! (sample message)", CreatedAt: isoMillis(t), Service: "iMessage"}},
			Record{Row: &Row{ID: 2, ChatID: 2, GUID: newGUID(guids, 2), Sender: "+15557654321", Text: "Who is in for Saturday? (sample message)", CreatedAt: isoMillis(t.Add(time.Second)), Service: "iMessage"}},
		)
	}
	return recs
}

// writeFileAtomic writes recs to a new file and renames it over path, so
// readers see either the old file or the whole new one (a new inode).
func writeFileAtomic(path string, recs []Record) error {
	var buf bytes.Buffer
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ---- replace ----

type replaceCmd struct {
	DB       string `name:"db" placeholder:"FILE" help:"The database file to replace."`
	KeepRows bool   `name:"keep-rows" help:"Copy the messages too (same rowids, like a restored backup); default: chats only, so rowids start again at 1."`
}

// Run swaps the file for a new one. imsg 0.9 keeps reading the file it
// opened (its SQLite connection holds the old inode), so its watch goes
// quiet; 0.14+ moves new requests to the new file while live subscriptions
// stay on the old one (imsg-rpc-later.md §3).
func (c *replaceCmd) Run(e *env) error {
	path := e.dbPath(c.DB)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return err
	}
	defer unlockFile(f)
	d, err := openDB(path)
	if err != nil {
		return err
	}
	defer d.close()
	meta, _ := json.Marshal(map[string]any{"replaced_at": isoMillis(time.Now()), "format": 1})
	recs := []Record{{Meta: meta}}
	for _, ch := range d.sortedChats() {
		recs = append(recs, Record{Chat: ch})
	}
	if c.KeepRows {
		for _, r := range d.rows {
			recs = append(recs, Record{Row: r})
		}
	}
	if err := writeFileAtomic(path, recs); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "replaced %s (%d chats, %d rows)\n", path, len(d.chats), map[bool]int{true: len(d.rows)}[c.KeepRows])
	return nil
}

// ---- sends ----

type sendsCmd struct {
	DB     string `name:"db" placeholder:"FILE" help:"The database whose sends to print."`
	Follow bool   `name:"follow" short:"f" help:"Keep printing new sends as they are recorded."`
}

func (c *sendsCmd) Run(e *env) error {
	path := e.sendsPath(e.dbPath(c.DB))
	var off int64
	for {
		b, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if int64(len(b)) < off {
			off = 0
		}
		if end := bytes.LastIndexByte(b, '\n'); end >= 0 && int64(end) >= off {
			e.stdout.Write(b[off : end+1])
			off = int64(end + 1)
		}
		if !c.Follow {
			return nil
		}
		select {
		case <-e.ctx.Done():
			return nil
		case <-time.After(e.pollInterval()):
		}
	}
}

// countSends counts the successful sends in a sends log.
func countSends(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var rec struct {
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && len(rec.Result) > 0 && string(rec.Result) != "null" {
			n++
		}
	}
	return n
}
