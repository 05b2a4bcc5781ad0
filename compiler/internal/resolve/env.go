package resolve

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// envVar is one entry of collectConfigEnvVarsByTarget: a name and the config
// value that would be copied into the environment.
type envVar struct {
	key     string
	rawVars string // the env.vars key it came from, "" for env.<NAME>
	value   *json5.Node
}

// configEnvVars is collectConfigEnvVarsByTarget (src/config/config-env-vars.ts)
// on the resolved root: env.vars entries with a truthy value, then env.<NAME>
// entries with a non-blank string value (these replace vars entries of the
// same name in place), each under a trimmed portable name that
// isBlockedConfigEnvVar lets through.
func configEnvVars(root *json5.Node) []envVar {
	if root.Kind != json5.Object {
		return nil // `"env" in resolvedIncludes` needs an object; arrays have no env
	}
	cfg := jsGet(root, "env")
	if cfg == nil || !cfg.Truthy() || cfg.Kind != json5.Object {
		// Object.entries of a string or an array gives index keys only,
		// which normalizeEnvVarKey rejects; of a number or boolean, nothing.
		return nil
	}
	var out []envVar
	set := func(v envVar) {
		for i := range out {
			if out[i].key == v.key {
				out[i] = v
				return
			}
		}
		out = append(out, v)
	}
	if vars := jsGet(cfg, "vars"); vars != nil && vars.Kind == json5.Object {
		for _, i := range vars.OwnKeys(true) {
			m := &vars.Members[i]
			if !m.Value.Truthy() {
				continue
			}
			key, ok := normalizeEnvVarKey(m.Key)
			if !ok || isBlockedConfigEnvVar(key) {
				continue
			}
			set(envVar{key: key, rawVars: m.Key, value: m.Value})
		}
	}
	for _, i := range cfg.OwnKeys(true) {
		m := &cfg.Members[i]
		if m.Key == "shellEnv" || m.Key == "vars" {
			continue
		}
		if m.Value.Kind != json5.String || openclaw.TrimJS(m.Value.Str) == "" {
			continue
		}
		key, ok := normalizeEnvVarKey(m.Key)
		if !ok || isBlockedConfigEnvVar(key) {
			continue
		}
		set(envVar{key: key, value: m.Value})
	}
	return out
}

// envCrashCandidate reports whether root may make applyConfigEnvVars throw
// (a truthy env.vars value that is neither a string nor an array), so that
// Resolve cannot take its fast path.
func envCrashCandidate(root *json5.Node) bool {
	if root.Kind != json5.Object {
		return false
	}
	cfg := jsGet(root, "env")
	if cfg == nil || cfg.Kind != json5.Object {
		return false
	}
	vars := jsGet(cfg, "vars")
	if vars == nil || vars.Kind != json5.Object {
		return false
	}
	for i := range vars.Members {
		v := vars.Members[i].Value
		if v.Kind != json5.String && v.Kind != json5.Array && v.Truthy() {
			return true
		}
	}
	return false
}

// envStage is resolveConfigForRead: applyConfigEnvVars, then
// resolveConfigEnvVars with an onMissing callback that collects warnings.
func (r *resolver) envStage(root *json5.Node) *json5.Node {
	var overlay map[string]string
	for _, v := range configEnvVars(root) {
		// applyConfigEnvVars: a variable already set to a non-blank value wins.
		if cur, ok, _ := r.env(v.key); ok && openclaw.TrimJS(cur) != "" {
			continue
		}
		var s string
		switch v.value.Kind {
		case json5.String:
			if containsEnvVarReference(v.value.Str) {
				continue
			}
			s = v.value.Str
		case json5.Array:
			if arrayContainsEnvVarReference(v.value.Elems) {
				continue
			}
			s = json5.JoinJS(v.value.Elems) // what `${NAME}` later turns into
		default:
			// containsEnvVarReference calls value.includes, which numbers,
			// booleans and plain objects lack: the TypeError escapes
			// resolveConfigForRead and readConfigFileSnapshot reports
			// "read failed: TypeError: value.includes is not a function".
			r.res.Findings = append(r.res.Findings, diag.Diagnostic{
				File: fileName(v.value.File), Offset: v.value.Start, End: v.value.End,
				Path: "env.vars." + v.rawVars, Code: diag.CodeEnvVars,
				Message: fmt.Sprintf("env.vars.%s is %s; OpenClaw 2026.3.24 then fails to read the config at all (\"TypeError: value.includes is not a function\") unless %s is already set in its environment",
					v.rawVars, article(v.value), v.key),
				Fix: "write the value as a string",
			})
			r.failed = true
			return nil
		}
		if overlay == nil {
			overlay = make(map[string]string)
		}
		overlay[v.key] = s
	}
	if !hasEnvSyntax(root) {
		return root
	}
	s := substituter{r: r, overlay: overlay}
	r.path = r.path[:0]
	return s.any(root)
}

