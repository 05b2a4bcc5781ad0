package main

import (
	"errors"
	"fmt"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/openclawcfg/openclawcfg/runtime/monitor"
)

// The metrics are read from each account's monitor.Stats at scrape time:
// the Stats stay the one set of counters (status file, summary, metrics),
// so nothing here can drift from what the status file says.

// statMetric is one per-account figure with only the account label.
type statMetric struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(a *accountView) float64
}

// accountView is one account read once per scrape.
type accountView struct {
	stats *monitor.Stats
	state string
	now   time.Time
}

func metricDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("openclawcfg_"+name, help, append([]string{"account"}, labels...), nil)
}

func counter(name, help string, v func(s *monitor.Stats) int64) statMetric {
	return statMetric{metricDesc(name, help), prometheus.CounterValue, func(a *accountView) float64 { return float64(v(a.stats)) }}
}

func gauge(name, help string, v func(a *accountView) float64) statMetric {
	return statMetric{metricDesc(name, help), prometheus.GaugeValue, v}
}

// msSeconds turns a Unix-ms figure into Prometheus' seconds (0 stays 0:
// never).
func msSeconds(ms int64) float64 { return float64(ms) / 1000 }

var statMetrics = []statMetric{
	counter("received_total", "Messages that arrived from imsg.", func(s *monitor.Stats) int64 { return s.Received.Load() }),
	counter("dispatched_total", "Messages handed to the handler.", func(s *monitor.Stats) int64 { return s.Dispatched.Load() }),
	counter("pairing_requests_total", "Messages from strangers answered with pairing.", func(s *monitor.Stats) int64 { return s.PairingRequests.Load() }),
	counter("pairing_codes_total", "New pairing requests (a code sent).", func(s *monitor.Stats) int64 { return s.PairingCodes.Load() }),
	counter("sent_total", "Sends imsg accepted.", func(s *monitor.Stats) int64 { return s.Sent.Load() }),
	counter("send_failed_total", "Sends that failed.", func(s *monitor.Stats) int64 { return s.SendFailed.Load() }),
	counter("handler_failed_total", "Handler runs that failed (error, timeout, bad output).", func(s *monitor.Stats) int64 { return s.HandlerFailed.Load() }),
	counter("starts_total", "Times the account's imsg was started.", func(s *monitor.Stats) int64 { return s.Starts.Load() }),
	counter("restarts_total", "Restarts after a failure.", func(s *monitor.Stats) int64 { return s.Restarts.Load() }),
	gauge("up", "1 when the account is running, else 0.", func(a *accountView) float64 {
		if a.state == "running" {
			return 1
		}
		return 0
	}),
	gauge("last_inbound_timestamp_seconds", "When a message last arrived (Unix seconds, 0 for never).", func(a *accountView) float64 { return msSeconds(a.stats.LastInbound.Load()) }),
	gauge("last_outbound_timestamp_seconds", "When a send last succeeded (Unix seconds, 0 for never).", func(a *accountView) float64 { return msSeconds(a.stats.LastOutbound.Load()) }),
	gauge("cursor_rowid", "The chat.db row below which every row is handled.", func(a *accountView) float64 { return float64(a.stats.Durable.Cursor.Load()) }),
	gauge("cursor_lag_rows", "Rows seen but not yet handled (newest row id - cursor).", func(a *accountView) float64 {
		return float64(max(0, a.stats.Durable.Newest.Load()-a.stats.Durable.Cursor.Load()))
	}),
	gauge("outbox_pending", "Replies not yet sent.", func(a *accountView) float64 { return float64(a.stats.Durable.OutboxPending.Load()) }),
	gauge("outbox_oldest_age_seconds", "Age of the oldest reply not yet sent (0 when none).", func(a *accountView) float64 {
		ms := a.stats.Durable.OutboxOldest.Load()
		if ms == 0 {
			return 0
		}
		return max(0, a.now.Sub(time.UnixMilli(ms)).Seconds())
	}),
	counter("gaps_filled_total", "Rows the reconciliation found that the watch had not delivered.", func(s *monitor.Stats) int64 { return s.Durable.GapsFilled.Load() }),
	counter("duplicates_total", "Rows delivered again and skipped.", func(s *monitor.Stats) int64 { return s.Durable.Duplicates.Load() }),
	counter("late_total", "Rows held back by the replay fence.", func(s *monitor.Stats) int64 { return s.Durable.Late.Load() }),
	counter("delayed_total", "Rows handed in late but handled.", func(s *monitor.Stats) int64 { return s.Durable.Delayed.Load() }),
	counter("redelivered_total", "Rows handled again after a crash.", func(s *monitor.Stats) int64 { return s.Durable.Redelivered.Load() }),
	counter("dead_letters_total", "Rows given up on.", func(s *monitor.Stats) int64 { return s.Durable.DeadLetters.Load() }),
}

var (
	droppedDesc  = metricDesc("dropped_total", "Messages dropped, by OpenClaw's reason.", "reason")
	stateDesc    = metricDesc("state", "The account's lifecycle state (always 1; the state is the label).", "state")
	failureDesc  = metricDesc("failure", "The class of the account's last failure (1; absent before the first).", "class")
	handlerDesc  = metricDesc("handler_duration_seconds", "How long the handler took per dispatch.")
	dispatchDesc = metricDesc("dispatch_latency_seconds", "From a message's own date to its dispatch.")
)

// runCollector exposes the run's accounts.
type runCollector struct {
	accounts []metricsAccount
	now      func() time.Time
}

type metricsAccount struct {
	id    string
	stats *monitor.Stats
}

