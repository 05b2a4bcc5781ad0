package compiler

import "github.com/openclawcfg/openclawcfg/compiler/internal/spec"

// JSONSchema returns the config schema as JSON Schema (draft 2020-12),
// exported from the CUE source, for editors ("$schema").
func JSONSchema() []byte { return spec.JSONSchema }

// JSONSchemaFor is JSONSchema for OpenClaw release rel (release.Supported;
// "" or unknown is the seed release).
func JSONSchemaFor(rel string) []byte { return spec.JSONSchemaFor(rel) }