type substituter struct {
	r        *resolver
	overlay  map[string]string
	inserted int // bytes inserted so far
}

// lookup finds name in env.vars (the overlay), then in Options.Env;
// fromEnv says the value came from Options.Env, denied that Options.EnvAllowed
// refused to read it (it is then unset).
func (s *substituter) lookup(name string) (val string, ok, fromEnv, denied bool) {
	if v, ok := s.overlay[name]; ok {
		return v, true, false, false
	}
	val, ok, denied = s.r.env(name)
	return val, ok, ok, denied
}

// env reads a variable of Options.Env, unless Options.EnvAllowed refuses it.
func (r *resolver) env(name string) (val string, ok, denied bool) {
	if r.opt.Env == nil {
		return "", false, false
	}
	if r.opt.EnvAllowed != nil && !r.opt.EnvAllowed(name) {
		return "", false, true
	}
	val, ok = r.opt.Env(name)
	return val, ok, false
}

// any is substituteAny: strings are substituted, arrays element by element,
// objects over their own keys (the winners of duplicates; "__proto__" is the
// prototype by now, not a key). Unchanged subtrees are returned as they are.
func (s *substituter) any(n *json5.Node) *json5.Node {
	r := s.r
	switch n.Kind {
	case json5.String:
		if !strings.Contains(n.Str, "${") {
			return n
		}
		out, changed, vars := s.str(n)
		if !changed {
			return n
		}
		nn := &json5.Node{Kind: json5.String, Start: n.Start, End: n.End, Str: out}
		nn.File = n.File
		if len(vars) > 0 {
			if r.res.Subst == nil {
				r.res.Subst = make(map[*json5.Node]*Subst)
			}
			r.res.Subst[nn] = &Subst{Raw: n.Str, Env: vars}
		}
		return nn
	case json5.Array:
		var out []*json5.Node
		for i, e := range n.Elems {
			r.push(strconv.Itoa(i))
			ne := s.any(e)
			r.pop()
			if ne != e && out == nil {
				out = make([]*json5.Node, i, len(n.Elems))
				copy(out, n.Elems[:i])
			}
			if out != nil {
				out = append(out, ne)
			}
		}
		if out == nil {
			return n
		}
		nn := &json5.Node{Kind: json5.Array, Start: n.Start, End: n.End, Elems: out}
		nn.File = n.File
		return nn
	case json5.Object:
		var out []json5.Member
		for _, i := range n.OwnKeys(true) {
			m := &n.Members[i]
			r.push(m.Key)
			nv := s.any(m.Value)
			r.pop()
			if nv != m.Value {
				if out == nil {
					out = append([]json5.Member(nil), n.Members...)
				}
				out[i].Value = nv
			}
		}
		if out == nil {
			return n
		}
		nn := &json5.Node{Kind: json5.Object, Start: n.Start, End: n.End, Members: out}
		nn.File = n.File
		return nn
	}
	return n
}

// str is substituteString: ${NAME} becomes the variable's value, $${NAME}
// becomes a literal ${NAME}, anything else stays. A variable that is unset or
// empty stays as written and gets a warning (the onMissing callback).
//
// vars lists the variables whose values came from Options.Env, once each.
// Past MaxEnvBytes inserted in the whole document it fails the resolution.
func (s *substituter) str(n *json5.Node) (out string, changed bool, vars []EnvRef) {
	if s.r.failed {
		return n.Str, false, nil
	}
	v := n.Str
	var b strings.Builder
	var warned map[string]bool
	last := 0 // v[last:i] not yet copied
	for i := 0; i < len(v); i++ {
		if v[i] != '$' {
			continue
		}
		kind, name, end := parseEnvTokenAt(v, i)
		switch kind {
		case tokenEscaped:
			b.WriteString(v[last:i])
			b.WriteString("${")
			b.WriteString(name)
			b.WriteString("}")
			changed = true
		case tokenSubstitution:
			val, ok, fromEnv, denied := s.lookup(name)
			if !ok || val == "" {
				// One warning per variable and string: more would be
				// identical (and sorted away).
				if !warned[name] {
					if warned == nil {
						warned = map[string]bool{}
					}
					warned[name] = true
					if denied {
						s.denied(n, name)
					} else {
						s.missing(n, name, ok)
					}
				}
				i = end
				continue // left as written: v[last:] still covers it
			}
			if s.inserted += len(val); s.inserted > MaxEnvBytes {
				s.tooLarge(n, name)
				return n.Str, false, nil
			}
			b.WriteString(v[last:i])
			b.WriteString(val)
			changed = true
			if fromEnv {
				s.r.res.Env = append(s.r.res.Env, EnvUse{Name: name, Value: val, Path: s.r.pathString()})
				if !slices.ContainsFunc(vars, func(e EnvRef) bool { return e.Name == name }) {
					vars = append(vars, EnvRef{Name: name, Len: openclaw.LenJS(val), Value: val})
				}
			}
		default:
			continue
		}
		i = end
		last = end + 1
	}
	if !changed {
		return v, false, nil
	}
	b.WriteString(v[last:])
	return b.String(), true, vars
}

