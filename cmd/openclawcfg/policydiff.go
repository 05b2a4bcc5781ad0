package main

// runPolicyDiff is `vet --policy-diff OLD NEW`, the deprecated alias of
// `openclawcfg diff OLD NEW`, with vet's usage errors.
func (c *vetCmd) runPolicyDiff(e *env) error {
	if len(c.Paths) != 2 {
		return usageErrorf("--policy-diff needs exactly two configs: OLD NEW")
	}
	if c.Format != "text" && c.Format != "json" {
		return usageErrorf("--policy-diff prints text or json, not %s", c.Format)
	}
	deprecated(e, "vet --policy-diff OLD NEW", "diff OLD NEW")
	return policyDiff(e, c.Paths[0], c.Paths[1], c.Format, c.NoEnv, c.AllowEnv)
}
