//go:build !unix

package main

import "github.com/rogpeppe/go-internal/testscript"

func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("signals need a unix system")
}
