package main

import (
	"io"
	stdlog "log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/openclawcfg/openclawcfg/runtime/monitor"
)

var metricsNow = time.Unix(1_800_000_000, 0)

// testAccounts: "a" running with every figure set, "b" restarting after a
// crash with its cursor ahead of the newest row seen (lag floors at 0), "c"
// never started.
func testAccounts() *runCollector {
	a := monitor.NewStats()
	a.Received.Add(5)
	a.Dispatched.Add(3)
	a.PairingRequests.Add(2)
	a.PairingCodes.Add(1)
	a.Sent.Add(4)
	a.SendFailed.Add(1)
	a.HandlerFailed.Add(1)
	a.Starts.Add(2)
	a.Restarts.Add(1)
	a.LastInbound.Store(1_799_999_990_250)
	a.Durable.Cursor.Store(100)
	a.Durable.Newest.Store(107)
	a.Durable.OutboxPending.Store(2)
	a.Durable.OutboxOldest.Store(metricsNow.Add(-90 * time.Second).UnixMilli())
	a.Durable.GapsFilled.Add(3)
	a.Durable.Duplicates.Add(4)
	a.Durable.Late.Add(5)
	a.Durable.Delayed.Add(6)
	a.Durable.Redelivered.Add(7)
	a.Durable.DeadLetters.Add(8)
	a.SetState("running", "")
	// Binary fractions, so the sum prints exactly: 1/256 s, 1/128 s, 2 s,
	// and 2 h (past the last bound: only +Inf and the count have it).
	for _, d := range []time.Duration{3906250, 7812500, 2 * time.Second, 2 * time.Hour} {
		a.HandlerLatency.Observe(d)
	}
	// On a bound: le is inclusive.
	a.DispatchLatency.Observe(500 * time.Millisecond)

	b := monitor.NewStats()
	b.Durable.Cursor.Store(50)
	b.Durable.Newest.Store(40)
	b.SetFailure(&monitor.Failure{Class: "crashed", Message: "imsg exited"})
	b.SetState("restarting", "crashed: imsg exited")

	return &runCollector{
		now:      func() time.Time { return metricsNow },
		accounts: []metricsAccount{{"a", a}, {"b", b}, {"c", monitor.NewStats()}},
	}
}

