package reply

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// testdata/reply-2026.3.24.jsonl holds what OpenClaw 2026.3.24 itself sent
// for each case (scripts/oracle-reply-goldens.sh) through the final reply's
// path: the recorder calls the chain's functions without an agent run, so
// no block reply was sent before (turns_golden_test.go covers those). Every
// case is replayed through that path of Plan and must agree exactly: the
// text of every send, the file it carries, the echo-cache texts and why a
// reply was dropped.

const (
	goldenRoot = "/tmp/openclawcfg-reply-golden"
	goldenWS   = goldenRoot + "/state/workspace"
	goldenHome = goldenRoot + "/home"
)

type goldenCase struct {
	ID string `json:"id"`
	In struct {
		Text  string     `json:"text"`
		Media []string   `json:"media"`
		Opts  goldenOpts `json:"opts"`
	} `json:"in"`
	Out struct {
		Sends    []map[string]any `json:"sends"`
		Remember []*string        `json:"remember"`
		Dropped  *struct {
			Stage     string `json:"stage"`
			Silent    bool   `json:"silent"`
			Heartbeat bool   `json:"heartbeat"`
			Reason    string `json:"reason"`
		} `json:"dropped"`
		Error string `json:"error"`
	} `json:"out"`
}

type goldenOpts struct {
	TableMode      *string `json:"tableMode"`
	ChunkLimit     int     `json:"chunkLimit"`
	ChunkMode      string  `json:"chunkMode"`
	ResponsePrefix *string `json:"responsePrefix"`
	IdentityName   *string `json:"identityName"`
	Model          string  `json:"model"`
	Provider       string  `json:"provider"`
	ThinkLevel     string  `json:"thinkLevel"`
	MessageID      string  `json:"messageId"`
}

// The golden's media fixtures (see the recorder): where each lives, its
// kind as OpenClaw detects it, and whether OpenClaw may load it (inside the
// state dir's workspace or media folder).
var goldenFixtures = map[string]string{
	goldenWS + "/photo.png":              "image",
	goldenWS + "/pic.jpg":                "image",
	goldenWS + "/anim.gif":               "image",
	goldenWS + "/doc.pdf":                "document",
	goldenWS + "/my dir/a b.pdf":         "document",
	goldenWS + "/notes.txt":              "document",
	goldenWS + "/sub/rel.txt":            "document",
	goldenWS + "/song.mp3":               "audio",
	goldenWS + "/clip.mp4":               "video",
	goldenWS + "/blob":                   "",
	goldenRoot + "/state/media/kept.txt": "document",
}

// loaderPath is what OpenClaw's media loader makes of a media URL before
// reading it (a leading MEDIA:, file:// URLs and "~"); "" for remote URLs.
func loaderPath(m string) string {
	if i := strings.Index(strings.ToUpper(m), "MEDIA:"); i >= 0 && strings.TrimSpace(m[:i]) == "" {
		m = strings.TrimLeft(m[i+6:], " \t")
	}
	if strings.HasPrefix(m, "http://") || strings.HasPrefix(m, "https://") {
		return ""
	}
	if strings.HasPrefix(m, "file://") {
		u, err := url.Parse(m)
		if err != nil {
			return m
		}
		return u.Path
	}
	if strings.HasPrefix(m, "~") {
		return goldenHome + m[1:]
	}
	return m
}

func goldenOptions(o goldenOpts) Options {
	opt := Options{
		ChunkLimit:       o.ChunkLimit,
		ChunkMode:        o.ChunkMode,
		CurrentMessageID: o.MessageID,
		WorkspaceDir:     goldenWS,
		HomeDir:          goldenHome,
		MediaKind: func(m string) string {
			return goldenFixtures[loaderPath(m)]
		},
	}
	if o.TableMode != nil {
		opt.TableMode = *o.TableMode
	}
	if o.ResponsePrefix != nil {
		opt.ResponsePrefix = *o.ResponsePrefix
	}
	if o.IdentityName != nil {
		opt.Prefix.IdentityName = *o.IdentityName
	}
	if o.Model != "" {
		// What OpenClaw's onModelSelected puts in the prefix context.
		provider := o.Provider
		if provider == "" {
			provider = "anthropic"
		}
		think := o.ThinkLevel
		if think == "" {
			think = "off"
		}
		opt.Prefix.Model = ShortModelName(o.Model)
		opt.Prefix.ModelFull = provider + "/" + o.Model
		opt.Prefix.Provider = provider
		opt.Prefix.ThinkingLevel = think
	}
	return opt
}

