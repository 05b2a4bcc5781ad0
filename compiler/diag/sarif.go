package diag

import "io"

// Tool identifies the producer in SARIF output.
type Tool struct {
	Name, Version, InformationURI string
	// SemanticVersion is Version as numeric major.minor.patch (SARIF's
	// semanticVersion); "0.0.0" for an untagged build.
	SemanticVersion string
}

// WriteSARIF writes diagnostics as a SARIF 2.1.0 log without a source
// root or invocation details; vet writes WriteSARIFLog's fuller run.
func WriteSARIF(w io.Writer, tool Tool, ds []Diagnostic, sources map[string]*Source) error {
	return WriteSARIFLog(w, SARIFRun{Tool: tool, Diagnostics: ds, Sources: sources})
}
