package lower

import (
	"slices"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

func lowerAttachments(ch, entry, m obj, src *provenance, remote, v96 bool) plan.Attachments {
	a := plan.Attachments{UseRemoteRoots: remote}
	a.Include = boolValueFrom(m, src, "includeAttachments", false)
	strs := func(o obj, key string) []string {
		l, _ := o.list(key)
		var out []string
		for _, v := range l {
			if v.Kind == json5.String {
				out = append(out, v.Str)
			}
		}
		return out
	}
	acctLocal, topLocal := strs(entry, "attachmentRoots"), strs(ch, "attachmentRoots")
	acctRemote, topRemote := strs(entry, "remoteAttachmentRoots"), strs(ch, "remoteAttachmentRoots")
	a.RemoteRootsConfigured = entry.has("remoteAttachmentRoots") || ch.has("remoteAttachmentRoots")
	merge := openclaw.MergeRoots
	if v96 {
		merge = openclaw.MergeRoots96
	}
	a.LocalRoots = merge(acctLocal, topLocal, openclaw.DefaultAttachmentRoots)
	a.RemoteRoots = merge(acctRemote, topRemote, acctLocal, topLocal, openclaw.DefaultAttachmentRoots)
	for _, l := range [][]string{acctLocal, topLocal, acctRemote, topRemote} {
		for _, r := range l {
			if openclaw.RootPatternProblem(r) != "" && !slices.Contains(a.InvalidRoots, r) {
				a.InvalidRoots = append(a.InvalidRoots, r)
			}
		}
	}
	return a
}