// tooLarge fails the resolution: substitution inserted more than
// MaxEnvBytes.
func (s *substituter) tooLarge(n *json5.Node, name string) {
	r := s.r
	r.fail(diag.Diagnostic{
		File: fileName(n.File), Offset: n.Start, End: n.End, Path: r.pathString(), Code: diag.CodeLimit,
		Message: fmt.Sprintf("${VAR} substitution inserts more than %d MiB into the config by this ${%s}, past openclawcfg's limit (each reference counts)", MaxEnvBytes>>20, name),
		Fix:     "reference long variables once, or shorten them; openclawcfg refuses configs that expand this much",
	})
}

// denied warns about a reference Options.EnvAllowed did not let through.
func (s *substituter) denied(n *json5.Node, name string) {
	r := s.r
	if r.saturated(n, diag.CodeEnv) {
		return
	}
	r.warn(diag.Diagnostic{
		File: fileName(n.File), Offset: n.Start, End: n.End, Path: r.pathString(), Code: diag.CodeEnv,
		Message: fmt.Sprintf("environment variable %s was not read (%s), so it is treated as unset and \"${%s}\" is checked as written; OpenClaw will substitute it where it runs", name, r.opt.EnvDenied, name),
		Fix:     fmt.Sprintf("allow it (--allow-env %s) if the config may read it here", name),
	})
}

func (s *substituter) missing(n *json5.Node, name string, empty bool) {
	r := s.r
	if r.saturated(n, diag.CodeEnv) {
		return
	}
	what := "is not set"
	if empty {
		what = "is set but empty, which OpenClaw treats as unset"
	}
	r.warn(diag.Diagnostic{
		File: fileName(n.File), Offset: n.Start, End: n.End, Path: r.pathString(), Code: diag.CodeEnv,
		Message: fmt.Sprintf("environment variable %s %s; OpenClaw leaves \"${%s}\" as written", name, what, name),
		Fix:     fmt.Sprintf("set %s where OpenClaw runs (or in env.vars; vet sees the gateway's environment with --env-file FILE or --env %s=VALUE), or write $${%s} for a literal \"${%s}\"", name, name, name, name),
	})
}

const (
	tokenNone = iota
	tokenEscaped
	tokenSubstitution
)

// parseEnvTokenAt is parseEnvTokenAt of src/config/env-substitution.ts for
// v[i] == '$': "$${NAME}" is an escape, "${NAME}" a reference, where NAME is
// everything up to the first "}" and must match /^[A-Z_][A-Z0-9_]*$/. end is
// the index of that "}". Scanning only over name characters finds the same
// first "}" whenever the name is valid, and keeps the whole scan linear.
func parseEnvTokenAt(v string, i int) (kind int, name string, end int) {
	if i+2 < len(v) && v[i+1] == '$' && v[i+2] == '{' {
		if name, end, ok := envName(v, i+3); ok {
			return tokenEscaped, name, end
		}
	}
	if i+1 < len(v) && v[i+1] == '{' {
		if name, end, ok := envName(v, i+2); ok {
			return tokenSubstitution, name, end
		}
	}
	return tokenNone, "", 0
}

func envName(v string, start int) (string, int, bool) {
	j := start
	for j < len(v) && isNameByte(v[j]) {
		j++
	}
	if j == start || j == len(v) || v[j] != '}' || (v[start] >= '0' && v[start] <= '9') {
		return "", 0, false
	}
	return v[start:j], j, true
}

func isNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// validEnvName is ENV_VAR_NAME_PATTERN.
func validEnvName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

