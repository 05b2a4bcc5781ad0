// Command gen writes each release's table and JSON Schema from the CUE
// schema.
package main

import (
	"log"
	"os"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec/specgen"
)

func main() {
	for _, r := range specgen.Releases {
		src, err := specgen.GenerateRelease(r.Release)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(r.File, src, 0o644); err != nil {
			log.Fatal(err)
		}
		js, err := specgen.GenerateJSONSchemaRelease(r.Release)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(specgen.JSONSchemaFile(r.Release), js, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
