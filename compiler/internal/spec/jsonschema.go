package spec

import _ "embed"

// JSONSchema is the schema exported from CUE as JSON Schema (draft
// 2020-12), generated alongside the table so the CLI serves it without
// evaluating CUE.
//
//go:embed openclaw.schema.json
var JSONSchema []byte
