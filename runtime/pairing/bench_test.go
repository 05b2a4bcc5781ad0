package pairing

import (
	"fmt"
	"path/filepath"
	"testing"
)

// The iMessage monitor reads the allow list once per inbound message
// (readChannelAllowFromStore in imessage-VIY7pCuj.js); OpenClaw re-stats the
// files each time and re-parses only when mtime or size changed. So do we.
func benchStoreWithAllowList(b *testing.B, n int) *Store {
	s, dir := testStore(b)
	list := `{"version":1,"allowFrom":[`
	for i := 0; i < n; i++ {
		if i > 0 {
			list += ","
		}
		list += fmt.Sprintf(`"+1555%07d"`, i)
	}
	list += "]}"
	writeFile(b, filepath.Join(dir, "credentials", "imessage-default-allowFrom.json"), list)
	writeFile(b, filepath.Join(dir, "credentials", "imessage-allowFrom.json"), `{"version":1,"allowFrom":["legacy@example.com"]}`)
	return s
}

func BenchmarkReadAllowFrom(b *testing.B) {
	s := benchStoreWithAllowList(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if got, err := s.ReadAllowFrom("default"); err != nil || len(got) != 21 {
			b.Fatal(got, err)
		}
	}
}

func BenchmarkReadAllowFromUncached(b *testing.B) {
	s := benchStoreWithAllowList(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		s.mu.Lock()
		s.cache = nil
		s.mu.Unlock()
		if got, err := s.ReadAllowFrom("default"); err != nil || len(got) != 21 {
			b.Fatal(got, err)
		}
	}
}

func BenchmarkReadAllowFromNamedAccountMissing(b *testing.B) {
	s := benchStoreWithAllowList(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if got, err := s.ReadAllowFrom("work"); err != nil || len(got) != 0 {
			b.Fatal(got, err)
		}
	}
}

// A repeat DM from a pending stranger: lock, read, rewrite (two fsyncs).
func BenchmarkUpsertRepeat(b *testing.B) {
	s, _ := testStore(b)
	if _, _, err := s.Upsert("", "+15550001111", []MetaField{{"sender", "+15550001111"}, {"chatId", "3"}}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, created, err := s.Upsert("", "+15550001111", []MetaField{{"sender", "+15550001111"}, {"chatId", "3"}}); err != nil || created {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStringify(b *testing.B) {
	data := []byte(jsonSeeds[0])
	b.ReportAllocs()
	for b.Loop() {
		v, err := parseJSON(data)
		if err != nil {
			b.Fatal(err)
		}
		stringify(v)
	}
}
