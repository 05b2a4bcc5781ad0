// Command gen writes table_gen.go and openclaw.schema.json from the CUE
// schema.
package main

import (
	"log"
	"os"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec/specgen"
)

func main() {
	src, err := specgen.Generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("table_gen.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
	js, err := specgen.GenerateJSONSchema()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("openclaw.schema.json", js, 0o644); err != nil {
		log.Fatal(err)
	}
}
