package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// httpget [-status=CODE] URL|@FILE [PATH] fetches URL and prints the body on
// stdout. @FILE takes the URL from a file: the "metrics" field of a run's
// status file (the port of --metrics-addr 127.0.0.1:0 is only known from
// there), else the file's trimmed content. PATH replaces the URL's path
// (e.g. /healthz). It fails unless the answer is CODE (default 200); with !
// it fails when it is.
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	status := http.StatusOK
	if len(args) > 0 && strings.HasPrefix(args[0], "-status=") {
		n, err := strconv.Atoi(strings.TrimPrefix(args[0], "-status="))
		ts.Check(err)
		status, args = n, args[1:]
	}
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: httpget [-status=CODE] URL|@FILE [PATH]")
	}
	target := args[0]
	if file, ok := strings.CutPrefix(target, "@"); ok {
		b, err := os.ReadFile(ts.MkAbs(file))
		ts.Check(err)
		var st struct {
			Metrics string `json:"metrics"`
		}
		if json.Unmarshal(b, &st) == nil && st.Metrics != "" {
			target = st.Metrics
		} else {
			target = strings.TrimSpace(string(b))
		}
	}
	u, err := url.Parse(target)
	ts.Check(err)
	if u.Host == "" {
		ts.Fatalf("httpget: no URL in %q", args[0])
	}
	if len(args) == 2 {
		u.Path = args[1]
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(u.String())
	if err != nil {
		if neg {
			return
		}
		ts.Fatalf("httpget %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	ts.Check(err)
	ts.Stdout().Write(body)
	switch ok := resp.StatusCode == status; {
	case ok && neg:
		ts.Fatalf("httpget %s: status %d", u, resp.StatusCode)
	case !ok && !neg:
		ts.Fatalf("httpget %s: status %d, want %d; body:\n%s", u, resp.StatusCode, status, body)
	}
}
