package fakeimsg

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// scriptCmd appends a scenario. Each line is one JSON object:
//
//	{"from":"+15551234567","text":"hi"}         a row, with the keys of `say` (from, chat,
//	                                             group, name, members, text, attach, missing,
//	                                             reply_to, date, service, from_me, dest,
//	                                             sender_name, tapback, target, remove, guid, no_chat)
//	{"row":{...}} {"chat":{...}} {"join":{...}} {"status":{...}}   raw database records
//	{"fault":"watch-death"}                      a fault record for the running servers
//	{"sleep_ms":500}                             pause
//	{"wait_sends":2,"timeout_ms":10000}          wait until 2 sends were recorded since the script began
//	{"replace":{"keep_rows":false}}              replace the database file (see `replace`)
//	{"comment":"..."}                            ignored, as are blank lines and lines starting with // or #
type scriptCmd struct {
	DB      string        `name:"db" placeholder:"FILE" help:"The database file."`
	Timeout time.Duration `name:"timeout" default:"30s" help:"How long wait_sends waits unless the line says timeout_ms."`
	File    string        `arg:"" name:"SCENARIO.jsonl" help:"The scenario ('-' reads stdin)."`
}

func (c *scriptCmd) Run(e *env) error {
	var in io.Reader = e.stdin
	name := "stdin"
	if c.File != "-" {
		f, err := os.Open(c.File)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, c.File
	}
	path := e.dbPath(c.DB)
	sendsPath := e.sendsPath(path)
	baseSends := countSends(sendsPath)
	app := NewAppender(path)
	defer app.Close()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "//") || strings.HasPrefix(line, "#") {
			continue
		}
		if err := c.step(e, app, path, sendsPath, baseSends, []byte(line)); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	return sc.Err()
}

func (c *scriptCmd) step(e *env, app *Appender, path, sendsPath string, baseSends int, line []byte) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(line, &keys); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	switch {
	case keys["comment"] != nil && len(keys) == 1:
		return nil
	case keys["sleep_ms"] != nil:
		var ms int64
		if err := json.Unmarshal(keys["sleep_ms"], &ms); err != nil || ms < 0 {
			return fmt.Errorf("sleep_ms must be a non-negative integer")
		}
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-e.ctx.Done():
			return e.ctx.Err()
		}
		return nil
	case keys["wait_sends"] != nil:
		var w struct {
			N         int   `json:"wait_sends"`
			TimeoutMS int64 `json:"timeout_ms"`
		}
		if err := json.Unmarshal(line, &w); err != nil {
			return err
		}
		timeout := c.Timeout
		if w.TimeoutMS > 0 {
			timeout = time.Duration(w.TimeoutMS) * time.Millisecond
		}
		deadline := time.Now().Add(timeout)
		for countSends(sendsPath)-baseSends < w.N {
			if time.Now().After(deadline) {
				return fmt.Errorf("wait_sends %d: only %d sends after %v", w.N, countSends(sendsPath)-baseSends, timeout)
			}
			select {
			case <-time.After(50 * time.Millisecond):
			case <-e.ctx.Done():
				return e.ctx.Err()
			}
		}
		return nil
	case keys["replace"] != nil:
		var r struct {
			KeepRows bool `json:"keep_rows"`
		}
		_ = json.Unmarshal(keys["replace"], &r)
		app.Close()
		return (&replaceCmd{DB: path, KeepRows: r.KeepRows}).Run(&env{stdin: e.stdin, stdout: io.Discard, stderr: e.stderr, getenv: e.getenv, ctx: e.ctx})
	case isObject(keys["row"]) || isObject(keys["chat"]) || keys["join"] != nil || keys["status"] != nil || keys["fault"] != nil || keys["meta"] != nil:
		// "chat" is also a row line's chat id (a number); a record holds an object.
		var rec Record
		d := json.NewDecoder(bytes.NewReader(line))
		d.DisallowUnknownFields()
		if err := d.Decode(&rec); err != nil {
			return err
		}
		if rec.Fault != nil {
			if err := rec.Fault.validate(); err != nil {
				return err
			}
		}
		if rec.Row != nil && rec.Row.CreatedAt == "" {
			rec.Row.CreatedAt = isoMillis(e.now())
		}
		if rec.Row != nil && rec.Row.GUID == "" {
			recs, err := app.AppendFunc(func(v *db) ([]Record, error) {
				r := *rec.Row
				if r.ID == 0 {
					r.ID = v.maxRow + 1
				}
				r.GUID = newGUID(e.guids(), r.ID)
				return []Record{{Row: &r}}, nil
			})
			if err == nil {
				fmt.Fprintln(e.stdout, recs[0].Row.ID)
			}
			return err
		}
		recs, err := app.Append(rec)
		if err == nil && recs[0].Row != nil {
			fmt.Fprintln(e.stdout, recs[0].Row.ID)
		}
		return err
	default:
		var o sayOpts
		d := json.NewDecoder(bytes.NewReader(line))
		d.DisallowUnknownFields()
		if err := d.Decode(&o); err != nil {
			return err
		}
		row, err := appendSay(app, o, e.home(), e.guids(), e.now())
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, row.ID)
		return nil
	}
}

func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}
