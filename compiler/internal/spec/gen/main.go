// Command gen writes table_gen.go from the CUE schema.
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
}