// containsEnvVarReference reports whether v holds a ${NAME} reference
// outside $${NAME} escapes.
func containsEnvVarReference(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '$' {
			continue
		}
		kind, _, end := parseEnvTokenAt(v, i)
		switch kind {
		case tokenEscaped:
			i = end
		case tokenSubstitution:
			return true
		}
	}
	return false
}

// arrayContainsEnvVarReference is containsEnvVarReference applied to an
// array, as applyConfigEnvVars does for an array in env.vars: arrays have
// includes() too, so the same code runs with elements in place of
// characters: value[i] === "$" compares elements, indexOf("}") finds the
// first "}" element, and the name is String(slice) = slice.join(",").
func arrayContainsEnvVarReference(elems []*json5.Node) bool {
	is := func(i int, s string) bool {
		return i < len(elems) && elems[i].Kind == json5.String && elems[i].Str == s
	}
	name := func(start int) (int, bool) {
		for j := start; j < len(elems); j++ {
			if is(j, "}") {
				return j, validEnvName(json5.JoinJS(elems[start:j]))
			}
		}
		return 0, false
	}
	hasDollar := false
	for i := range elems {
		if is(i, "$") {
			hasDollar = true
			break
		}
	}
	if !hasDollar {
		return false
	}
	for i := 0; i < len(elems); i++ {
		if !is(i, "$") {
			continue
		}
		if is(i+1, "$") && is(i+2, "{") {
			if end, ok := name(i + 3); ok {
				i = end
				continue
			}
		}
		if is(i+1, "{") {
			if _, ok := name(i + 2); ok {
				return true
			}
		}
	}
	return false
}

// normalizeEnvVarKey with {portable: true} (src/infra/host-env-security.ts).
func normalizeEnvVarKey(raw string) (string, bool) {
	k := openclaw.TrimJS(raw)
	if k == "" {
		return "", false
	}
	c := k[0]
	if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_') {
		return "", false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "", false
		}
	}
	return k, true
}

// host_env_security_policy_default of 2026.3.24: isDangerousHostEnvVarName
// and isDangerousHostEnvOverrideVarName compare upper-cased names.
var (
	blockedEnvKeys = setOf("NODE_OPTIONS", "NODE_PATH", "PYTHONHOME", "PYTHONPATH", "PERL5LIB", "PERL5OPT",
		"RUBYLIB", "RUBYOPT", "BASH_ENV", "ENV", "GIT_EXTERNAL_DIFF", "GIT_EXEC_PATH", "SHELL", "SHELLOPTS",
		"PS4", "GCONV_PATH", "IFS", "SSLKEYLOGFILE", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
		"PYTHONBREAKPOINT", "DOTNET_STARTUP_HOOKS", "DOTNET_ADDITIONAL_DEPS", "GLIBC_TUNABLES", "MAVEN_OPTS",
		"SBT_OPTS", "GRADLE_OPTS", "ANT_OPTS",
		// blockedOverrideKeys
		"HOME", "GRADLE_USER_HOME", "ZDOTDIR", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_PROXY_COMMAND", "GIT_ASKPASS",
		"SSH_ASKPASS", "LESSOPEN", "LESSCLOSE", "PAGER", "MANPAGER", "GIT_PAGER", "EDITOR", "VISUAL", "FCEDIT",
		"SUDO_EDITOR", "PROMPT_COMMAND", "HISTFILE", "PERL5DB", "PERL5DBCMD", "OPENSSL_CONF", "OPENSSL_ENGINES",
		"PYTHONSTARTUP", "WGETRC", "CURL_HOME", "CLASSPATH", "CGO_CFLAGS", "CGO_LDFLAGS", "GOFLAGS",
		"CORECLR_PROFILER_PATH", "PHPRC", "PHP_INI_SCAN_DIR", "DENO_DIR", "BUN_CONFIG_REGISTRY", "LUA_PATH",
		"LUA_CPATH", "GEM_HOME", "GEM_PATH", "BUNDLE_GEMFILE", "COMPOSER_HOME", "XDG_CONFIG_HOME")
	blockedEnvPrefixes = []string{"DYLD_", "LD_", "BASH_FUNC_", "GIT_CONFIG_", "NPM_CONFIG_"}
)

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// isBlockedConfigEnvVar: the name is ASCII (normalizeEnvVarKey checked), so
// JavaScript's toUpperCase is ASCII upper-casing here.
func isBlockedConfigEnvVar(key string) bool {
	u := strings.ToUpper(key)
	if blockedEnvKeys[u] {
		return true
	}
	for _, p := range blockedEnvPrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}
