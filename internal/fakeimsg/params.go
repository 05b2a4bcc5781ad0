package fakeimsg

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Lenient parameter coercion of imsg 0.9.0 (Sources/imsg/RPCPayloads.swift:
// intParam, int64Param, stringParam, boolParam, stringArrayParam). A value of
// the wrong type reads as absent. Values come from encoding/json with
// UseNumber, so numbers are json.Number.

// swiftInt parses like Swift's Int(String): optional sign, ASCII digits only,
// no spaces, no overflow.
func swiftInt(s string) (int64, bool) {
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	if t == "" {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
	return n, err == nil
}

// numberInt is NSNumber.int64Value of a JSON number: integers exactly,
// fractions truncated toward zero, out-of-range values clamped.
func numberInt(n json.Number) (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && f == 0 {
		return 0, false
	}
	switch {
	case math.IsNaN(f):
		return 0, false
	case f >= math.MaxInt64:
		return math.MaxInt64, true
	case f <= math.MinInt64:
		return math.MinInt64, true
	}
	return int64(f), true
}

func intParam(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		return numberInt(x)
	case bool:
		// A JSON true is an NSNumber, which Swift bridges to Int 1.
		if x {
			return 1, true
		}
		return 0, true
	case string:
		return swiftInt(x)
	}
	return 0, false
}

func stringParam(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		// NSNumber.stringValue: integers plainly, others in shortest form.
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return string(x), true
		}
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return strconv.FormatInt(int64(f), 10), true
		}
		return strconv.FormatFloat(f, 'g', -1, 64), true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

func boolParam(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return false, false
		}
		return f != 0, true
	case string:
		switch x {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

func stringArrayParam(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := stringParam(e); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		var out []string
		for _, p := range strings.Split(x, ",") {
			if p = trimSwift(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	return nil
}

// isSwiftSpace is CharacterSet.whitespacesAndNewlines: Unicode White_Space.
func isSwiftSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

func trimSwift(s string) string { return strings.TrimFunc(s, isSwiftSpace) }
