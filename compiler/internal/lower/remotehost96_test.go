package lower

import "testing"

// The cases follow parseRemoteHost of @openclaw/imessage 2026.9.6
// (extensions/imessage/src/remote-host.ts) branch by branch; every
// expectation was checked against that function run by Node on the
// oracle install (it is module-private, so the runtime oracle cannot
// reach it).
func TestParseRemoteHost96(t *testing.T) {
	for _, c := range []struct {
		name, script, host string
		ambiguous          bool
	}{
		{"the simple form", "#!/bin/sh\nexec ssh -T bot@mac.local imsg \"$@\"\n", "bot@mac.local", false},
		{"no -T, absolute paths, quotes", "exec /usr/bin/ssh mac '/usr/local/bin/imsg' \"$@\"", "mac", false},
		{"CRLF and blank lines", "#!/bin/bash\r\n\r\n  exec ssh -T me@host imsg \"$@\"  \r\n", "me@host", false},
		{"options make it ambiguous", "#!/bin/sh\nexec ssh -o BatchMode=yes bot@mac imsg \"$@\"\n", "", true},
		{"two lines", "#!/bin/sh\nset -e\nexec ssh -T bot@mac imsg \"$@\"\n", "", true},
		{"a continuation", "#!/bin/sh\nexec ssh -T \\\n  bot@mac imsg \"$@\"\n", "", true},
		{"no exec", "ssh -T bot@mac imsg \"$@\"", "", true},
		{"a port", "exec ssh -p 2222 bot@mac imsg \"$@\"", "", true},
		{"an unsafe host", "exec ssh -T -oProxyCommand=x imsg \"$@\"", "", true},
		{"not imsg", "exec ssh -T bot@mac cat \"$@\"", "", true},
		{"no ssh at all", "#!/bin/sh\nexec /opt/imsg/bin/imsg \"$@\"\n", "", false},
		{"ssh only as a word in a string", "#!/bin/sh\necho 'use ssh'\nexec imsg \"$@\"\n", "", false},
		{"ssh as a path", "#!/bin/sh\n/usr/bin/ssh -T bot@mac imsg \"$@\"\nexit\n", "", true},
		{"sshd is not ssh", "#!/bin/sh\nsshd -t\nexec imsg \"$@\"\n", "", false},
		{"JavaScript's \\s takes a no-break space", "exec ssh\u00a0-T bot@mac imsg \"$@\"", "bot@mac", false},
		{"quoted executables", "exec \"ssh\" -T bot@mac \"imsg\" \"$@\"", "bot@mac", false},
		{"-T twice", "exec ssh -T -T bot@mac imsg \"$@\"", "", true},
		{"a comment after it is a second line", "exec ssh -T bot@mac imsg \"$@\" \n# c", "", true},
		{"trailing blank lines", "exec ssh bot@mac 'imsg' \"$@\"\n\n", "bot@mac", false},
	} {
		host, amb := parseRemoteHost96(c.script)
		if host != c.host || amb != c.ambiguous {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", c.name, host, amb, c.host, c.ambiguous)
		}
	}
}
