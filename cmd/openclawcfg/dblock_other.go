//go:build !unix

package main

import "github.com/openclawcfg/openclawcfg/plan"

// lockDatabases is a no-op where flock is missing; the state dir's store
// lock still keeps two runs off one state dir.
func lockDatabases([]*plan.Account) (func(), error) { return func() {}, nil }
