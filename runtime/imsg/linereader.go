package imsg

import (
	"bytes"
	"io"
)

// lineReader splits a byte stream at '\n' ("\r\n" too: the '\r' is
// trimmed later). A line longer than max is not kept: its first
// oversizePrefix bytes and its length are reported instead, and reading
// resumes at the next line, so one huge line costs neither the stream nor
// unbounded memory. UTF-8 split across reads needs no care because lines
// are decoded whole.
//
// OpenClaw's readline also ends lines at a lone '\r' and at U+2028/U+2029;
// this reader does not (see doc.go: that split loses valid messages).
type lineReader struct {
	r      io.Reader
	buf    []byte // read buffer; buf[r0:w] is unread
	r0, w  int
	acc    []byte // a line spanning reads
	max    int
	over   bool  // discarding an oversize line
	size   int64 // bytes of the oversize line so far
	prefix []byte
	err    error
}

const oversizePrefix = 4096

type lineResult struct {
	line     []byte // valid until the next call
	oversize int64  // >0: a line of this many bytes was skipped; line holds its prefix
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: r, buf: make([]byte, 64<<10), max: max}
}

// next returns the next line, or the reader's error (io.EOF at the end,
// after a final unterminated line).
func (l *lineReader) next() (lineResult, error) {
	l.acc = l.acc[:0]
	if cap(l.acc) > 1<<20 { // do not keep a huge buffer after a huge line
		l.acc = nil
	}
	for {
		if l.r0 < l.w {
			win := l.buf[l.r0:l.w]
			if i := bytes.IndexByte(win, '\n'); i >= 0 {
				l.r0 += i + 1
				return l.finish(win[:i]), nil
			}
			l.add(win)
			l.r0 = l.w
		}
		if l.err != nil {
			if len(l.acc) > 0 || l.over {
				return l.finish(nil), nil
			}
			return lineResult{}, l.err
		}
		n, err := l.r.Read(l.buf)
		l.r0, l.w = 0, n
		if err != nil {
			l.err = err
		}
	}
}

func (l *lineReader) add(p []byte) {
	if l.over {
		l.size += int64(len(p))
		if room := oversizePrefix - len(l.prefix); room > 0 {
			l.prefix = append(l.prefix, p[:min(len(p), room)]...)
		}
		return
	}
	if len(l.acc)+len(p) > l.max {
		l.over = true
		l.size = int64(len(l.acc) + len(p))
		l.prefix = append(l.prefix[:0], l.acc...)
		if len(l.prefix) < oversizePrefix {
			l.prefix = append(l.prefix, p[:min(len(p), oversizePrefix-len(l.prefix))]...)
		}
		l.prefix = l.prefix[:min(len(l.prefix), oversizePrefix)]
		l.acc = l.acc[:0]
		return
	}
	l.acc = append(l.acc, p...)
}

func (l *lineReader) finish(tail []byte) lineResult {
	if l.over {
		l.add(tail)
		l.over = false
		size := l.size
		l.size = 0
		return lineResult{line: l.prefix, oversize: size}
	}
	if len(l.acc) == 0 {
		if len(tail) > l.max {
			l.prefix = append(l.prefix[:0], tail[:min(len(tail), oversizePrefix)]...)
			return lineResult{line: l.prefix, oversize: int64(len(tail))}
		}
		return lineResult{line: tail}
	}
	if len(l.acc)+len(tail) > l.max {
		l.add(tail)
		return l.finish(nil)
	}
	l.acc = append(l.acc, tail...)
	return lineResult{line: l.acc}
}
