package diag_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// sarifSchema compiles the SARIF 2.1.0 schema in testdata, asserting the
// "uri" and "uri-reference" formats it uses.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://openclawcfg.invalid/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// sarifRun is a run with everything that broke SARIF consumers before:
// an absolute path, a path with spaces and non-ASCII, <stdin>, a path
// outside the root, a fix, and an unreadable input.
func sarifRun(t *testing.T) diag.SARIFRun {
	root := t.TempDir()
	main := "configs/my config ü.json5"
	mainSrc := []byte("{\n  channels: { imessage: { cliPth: \"imsg\", dmPolicy: \"opne\" } },\n}\n")
	abs := filepath.Join(root, "abs.json5")
	absSrc := []byte("{ channels: { imessage: { textChunkLimit: 0 } } }")
	outside := filepath.Join(filepath.Dir(root), "elsewhere", "x.json5")
	stdinSrc := []byte("[]")
	sources := map[string]*diag.Source{
		main: diag.NewSource(main, mainSrc), abs: diag.NewSource(abs, absSrc),
		"<stdin>": diag.NewSource("<stdin>", stdinSrc), outside: diag.NewSource(outside, absSrc),
	}
	key := bytes.Index(mainSrc, []byte("cliPth"))
	val := bytes.Index(mainSrc, []byte(`"opne"`))
	ds := []diag.Diagnostic{
		{
			File: main, Offset: key, End: key + 6, Path: "channels.imessage.cliPth", Severity: diag.Error, Code: diag.CodeUnknownKey,
			Message: `unknown key "cliPth"`, DidYouMean: "cliPath", Fix: `rename it to "cliPath"`, Edit: &diag.Edit{Offset: key, End: key + 6, Text: "cliPath"},
		},
		{
			File: main, Offset: val, End: val + 6, Path: "channels.imessage.dmPolicy", Severity: diag.Error, Code: diag.CodeEnum,
			Message: `must be one of ...`, Allowed: []string{"pairing", "open"}, Fix: `write "open"`, Edit: &diag.Edit{Offset: val, End: val + 6, Text: `"open"`},
		},
		{File: abs, Offset: 41, End: 42, Path: "channels.imessage.textChunkLimit", Severity: diag.Error, Code: diag.CodeRange, Message: "must be an integer > 0, got 0"},
		{File: outside, Offset: 41, End: 42, Severity: diag.Warning, Code: diag.CodeOpenDM, Message: "admits anyone <script>"},
		{File: "<stdin>", Offset: 0, End: 2, Severity: diag.Error, Code: diag.CodeRootType, Message: "the config must be an object, got a list"},
		{File: main, Offset: 0, End: 0, Severity: diag.Error, Code: "no-such-code", Message: "a code without a rule"},
		{
			File: abs, Offset: 26, End: 40, Path: "channels.imessage.textChunkLimit", Severity: diag.Warning, Code: diag.CodeDuplicateKey,
			Message: "duplicate key", Related: []diag.Related{
				diag.RelatedAt(source.Span{File: sources[abs], Start: 26, End: 40}, `the "textChunkLimit" OpenClaw keeps`),
				diag.RelatedAt(source.Span{File: sources[main], Start: 4, End: 12}, "included here"),
			},
		},
	}
	for i := range ds {
		diag.Locate(sources[ds[i].File], ds[i:i+1])
	}
	return diag.SARIFRun{
		Tool:        diag.Tool{Name: "openclawcfg", Version: "devel (OpenClaw 2026.3.24)", SemanticVersion: "0.0.0", InformationURI: "https://github.com/openclawcfg/openclawcfg"},
		Diagnostics: ds, Sources: sources, Root: root,
		Unreadable: []diag.FileError{{File: "missing dir/x.json5", Message: "missing dir/x.json5: no such file or directory"}},
		ExitCode:   2,
	}
}

