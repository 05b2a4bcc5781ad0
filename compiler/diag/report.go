package diag

import (
	"fmt"
	"io"
	"path/filepath"
)

// LocateEnds fills EndLine and EndColumn of the diagnostics of file s
// from their End offsets.
func LocateEnds(s *Source, ds []Diagnostic) {
	for i := range ds {
		if ds[i].File == s.Name && ds[i].End >= ds[i].Offset {
			ds[i].EndLine, ds[i].EndColumn = s.Position(ds[i].End)
		}
	}
}

// Suppressed is a finding silenced by an openclawcfg:ignore comment.
type Suppressed struct {
	Diagnostic
	// Reason is the comment's text after the codes.
	Reason string `json:"reason"`
	// CommentLine is the line of the comment in the finding's file.
	CommentLine int `json:"commentLine"`
}

// WriteGitHubError annotates an input that could not be read, so that it
// shows on the pull request instead of passing silently.
func WriteGitHubError(w io.Writer, file, msg string) {
	fmt.Fprintf(w, "::error file=%s,title=%s::%s\n", ghProperty(filepath.ToSlash(file)), ghProperty("openclawcfg unreadable input"), ghData(msg))
}
