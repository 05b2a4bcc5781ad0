package main

import (
	"bytes"
	"encoding/json"

	"github.com/openclawcfg/openclawcfg/compiler"
)

type schemaCmd struct {
	Format   string `short:"f" enum:"jsonschema" default:"jsonschema" help:"Output format: ${enum}."`
	OpenClaw string `name:"openclaw" placeholder:"RELEASE" help:"The schema of this OpenClaw release (${releases}); default ${seed}."`
}

func (c *schemaCmd) Help() string {
	return `Prints the schema of openclaw.json as openclawcfg knows it, exported from
its CUE source, for editors: save it and point "$schema" at it.`
}

func (c *schemaCmd) Run(e *env) error {
	rel, err := releaseFlag(c.OpenClaw)
	if err != nil {
		return err
	}
	// Embedded compact; indented for people and diffs.
	var out bytes.Buffer
	if err := json.Indent(&out, compiler.JSONSchemaFor(rel), "", "  "); err != nil {
		return fail(err)
	}
	_, err = e.stdout.Write(out.Bytes())
	return fail(err)
}
