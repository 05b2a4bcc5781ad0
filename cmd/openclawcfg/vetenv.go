package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler"
)

// maxEnvFileBytes bounds an --env-file: environment files are a few KiB.
const maxEnvFileBytes = 1 << 20

// environment is the lookup vet substitutes ${VAR} with: the gateway's
// environment from --env-file and --env when either is given (and then
// nothing of this process's environment, which is the CI machine's), else
// nil, which means this process's environment.
func (c *vetCmd) environment() (func(string) (string, bool), error) {
	if c.EnvFile == "" && len(c.EnvVars) == 0 {
		return nil, nil
	}
	vars := map[string]string{}
	if c.EnvFile != "" {
		// A FIFO or a device is refused without opening it, so a hostile
		// --env-file cannot block vet.
		src, err := compiler.ReadConfigFile(c.EnvFile)
		if err != nil {
			return nil, failf("--env-file: %s", readError(err))
		}
		if len(src) > maxEnvFileBytes {
			return nil, failf("--env-file %s: larger than %d KiB", c.EnvFile, maxEnvFileBytes>>10)
		}
		parsed, err := parseEnvFile(src)
		if err != nil {
			return nil, failf("--env-file %s:%w", c.EnvFile, err)
		}
		for k, v := range parsed {
			vars[k] = v
		}
	}
	for _, kv := range c.EnvVars {
		name, value, ok := strings.Cut(kv, "=")
		if !validEnvName(name) {
			return nil, usageErrorf("--env %s: want NAME=VALUE (or NAME, to pass this machine's value), NAME of letters, digits and _", kv)
		}
		if !ok {
			// --env NAME passes this machine's value through, like docker.
			if value, ok = os.LookupEnv(name); !ok {
				continue
			}
		}
		vars[name] = value
	}
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}, nil
}

// parseEnvFile reads a dotenv file as docker --env-file and dotenv do:
// NAME=VALUE lines, with blank lines and # comments ignored and an
// optional "export " before the name. An unquoted value is trimmed and
// ends at " #"; a '...' value is literal; a "..." value may span lines and
// understands \n, \r, \t, \" and \\. A later line wins over an earlier
// one. Errors name the line (":N: ...").
func parseEnvFile(src []byte) (map[string]string, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	vars := map[string]string{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !validEnvName(name) {
			return nil, fmt.Errorf("%d: want NAME=VALUE, got %q", lineNo, truncate(line, 40))
		}
		value = strings.TrimLeft(value, " \t")
		switch {
		case strings.HasPrefix(value, "'"):
			end := strings.IndexByte(value[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("%d: %s: unterminated '", lineNo, name)
			}
			if rest := strings.TrimSpace(value[end+2:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return nil, fmt.Errorf("%d: %s: text after the closing '", lineNo, name)
			}
			value = value[1 : end+1]
		case strings.HasPrefix(value, `"`):
			var b strings.Builder
			rest := value[1:]
			closed := false
			for !closed {
				for j := 0; j < len(rest); j++ {
					ch := rest[j]
					if ch == '\\' && j+1 < len(rest) {
						j++
						switch rest[j] {
						case 'n':
							b.WriteByte('\n')
						case 'r':
							b.WriteByte('\r')
						case 't':
							b.WriteByte('\t')
						default:
							b.WriteByte(rest[j])
						}
						continue
					}
					if ch == '"' {
						if after := strings.TrimSpace(rest[j+1:]); after != "" && !strings.HasPrefix(after, "#") {
							return nil, fmt.Errorf("%d: %s: text after the closing \"", lineNo, name)
						}
						closed = true
						break
					}
					b.WriteByte(ch)
				}
				if closed {
					break
				}
				// The value goes on on the next line.
				i++
				if i >= len(lines) {
					return nil, fmt.Errorf("%d: %s: unterminated \"", lineNo, name)
				}
				b.WriteByte('\n')
				rest = lines[i]
			}
			value = b.String()
		default:
			if k := strings.Index(value, " #"); k >= 0 {
				value = value[:k]
			}
			value = strings.TrimSpace(value)
		}
		vars[name] = value
	}
	return vars, nil
}

func validEnvName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
