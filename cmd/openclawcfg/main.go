// Command openclawcfg vets, explains and compiles the iMessage channel
// configuration of OpenClaw (channels.imessage in openclaw.json).
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
