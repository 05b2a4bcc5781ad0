package pairing

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

var jsonSeeds = []string{
	`{"version":1,"requests":[{"id":"+1","code":"ABCDEFGH","createdAt":"2026-05-16T15:24:00.123Z","lastSeenAt":"2026-05-16T15:24:00.123Z","meta":{"sender":"+1","accountId":"default"}}]}`,
	`{"version":1,"allowFrom":["a"," b ","*",7,null,["x"],{}]}`,
	`{"b":1,"10":2,"2":3,"a":{"4294967294":1,"4294967295":2,"01":3},"b":4}`,
	`["\ud800","\udc00\ud800","\ud83d\ude00","\u0000\u001f\u007f\u2028",1e400,-0,5e-324,0.1,1E+2]`,
	"\ufeff{}", `{"a":}`, `[1,]`, `01`, `1.`, `.5`, `-`, `"\x"`, "\"\t\"", ` null `, `true false`,
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseJSON(data)
		if utf8.Valid(data) && !errors.Is(err, errJSONDepth) {
			// Same grammar as encoding/json (RFC 8259), which is JSON.parse's.
			if (err == nil) != json.Valid(data) {
				t.Fatalf("parseJSON(%q) error %v, encoding/json valid %v", data, err, json.Valid(data))
			}
		}
		if err != nil {
			return
		}
		out := stringify(v)
		if !json.Valid(out) {
			t.Fatalf("stringify wrote invalid JSON %q", out)
		}
		v2, err := parseJSON(out)
		if err != nil {
			t.Fatalf("cannot re-read %q: %v", out, err)
		}
		if out2 := stringify(v2); !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		var b strings.Builder
		writeCompact(&b, v)
		if !json.Valid([]byte(b.String())) {
			t.Fatalf("compact wrote invalid JSON %q", b.String())
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-05-16T15:24:00.123Z", "+002026-05-16", "-000001-01-01T00:00:00Z", "2026-05-16 15:24", "2026T24:00", "2026-05-16T15:24:00+0530", "+275760-09-13T00:00:00Z"} {
		f.Add(s)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, loc := range []*time.Location{time.UTC, ny} {
			ms, ok := openclaw.ParseJSDate(s, loc)
			if !ok {
				continue
			}
			if ms < -openclaw.MaxTimeMs || ms > openclaw.MaxTimeMs {
				t.Fatalf("%q: %d out of range", s, ms)
			}
			if back, ok := openclaw.ParseJSDate(openclaw.ISOString(ms), time.UTC); !ok || back != ms {
				t.Fatalf("%q → %d → %q → %d, %v", s, ms, openclaw.ISOString(ms), back, ok)
			}
		}
	})
}

func FuzzToUpperJS(f *testing.F) {
	for _, s := range []string{"abcdefgh", "straße", "ﬀ", "\xed\xa0\x80", "\xff", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := toUpperJS(s)
		ascii := true
		for i := 0; i < len(s); i++ {
			ascii = ascii && s[i] < 0x80
		}
		if ascii && u != strings.ToUpper(s) {
			t.Fatalf("%q → %q", s, u)
		}
		if utf8.ValidString(s) && !utf8.ValidString(u) {
			t.Fatalf("%q → invalid %q", s, u)
		}
	})
}

// FuzzStoreFiles runs every operation over arbitrary store files: no panic,
// a refused file is left as it was, and whatever we write is in OpenClaw's
// exact format (JSON.stringify(…, null, 2) + "\n").
func FuzzStoreFiles(f *testing.F) {
	f.Add([]byte(jsonSeeds[0]), []byte(jsonSeeds[1]), "abcdefgh", "+2", "Work")
	f.Add([]byte(`{"version":1,"requests":[1,{"id":"+9","code":" x ","createdAt":["2026-05-16T15:24:00Z"]},{"id":"+8","createdAt":"2026"}]}`), []byte(`{}`), "X", "+9", "")
	f.Add([]byte(`{"requests":[]}`), []byte(`[`), " ", "", "..")
	f.Fuzz(func(t *testing.T, pairing, allow []byte, code, id, account string) {
		dir := filepath.Join(t.TempDir(), "state")
		s := New(dir)
		s.lock = fastLock
		s.now = func() time.Time { return time.UnixMilli(1778945040123 + 30*60_000) }
		s.rand = bytes.NewReader(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, 2000))
		pp := s.pairingPath()
		ap, err := s.allowFromPath(account)
		if err != nil {
			ap = filepath.Join(s.credDir(), "imessage-default-allowFrom.json")
		}
		writeFile(t, pp, string(pairing))
		writeFile(t, ap, string(allow))
		read := func() map[string][]byte {
			m := map[string][]byte{}
			for _, p := range []string{pp, ap} {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatalf("%s vanished: %v", p, err)
				}
				m[p] = data
			}
			return m
		}
		before := read()
		check := func(op string, err error) {
			after := read()
			for p, data := range after {
				if bytes.Equal(data, before[p]) {
					continue
				}
				if errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s refused (%v) but rewrote %s", op, err, p)
				}
				v, perr := parseJSON(data)
				if perr != nil || !bytes.Equal(append(stringify(v), '\n'), data) {
					t.Fatalf("%s wrote a non-canonical %s:\n%s", op, p, data)
				}
			}
			before = after
		}
		_, _, err = s.Upsert(account, id, []MetaField{{"sender", id}, {"chatId", code}})
		check("Upsert", err)
		_, err = s.List(account)
		check("List", err)
		_, err = s.Approve(code, account)
		check("Approve", err)
		_, err = s.ReadAllowFrom(account)
		check("ReadAllowFrom", err)
	})
}