func loadGolden(t testing.TB) []goldenCase {
	t.Helper()
	return oraclegolden.Read[goldenCase](t, "testdata/reply-2026.3.24.jsonl")
}

// checkGolden compares Plan's answer with one recorded case; it returns the
// differences.
func checkGolden(c goldenCase) []string {
	sends, out := plan(Reply{Text: c.In.Text, Media: c.In.Media}, goldenOptions(c.In.Opts), false)
	var diffs []string
	if d := c.Out.Dropped; d != nil {
		want := DropEmpty
		switch {
		case d.Stage == "agent" && d.Silent:
			want = DropSilent
		case d.Stage == "build" && d.Heartbeat:
			want = DropHeartbeat
		case d.Stage == "dispatch":
			want = d.Reason
		}
		if out.Dropped != want || len(sends) > 0 {
			diffs = append(diffs, fmt.Sprintf("dropped: got %q with %d sends, OpenClaw dropped it at %s (%q)", out.Dropped, len(sends), d.Stage, want))
		}
		return diffs
	}
	if out.Dropped != "" {
		return []string{fmt.Sprintf("dropped %q, OpenClaw sent %d", out.Dropped, len(c.Out.Sends))}
	}
	// When OpenClaw's media loader fails, the reply's remaining sends are
	// lost; Plan cannot load files, so the send that fails must be one whose
	// media OpenClaw may not read.
	n := len(c.Out.Sends)
	if c.Out.Error != "" {
		if len(sends) <= n {
			return []string{fmt.Sprintf("OpenClaw failed after %d sends (%s), Plan has only %d", n, c.Out.Error, len(sends))}
		}
		failed := sends[n].Media
		if _, ok := goldenFixtures[loaderPath(failed)]; ok || failed == "" {
			diffs = append(diffs, fmt.Sprintf("send %d: OpenClaw failed (%s) but Plan's media %q is loadable", n, c.Out.Error, failed))
		}
		sends = sends[:n]
	} else if len(sends) != n {
		diffs = append(diffs, fmt.Sprintf("%d sends, OpenClaw made %d", len(sends), n))
	}
	var remember []*string
	if out.Text != "" && c.Out.Error == "" {
		s := out.Text
		remember = append(remember, &s)
	}
	for i := 0; i < min(len(sends), n); i++ {
		want := c.Out.Sends[i]
		got := sends[i]
		if wt, _ := want["text"].(string); wt != got.Text {
			diffs = append(diffs, fmt.Sprintf("send %d text:\n got  %q\n want %q", i, got.Text, wt))
		}
		wf, _ := want["file"].(string)
		if gf := loaderPath(got.Media); got.Media != "" && gf != wf || got.Media == "" && wf != "" {
			diffs = append(diffs, fmt.Sprintf("send %d file: got %q (media %q), want %q", i, gf, got.Media, wf))
		}
		if got.Media != "" && got.Echo == "" {
			remember = append(remember, nil)
		} else {
			e := got.Echo
			remember = append(remember, &e)
		}
	}
	if c.Out.Error == "" && !reflect.DeepEqual(remember, c.Out.Remember) {
		diffs = append(diffs, fmt.Sprintf("echo cache: got %s, want %s", strs(remember), strs(c.Out.Remember)))
	}
	return diffs
}

func strs(v []*string) string {
	var parts []string
	for _, s := range v {
		if s == nil {
			parts = append(parts, "null")
		} else {
			parts = append(parts, fmt.Sprintf("%q", *s))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestGoldenReplyPipeline(t *testing.T) {
	cases := loadGolden(t)
	if len(cases) < 250 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	agree := 0
	for _, c := range cases {
		if diffs := checkGolden(c); len(diffs) > 0 {
			t.Errorf("%s (text %q):\n%s", c.ID, c.In.Text, strings.Join(diffs, "\n"))
			continue
		}
		agree++
	}
	t.Logf("%d/%d golden cases agree with OpenClaw 2026.3.24", agree, len(cases))
}