// TestSARIFSchema validates vet's SARIF against the SARIF 2.1.0 schema,
// and checks what the schema leaves to Microsoft's validator and GitHub
// code scanning: every rule documented, relative URIs resolved through
// %SRCROOT%, a numeric semanticVersion, an invocation that says whether
// every input was read.
func TestSARIFSchema(t *testing.T) {
	run := sarifRun(t)
	var buf bytes.Buffer
	if err := diag.WriteSARIFLog(&buf, run); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifSchema(t).Validate(inst); err != nil {
		t.Fatalf("SARIF output does not validate:\n%v\n%s", err, buf.String())
	}

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					SemanticVersion string `json:"semanticVersion"`
					Rules           []struct {
						ID, Name, HelpURI string
						FullDescription   struct{ Text string }
						Help              struct{ Text, Markdown string }
					}
				}
			}
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Invocations        []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notifications       []struct {
					Level     string
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
						}
					}
				} `json:"toolExecutionNotifications"`
			}
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						}
						Region struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
				Fixes []struct {
					ArtifactChanges []struct {
						Replacements []struct {
							DeletedRegion   struct{ StartLine, StartColumn, EndLine, EndColumn int }
							InsertedContent struct{ Text string }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	r := log.Runs[0]
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(r.Tool.Driver.SemanticVersion) {
		t.Errorf("semanticVersion %q is not numeric", r.Tool.Driver.SemanticVersion)
	}
	if len(r.Tool.Driver.Rules) != len(diag.Rules()) {
		t.Errorf("%d rules, want every code (%d)", len(r.Tool.Driver.Rules), len(diag.Rules()))
	}
	for i, rule := range r.Tool.Driver.Rules {
		if rule.FullDescription.Text == "" || rule.Help.Text == "" || !strings.Contains(rule.Help.Markdown, "**Fix:**") ||
			!strings.Contains(rule.Help.Markdown, diag.DocsURL+"#") || rule.HelpURI == "" || rule.Name == "" || rule.Name == rule.ID {
			t.Errorf("rule %d (%s) is not fully documented: %+v", i, rule.ID, rule)
		}
	}
	base, ok := r.OriginalURIBaseIDs[diag.SrcRoot]
	if !ok || !strings.HasPrefix(base.URI, "file:///") || !strings.HasSuffix(base.URI, "/") {
		t.Fatalf("originalUriBaseIds = %+v, want %s as an absolute file: URI ending in /", r.OriginalURIBaseIDs, diag.SrcRoot)
	}
	rootURL, err := url.Parse(base.URI)
	if err != nil {
		t.Fatal(err)
	}
	// Each location resolves to the file it names.
	wantFiles := []string{run.Diagnostics[0].File, run.Diagnostics[1].File, run.Diagnostics[2].File, run.Diagnostics[3].File, "<stdin>", run.Diagnostics[5].File, run.Diagnostics[6].File}
	for i, res := range r.Results {
		al := res.Locations[0].PhysicalLocation.ArtifactLocation
		u, err := url.Parse(al.URI)
		if err != nil {
			t.Fatalf("result %d: uri %q: %v", i, al.URI, err)
		}
		switch {
		case al.URIBaseID == diag.SrcRoot && u.IsAbs():
			t.Errorf("result %d: absolute uri %q with a uriBaseId", i, al.URI)
		case al.URIBaseID == "" && u.Scheme != "file":
			t.Errorf("result %d: relative uri %q without a uriBaseId", i, al.URI)
		case al.URIBaseID != "":
			u = rootURL.ResolveReference(u)
		}
		want := wantFiles[i]
		if !filepath.IsAbs(want) {
			want = filepath.Join(run.Root, want)
		}
		if got := filepath.FromSlash(u.Path); got != want {
			t.Errorf("result %d: uri %q resolves to %q, want %q", i, al.URI, got, want)
		}
		if res.RuleID == "no-such-code" {
			if res.RuleIndex != -1 {
				t.Errorf("unknown code has ruleIndex %d", res.RuleIndex)
			}
		} else if id := r.Tool.Driver.Rules[res.RuleIndex].ID; id != res.RuleID {
			t.Errorf("result %d: ruleIndex %d is %s, want %s", i, res.RuleIndex, id, res.RuleID)
		}
	}
	if reg := r.Results[0].Locations[0].PhysicalLocation.Region; reg.StartLine != 2 || reg.StartColumn != 27 || reg.EndLine != 2 || reg.EndColumn != 33 {
		t.Errorf("region of cliPth = %+v, want 2:27-2:33", reg)
	}
	fix := r.Results[1].Fixes
	if len(fix) != 1 || fix[0].ArtifactChanges[0].Replacements[0].InsertedContent.Text != `"open"` ||
		fix[0].ArtifactChanges[0].Replacements[0].DeletedRegion.StartColumn != 53 {
		t.Errorf("fix of the enum = %+v", fix)
	}
	if len(r.Results[2].Fixes) != 0 {
		t.Errorf("a finding without an edit has fixes: %+v", r.Results[2].Fixes)
	}
	inv := r.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notifications) != 1 || inv.Notifications[0].Level != "error" ||
		inv.Notifications[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "missing%20dir/x.json5" {
		t.Errorf("invocation = %+v, want unsuccessful with one error notification for the unreadable file", inv)
	}
	if strings.Contains(buf.String(), "<script>") {
		t.Error("< and > are not escaped in the SARIF output")
	}

	// A run that read everything is successful and has no notifications.
	run.Unreadable, run.ExitCode = nil, 1
	buf.Reset()
	if err := diag.WriteSARIFLog(&buf, run); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"executionSuccessful": true`) || strings.Contains(buf.String(), "toolExecutionNotifications") {
		t.Errorf("a clean run's invocation:\n%s", buf.String())
	}
}

// TestSARIFRelated checks that related places reach relatedLocations, each
// with an id, its file, its region and what it is.
func TestSARIFRelated(t *testing.T) {
	run := sarifRun(t)
	var buf bytes.Buffer
	if err := diag.WriteSARIFLog(&buf, run); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID           string `json:"ruleId"`
				RelatedLocations []struct {
					ID               int `json:"id"`
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, ByteOffset, ByteLength int
						} `json:"region"`
					} `json:"physicalLocation"`
					Message struct{ Text string } `json:"message"`
				} `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		for _, l := range r.RelatedLocations {
			p := l.PhysicalLocation
			got = append(got, fmt.Sprintf("%s %d %s %s:%d:%d+%d %s", r.RuleID, l.ID, p.ArtifactLocation.URIBaseID, p.ArtifactLocation.URI,
				p.Region.StartLine, p.Region.StartColumn, p.Region.ByteLength, l.Message.Text))
		}
	}
	want := []string{
		`duplicate-key 1 %SRCROOT% abs.json5:1:27+14 the "textChunkLimit" OpenClaw keeps`,
		`duplicate-key 2 %SRCROOT% configs/my%20config%20%C3%BC.json5:2:3+8 included here`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("relatedLocations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
