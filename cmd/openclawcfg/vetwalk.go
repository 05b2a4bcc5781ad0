package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler"
)

// skipDirs are never entered by DIR/...: version control and package
// manager trees hold no configs of the repository (name them as
// arguments to vet them anyway).
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// collectInputs expands the arguments into inputs, in argument order: "-"
// is standard input, FILE itself, DIR its *.json5 and *.json files, and
// DIR/... (./... for the working directory) those of DIR and of every
// directory below it, each directory's files sorted by name. Files
// matching an --exclude pattern are left out, and a file reached twice is
// checked once. Files found in a directory are marked walked: vet skips
// those that are not OpenClaw configs.
func (c *vetCmd) collectInputs(stdin io.Reader) ([]input, error) {
	for _, p := range c.Exclude {
		if _, err := path.Match(strings.ReplaceAll(p, "**", "*"), ""); err != nil {
			return nil, usageErrorf("--exclude %q: %v", p, err)
		}
	}
	var inputs []input
	seen := map[string]bool{}
	add := func(in input) {
		if in.err == nil && in.name != "" {
			key := in.name
			if abs, err := filepath.Abs(in.name); err == nil {
				key = abs
			}
			if seen[key] {
				return
			}
			seen[key] = true
		}
		inputs = append(inputs, in)
	}
	stdinUsed := false
	for _, p := range c.Paths {
		if p == "-" {
			if stdinUsed {
				return nil, usageErrorf("standard input (-) given twice")
			}
			stdinUsed = true
			name := c.StdinFilename
			if name == "" {
				name = "<stdin>"
			}
			src, err := readLimited(stdin)
			if err == nil && len(src) > compiler.MaxFileBytes {
				err = fmt.Errorf("larger than %d MiB; OpenClaw configs are a few KiB, is this the right file?", compiler.MaxFileBytes>>20)
			}
			inputs = append(inputs, input{name: name, src: src, err: wrap(name, err)})
			continue
		}
		root, recursive := strings.CutSuffix(p, "...")
		if recursive {
			if root != "" && !strings.HasSuffix(root, "/") && !strings.HasSuffix(root, string(filepath.Separator)) {
				recursive, root = false, p // a name that merely ends in "..."
			} else if root = strings.TrimRight(root, `/\`); root == "" {
				root = "."
				if strings.HasPrefix(p, "/") {
					root = "/"
				}
			}
		}
		if c.excluded(root) {
			continue
		}
		fi, err := os.Stat(root)
		if err != nil {
			inputs = append(inputs, input{name: p, err: err})
			continue
		}
		if !fi.IsDir() {
			if recursive {
				inputs = append(inputs, input{name: p, err: fmt.Errorf("%s: not a directory (DIR/... walks a directory)", root)})
				continue
			}
			add(input{name: root})
			continue
		}
		n := len(inputs)
		excluded := 0
		err = filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				if name == root {
					return err
				}
				inputs = append(inputs, input{name: name, err: err})
				return nil
			}
			if d.IsDir() {
				if name == root {
					return nil
				}
				if !recursive || skipDirs[d.Name()] {
					return fs.SkipDir
				}
				if c.excluded(name) {
					excluded++
					return fs.SkipDir
				}
				return nil
			}
			if ext := filepath.Ext(name); ext != ".json5" && ext != ".json" {
				return nil
			}
			if c.excluded(name) {
				excluded++
				return nil
			}
			if !d.Type().IsRegular() {
				// A symlink to a regular file is vetted; a FIFO, socket or
				// device is never opened.
				if fi, err := os.Stat(name); err != nil || !fi.Mode().IsRegular() {
					return nil
				}
			}
			add(input{name: name, walked: true})
			return nil
		})
		if err != nil {
			inputs = append(inputs, input{name: p, err: err})
			continue
		}
		if len(inputs) == n {
			what := "no *.json5 or *.json files in directory"
			if recursive {
				what = "no *.json5 or *.json files in it or below it"
			}
			if excluded > 0 {
				what += fmt.Sprintf(" (%d excluded)", excluded)
			}
			inputs = append(inputs, input{name: p, err: fmt.Errorf("%s: %s", p, what)})
		}
	}
	if c.StdinFilename != "" && !stdinUsed {
		return nil, usageErrorf("--stdin-filename needs - among the paths")
	}
	return inputs, nil
}

// excluded reports whether name matches an --exclude pattern. A pattern
// without a slash matches the name of a file or directory at any depth
// (package.json, *.plan.json, testdata); one with a slash matches the
// slash-separated path from the argument on (config/old/*, **/fixtures),
// where ** stands for any number of directories. An excluded directory
// excludes everything below it.
func (c *vetCmd) excluded(name string) bool {
	if len(c.Exclude) == 0 {
		return false
	}
	p := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(name)), "./")
	segs := strings.Split(p, "/")
	for _, pat := range c.Exclude {
		pat = strings.TrimPrefix(strings.TrimSuffix(filepath.ToSlash(pat), "/"), "./")
		if !strings.Contains(pat, "/") {
			for _, s := range segs {
				if ok, _ := path.Match(pat, s); ok {
					return true
				}
			}
			continue
		}
		pats := strings.Split(pat, "/")
		for k := 1; k <= len(segs); k++ {
			if globSegs(pats, segs[:k]) {
				return true
			}
		}
	}
	return false
}

// globSegs matches path segments against pattern segments, where "**"
// matches any number of segments (none included).
func globSegs(pats, segs []string) bool {
	if len(pats) == 0 {
		return len(segs) == 0
	}
	if pats[0] == "**" {
		for k := 0; k <= len(segs); k++ {
			if globSegs(pats[1:], segs[k:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if ok, _ := path.Match(pats[0], segs[0]); !ok {
		return false
	}
	return globSegs(pats[1:], segs[1:])
}