func TestMetricsCollector(t *testing.T) {
	c := testAccounts()
	const want = `
# HELP openclawcfg_received_total Messages that arrived from imsg.
# TYPE openclawcfg_received_total counter
openclawcfg_received_total{account="a"} 5
openclawcfg_received_total{account="b"} 0
openclawcfg_received_total{account="c"} 0
# HELP openclawcfg_dispatched_total Messages handed to the handler.
# TYPE openclawcfg_dispatched_total counter
openclawcfg_dispatched_total{account="a"} 3
openclawcfg_dispatched_total{account="b"} 0
openclawcfg_dispatched_total{account="c"} 0
# HELP openclawcfg_pairing_codes_total New pairing requests (a code sent).
# TYPE openclawcfg_pairing_codes_total counter
openclawcfg_pairing_codes_total{account="a"} 1
openclawcfg_pairing_codes_total{account="b"} 0
openclawcfg_pairing_codes_total{account="c"} 0
# HELP openclawcfg_restarts_total Restarts after a failure.
# TYPE openclawcfg_restarts_total counter
openclawcfg_restarts_total{account="a"} 1
openclawcfg_restarts_total{account="b"} 0
openclawcfg_restarts_total{account="c"} 0
# HELP openclawcfg_up 1 when the account is running, else 0.
# TYPE openclawcfg_up gauge
openclawcfg_up{account="a"} 1
openclawcfg_up{account="b"} 0
openclawcfg_up{account="c"} 0
# HELP openclawcfg_state The account's lifecycle state (always 1; the state is the label).
# TYPE openclawcfg_state gauge
openclawcfg_state{account="a",state="running"} 1
openclawcfg_state{account="b",state="restarting"} 1
openclawcfg_state{account="c",state="starting"} 1
# HELP openclawcfg_failure The class of the account's last failure (1; absent before the first).
# TYPE openclawcfg_failure gauge
openclawcfg_failure{account="b",class="crashed"} 1
# HELP openclawcfg_last_inbound_timestamp_seconds When a message last arrived (Unix seconds, 0 for never).
# TYPE openclawcfg_last_inbound_timestamp_seconds gauge
openclawcfg_last_inbound_timestamp_seconds{account="a"} 1.79999999025e+09
openclawcfg_last_inbound_timestamp_seconds{account="b"} 0
openclawcfg_last_inbound_timestamp_seconds{account="c"} 0
# HELP openclawcfg_cursor_rowid The chat.db row below which every row is handled.
# TYPE openclawcfg_cursor_rowid gauge
openclawcfg_cursor_rowid{account="a"} 100
openclawcfg_cursor_rowid{account="b"} 50
openclawcfg_cursor_rowid{account="c"} 0
# HELP openclawcfg_cursor_lag_rows Rows seen but not yet handled (newest row id - cursor).
# TYPE openclawcfg_cursor_lag_rows gauge
openclawcfg_cursor_lag_rows{account="a"} 7
openclawcfg_cursor_lag_rows{account="b"} 0
openclawcfg_cursor_lag_rows{account="c"} 0
# HELP openclawcfg_outbox_oldest_age_seconds Age of the oldest reply not yet sent (0 when none).
# TYPE openclawcfg_outbox_oldest_age_seconds gauge
openclawcfg_outbox_oldest_age_seconds{account="a"} 90
openclawcfg_outbox_oldest_age_seconds{account="b"} 0
openclawcfg_outbox_oldest_age_seconds{account="c"} 0
# HELP openclawcfg_dead_letters_total Rows given up on.
# TYPE openclawcfg_dead_letters_total counter
openclawcfg_dead_letters_total{account="a"} 8
openclawcfg_dead_letters_total{account="b"} 0
openclawcfg_dead_letters_total{account="c"} 0
# HELP openclawcfg_handler_duration_seconds How long the handler took per dispatch.
# TYPE openclawcfg_handler_duration_seconds histogram
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.005"} 1
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.01"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.025"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.05"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.1"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.25"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="0.5"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="1"} 2
openclawcfg_handler_duration_seconds_bucket{account="a",le="2.5"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="5"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="10"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="30"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="60"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="300"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="3600"} 3
openclawcfg_handler_duration_seconds_bucket{account="a",le="+Inf"} 4
openclawcfg_handler_duration_seconds_sum{account="a"} 7202.01171875
openclawcfg_handler_duration_seconds_count{account="a"} 4
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.005"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.01"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.025"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.05"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.1"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.25"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="0.5"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="1"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="2.5"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="5"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="10"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="30"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="60"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="300"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="3600"} 0
openclawcfg_handler_duration_seconds_bucket{account="b",le="+Inf"} 0
openclawcfg_handler_duration_seconds_sum{account="b"} 0
openclawcfg_handler_duration_seconds_count{account="b"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.005"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.01"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.025"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.05"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.1"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.25"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="0.5"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="1"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="2.5"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="5"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="10"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="30"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="60"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="300"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="3600"} 0
openclawcfg_handler_duration_seconds_bucket{account="c",le="+Inf"} 0
openclawcfg_handler_duration_seconds_sum{account="c"} 0
openclawcfg_handler_duration_seconds_count{account="c"} 0
`
	names := []string{
		"openclawcfg_received_total", "openclawcfg_dispatched_total", "openclawcfg_pairing_codes_total",
		"openclawcfg_restarts_total", "openclawcfg_up", "openclawcfg_state", "openclawcfg_failure",
		"openclawcfg_last_inbound_timestamp_seconds", "openclawcfg_cursor_rowid", "openclawcfg_cursor_lag_rows",
		"openclawcfg_outbox_oldest_age_seconds", "openclawcfg_dead_letters_total", "openclawcfg_handler_duration_seconds",
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

// TestMetricsFigures checks every per-account figure of account "a" by
// name, so a figure wired to the wrong field shows.
func TestMetricsFigures(t *testing.T) {
	want := map[string]float64{
		"received_total": 5, "dispatched_total": 3, "pairing_requests_total": 2, "pairing_codes_total": 1,
		"sent_total": 4, "send_failed_total": 1, "handler_failed_total": 1, "starts_total": 2, "restarts_total": 1,
		"up": 1, "last_inbound_timestamp_seconds": 1_799_999_990.25, "last_outbound_timestamp_seconds": 0,
		"cursor_rowid": 100, "cursor_lag_rows": 7, "outbox_pending": 2, "outbox_oldest_age_seconds": 90,
		"gaps_filled_total": 3, "duplicates_total": 4, "late_total": 5, "delayed_total": 6,
		"redelivered_total": 7, "dead_letters_total": 8,
		"handler_duration_seconds_count": 4, "dispatch_latency_seconds_count": 1,
		`dispatch_latency_seconds_bucket{le="0.25"}`: 0, `dispatch_latency_seconds_bucket{le="0.5"}`: 1,
		"dispatch_latency_seconds_sum": 0.5,
	}
	got := scrapeValues(t, testAccounts(), "a")
	for name, v := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: missing", name)
		} else if g != v {
			t.Errorf("%s = %v, want %v", name, g, v)
		}
	}
	// Every figure of the brief is exposed: nothing left over either way.
	for name := range got {
		if _, ok := want[name]; !ok && !strings.Contains(name, "_bucket{") && name != "handler_duration_seconds_sum" &&
			!strings.HasPrefix(name, "state{") {
			t.Errorf("unexpected figure %s", name)
		}
	}
}

