//go:build unix

package imsg

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"testing"
)

func BenchmarkDecodeLine(b *testing.B) {
	for _, bc := range []struct{ name, line string }{
		{"notification", benchNotification},
		{"response", `{"jsonrpc":"2.0","id":3,"result":{"ok":true,"transport":"applescript","id":4202,"guid":"0B9D5A44-7C1E-4F2A-8D3B-5E6F7A8B9C0D"}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			line := []byte(bc.line)
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				d := decodeLine(line)
				if d.kind != lineNotification && d.kind != lineResponse {
					b.Fatal(d.kind)
				}
			}
		})
	}
}

// BenchmarkNotificationDispatch: a notification line through the client's
// dispatch, params copied for the handler.
func BenchmarkNotificationDispatch(b *testing.B) {
	n := 0
	c := newClient(Config{OnNotification: func(Notification) { n++ }}, nil, nil, nil)
	line := []byte(benchNotification)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		c.handleLine(line)
	}
	if n == 0 {
		b.Fatal("not delivered")
	}
}

// BenchmarkCallRoundTrip: Call over in-process pipes to a goroutine that
// answers each request, as imsg would, with its id.
func BenchmarkCallRoundTrip(b *testing.B) {
	c, stop := benchPipeClient(b)
	defer stop()
	b.ReportAllocs()
	var res struct{ OK bool }
	for b.Loop() {
		if err := c.Call(context.Background(), "chats.list", nil, &res); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallRoundTripParallel(b *testing.B) {
	c, stop := benchPipeClient(b)
	defer stop()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := c.Call(context.Background(), "chats.list", nil, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func benchPipeClient(b *testing.B) (*Client, func()) {
	inR, inW, _ := os.Pipe()
	outR, outW, _ := os.Pipe()
	c := newClient(Config{Logger: discardLogger()}, inW, outR, nil)
	c.run()
	go func() {
		defer outW.Close()
		r := bufio.NewReader(inR)
		w := bufio.NewWriter(outW)
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			i := bytes.Index(line, []byte(`"id":`)) + 5
			j := i + bytes.IndexByte(line[i:], ',')
			w.WriteString(`{"jsonrpc":"2.0","id":`)
			w.Write(line[i:j])
			w.WriteString(`,"result":{"ok":true}}` + "\n")
			if r.Buffered() == 0 {
				w.Flush()
			}
		}
	}()
	return c, func() { c.Stop(context.Background()); inR.Close() }
}
