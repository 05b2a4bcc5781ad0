package main

import "github.com/openclawcfg/openclawcfg/compiler"

type schemaCmd struct {
	Format string `short:"f" enum:"jsonschema" default:"jsonschema" help:"Output format: ${enum}."`
}

func (c *schemaCmd) Help() string {
	return `Prints the schema of openclaw.json as openclawcfg knows it, exported from
its CUE source, for editors: save it and point "$schema" at it.`
}

func (c *schemaCmd) Run(e *env) error {
	_, err := e.stdout.Write(compiler.JSONSchema())
	return fail(err)
}
