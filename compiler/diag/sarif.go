package diag

import (
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
)

// Tool identifies the producer in SARIF output.
type Tool struct {
	Name, Version, InformationURI string
}

// WriteSARIF writes a SARIF 2.1.0 log, in the subset GitHub code scanning
// ingests: one run, one rule per finding code, results with a physical
// location whose columns count Unicode code points.
func WriteSARIF(w io.Writer, tool Tool, ds []Diagnostic, sources map[string]*Source) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string            `json:"id"`
		Name             string            `json:"name"`
		ShortDescription msg               `json:"shortDescription"`
		DefaultConfig    map[string]string `json:"defaultConfiguration"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
		ByteOffset  int `json:"byteOffset"`
		ByteLength  int `json:"byteLength,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region region `json:"region"`
		} `json:"physicalLocation"`
	}
	type result struct {
		RuleID     string         `json:"ruleId"`
		RuleIndex  int            `json:"ruleIndex"`
		Level      string         `json:"level"`
		Message    msg            `json:"message"`
		Locations  []location     `json:"locations"`
		Properties map[string]any `json:"properties,omitempty"`
	}
	var codes []string
	for _, d := range ds {
		if !slices.Contains(codes, d.Code) {
			codes = append(codes, d.Code)
		}
	}
	slices.Sort(codes)
	rules := make([]rule, len(codes))
	for i, c := range codes {
		level := "error"
		if Describe(c).Warning {
			level = "warning"
		}
		rules[i] = rule{ID: c, Name: c, ShortDescription: msg{Describe(c).Summary}, DefaultConfig: map[string]string{"level": level}}
	}
	results := make([]result, 0, len(ds))
	for _, d := range ds {
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = filepath.ToSlash(d.File)
		r := region{StartLine: max(d.Line, 1), StartColumn: max(d.Column, 1), ByteOffset: d.Offset}
		if src := sources[d.File]; src != nil && d.End > d.Offset {
			r.EndLine, r.EndColumn = src.Position(d.End)
			r.ByteLength = d.End - d.Offset
		}
		loc.PhysicalLocation.Region = r
		text := d.Message
		if d.Path != "" {
			text = d.Path + ": " + text
		}
		if d.Fix != "" {
			text += "\nfix: " + d.Fix
		}
		props := map[string]any{}
		if d.Path != "" {
			props["path"] = d.Path
		}
		if len(d.Allowed) > 0 {
			props["allowed"] = d.Allowed
		}
		if d.DidYouMean != "" {
			props["didYouMean"] = d.DidYouMean
		}
		results = append(results, result{
			RuleID: d.Code, RuleIndex: slices.Index(codes, d.Code), Level: d.Severity.String(),
			Message: msg{text}, Locations: []location{loc}, Properties: props,
		})
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": tool.Name, "version": tool.Version, "informationUri": tool.InformationURI, "rules": rules,
			}},
			"columnKind": "unicodeCodePoints",
			"results":    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}