func newRunCollector(ms []*monitor.Monitor) *runCollector {
	c := &runCollector{now: time.Now}
	seen := map[string]bool{}
	for _, m := range ms {
		// Two series with one label set would fail the whole scrape.
		if id := m.Account().ID; !seen[id] {
			seen[id] = true
			c.accounts = append(c.accounts, metricsAccount{id, m.Stats()})
		}
	}
	return c
}

func (c *runCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range statMetrics {
		ch <- m.desc
	}
	for _, d := range []*prometheus.Desc{droppedDesc, stateDesc, failureDesc, handlerDesc, dispatchDesc} {
		ch <- d
	}
}

func (c *runCollector) Collect(ch chan<- prometheus.Metric) {
	now := c.now()
	for _, acct := range c.accounts {
		s := acct.stats
		state, _ := s.State()
		if state == "" {
			state = "starting" // as the status file says before the first change
		}
		v := &accountView{stats: s, state: state, now: now}
		for _, m := range statMetrics {
			ch <- constMetric(m.desc, m.typ, m.value(v), acct.id)
		}
		for _, d := range s.Drops() {
			ch <- constMetric(droppedDesc, prometheus.CounterValue, float64(d.Count), acct.id, d.Reason)
		}
		ch <- constMetric(stateDesc, prometheus.GaugeValue, 1, acct.id, state)
		if f := s.Failure(); f != nil {
			ch <- constMetric(failureDesc, prometheus.GaugeValue, 1, acct.id, f.Class)
		}
		ch <- constHistogram(handlerDesc, s.HandlerLatency, acct.id)
		ch <- constHistogram(dispatchDesc, s.DispatchLatency, acct.id)
	}
}

// constMetric is prometheus.MustNewConstMetric without the panic: label
// values are made valid UTF-8 first, and an error (none is expected)
// becomes an invalid metric that fails only its own series.
func constMetric(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) prometheus.Metric {
	m, err := prometheus.NewConstMetric(d, t, v, validLabels(labels)...)
	if err != nil {
		return prometheus.NewInvalidMetric(d, err)
	}
	return m
}

func constHistogram(d *prometheus.Desc, h *monitor.Histogram, account string) prometheus.Metric {
	if h == nil {
		return prometheus.NewInvalidMetric(d, errors.New("no histogram"))
	}
	bounds, cumulative, sum, count := h.Snapshot()
	buckets := make(map[float64]uint64, len(bounds))
	for i, b := range bounds {
		buckets[b] = cumulative[i]
	}
	m, err := prometheus.NewConstHistogram(d, count, sum, buckets, validLabels([]string{account})...)
	if err != nil {
		return prometheus.NewInvalidMetric(d, err)
	}
	return m
}

func validLabels(labels []string) []string {
	for i, l := range labels {
		labels[i] = strings.ToValidUTF8(l, "\uFFFD")
	}
	return labels
}

// metricsServer serves /metrics and /healthz; nil when --metrics-addr is
// not given (every method is then a no-op).
type metricsServer struct {
	ln  net.Listener
	srv *http.Server
}

// listenMetrics binds --metrics-addr before any account starts, so a bad
// address fails the run at once instead of after imsg was started.
func listenMetrics(addr string, public bool) (*metricsServer, error) {
	if addr == "" {
		if public {
			return nil, errors.New("--metrics-public needs --metrics-addr")
		}
		return nil, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %v", addr, err)
	}
	if !public && !isLoopbackHost(host) {
		return nil, fmt.Errorf("--metrics-addr %s: not a loopback address; the metrics carry no phone numbers or message text, "+
			"but they tell whoever can connect each account's id, state, last failure class and when messages came and went: "+
			"use 127.0.0.1 or [::1], or add --metrics-public", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %v", addr, err)
	}
	return &metricsServer{ln: ln}, nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL is the bound /metrics address (the real port when :0 was asked).
func (m *metricsServer) URL() string {
	if m == nil {
		return ""
	}
	return "http://" + m.ln.Addr().String() + "/metrics"
}

// serve starts answering scrapes of ms in the background.
func (m *metricsServer) serve(ms []*monitor.Monitor, log *slog.Logger) error {
	if m == nil {
		return nil
	}
	errLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	h, err := metricsHandler(newRunCollector(ms), errLog)
	if err != nil {
		return err
	}
	m.srv = &http.Server{
		Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, ErrorLog: errLog,
	}
	log.Info("openclawcfg run: metrics listening", "addr", m.ln.Addr().String(), "url", m.URL())
	go func() {
		if err := m.srv.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("openclawcfg run: metrics server stopped", "err", err.Error())
		}
	}()
	return nil
}

// Close stops serving (open scrapes are cut: the run is ending).
func (m *metricsServer) Close() {
	if m == nil {
		return
	}
	if m.srv != nil {
		_ = m.srv.Close()
		return
	}
	_ = m.ln.Close()
}

// metricsHandler is /metrics (the run's collector plus Go's and the
// process's, in a registry of its own: the global one would carry whatever
// any imported package registers) and /healthz.
func metricsHandler(c *runCollector, errLog *stdlog.Logger) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	for _, x := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), c,
	} {
		if err := reg.Register(x); err != nil {
			return nil, fmt.Errorf("metrics: %v", err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      errLog,
		ErrorHandling: promhttp.ContinueOnError, MaxRequestsInFlight: 4, Timeout: 10 * time.Second,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		healthy := true
		for _, a := range c.accounts {
			state, _ := a.stats.State()
			if state == "" {
				state = "starting"
			}
			healthy = healthy && state == "running"
			fmt.Fprintf(&b, "%s: %s\n", a.id, state)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !healthy {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, b.String())
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux, nil
}
