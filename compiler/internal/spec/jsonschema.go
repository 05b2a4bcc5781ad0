package spec

import (
	_ "embed"

	"github.com/openclawcfg/openclawcfg/internal/release"
)

// JSONSchema is the seed release's schema exported from CUE as JSON Schema
// (draft 2020-12), generated alongside the table so the CLI serves it
// without evaluating CUE.
//
//go:embed openclaw.schema.json
var JSONSchema []byte

//go:embed openclaw-2026.9.6.schema.json
var jsonSchema2026_9_6 []byte

// JSONSchemaFor returns rel's JSON Schema (the seed release's for an
// unknown one).
func JSONSchemaFor(rel string) []byte {
	if rel == release.Current {
		return jsonSchema2026_9_6
	}
	return JSONSchema
}
