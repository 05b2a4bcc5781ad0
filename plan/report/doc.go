// Package report holds the reports that read a compiled plan and nothing
// else: who can reach the agent (Access), the effective value of a field
// per account with its origin (EffectiveValues, DescribeOrigin), and the
// access changes between two plans (PolicyDiff). They sit next to the plan
// because they never look at a config: `access`, `explain --config` and
// `diff` compile first and then call them.
package report