// scrapeValues parses the text exposition of c for one account into
// name{other labels} -> value, the openclawcfg_ prefix and the account
// label removed.
func scrapeValues(t *testing.T, c *runCollector, account string) map[string]float64 {
	t.Helper()
	h, err := metricsHandler(c, stdlog.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	out := map[string]float64{}
	sel := `account="` + account + `"`
	for line := range strings.Lines(rec.Body.String()) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "openclawcfg_") || !strings.Contains(line, sel) {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		name := strings.TrimPrefix(line[:i], "openclawcfg_")
		name = strings.Replace(name, sel+",", "", 1)
		name = strings.Replace(name, sel, "", 1)
		name = strings.TrimSuffix(name, "{}")
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		out[name] = v
	}
	return out
}

func TestMetricsHTTP(t *testing.T) {
	c := testAccounts()
	h, err := metricsHandler(c, stdlog.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	code, body := get("/metrics")
	// The Go and process collectors are in the registry too.
	for _, s := range []string{"\ngo_goroutines ", "\ngo_info{", "\nprocess_start_time_seconds "} {
		if code != 200 || !strings.Contains(body, s) {
			t.Errorf("/metrics: %d, no %q", code, s)
		}
	}
	code, body = get("/healthz")
	if code != http.StatusServiceUnavailable || body != "a: running\nb: restarting\nc: starting\n" {
		t.Errorf("/healthz with b restarting: %d %q", code, body)
	}
	c.accounts[1].stats.SetState("running", "")
	c.accounts[2].stats.SetState("running", "")
	if code, body = get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz, every account running: %d %q", code, body)
	}
	if code, _ = get("/other"); code != 404 {
		t.Errorf("/other: %d", code)
	}
	if rec := httptest.NewRecorder(); true {
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/metrics", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST /metrics: %d", rec.Code)
		}
	}
}

func TestMetricsAddr(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		public  bool
		wantErr string // "" listens
	}{
		{"127.0.0.1:0", false, ""},
		{"localhost:0", false, ""},
		{"0.0.0.0:9464", false, "--metrics-addr 0.0.0.0:9464: not a loopback address; the metrics carry no phone numbers"},
		{":9464", false, "--metrics-addr :9464: not a loopback address"},
		{"192.0.2.1:9464", false, "--metrics-addr 192.0.2.1:9464: not a loopback address"},
		{"[::ffff:10.0.0.1]:9464", false, "not a loopback address"},
		{"example.com:9464", false, "not a loopback address"},
		// --metrics-public lifts the refusal: what fails then is the bind
		// itself (192.0.2.1 is TEST-NET, not this machine's).
		{"192.0.2.1:0", true, "--metrics-addr 192.0.2.1:0: listen tcp 192.0.2.1:0: bind: "},
		{"127.0.0.1:99999", false, "--metrics-addr 127.0.0.1:99999: listen tcp: address 99999: invalid port"},
		{"9464", false, "--metrics-addr 9464: address 9464: missing port in address"},
		{"", true, "--metrics-public needs --metrics-addr"},
	} {
		m, err := listenMetrics(tc.addr, tc.public)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.addr, err)
		case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) && !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err %v, want %q", tc.addr, err, tc.wantErr)
		}
		if err == nil {
			if !strings.HasPrefix(m.URL(), "http://127.0.0.1:") || strings.HasSuffix(m.URL(), ":0/metrics") {
				t.Errorf("%s: URL %q", tc.addr, m.URL())
			}
			m.Close()
		}
	}
	// No --metrics-addr: nothing listens, and the nil server is inert.
	m, err := listenMetrics("", false)
	if m != nil || err != nil {
		t.Fatalf("no address: %v %v", m, err)
	}
	if m.URL() != "" || m.serve(nil, nil) != nil {
		t.Error("nil server not inert")
	}
	m.Close()
}

// FuzzMetricsLabels: no account id, state or failure class (none is
// expected to be invalid UTF-8, but they are strings from outside) makes a
// scrape panic or fail.
func FuzzMetricsLabels(f *testing.F) {
	f.Add("default", "running", "crashed")
	f.Add("\xff", "\xfe", "")
	f.Fuzz(func(t *testing.T, id, state, class string) {
		s := monitor.NewStats()
		s.SetState(state, "")
		s.SetFailure(&monitor.Failure{Class: class})
		reg := prometheus.NewPedanticRegistry()
		if err := reg.Register(&runCollector{now: time.Now, accounts: []metricsAccount{{id, s}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Gather(); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkMetricsScrape(b *testing.B) {
	c := testAccounts()
	h, err := metricsHandler(c, stdlog.New(io.Discard, "", 0))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	}
}
