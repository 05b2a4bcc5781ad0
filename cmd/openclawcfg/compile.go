package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan"
)

type compileCmd struct {
	Config   string   `arg:"" name:"config" help:"Config file to compile, or - for standard input."`
	Output   string   `short:"o" placeholder:"FILE" help:"Write the plan here (atomically) instead of standard output."`
	Home     string   `placeholder:"DIR" help:"HOME of the gateway machine, for ~ in cliPath/dbPath (default: this machine's)."`
	Disable  []string `placeholder:"CODE" help:"Silence these warning codes (see README)."`
	SignKey  string   `placeholder:"FILE" help:"Sign the plan with this ed25519 private key (PEM PKCS#8, as 'openclawcfg keygen' writes it), for run --verify-key."`
	OpenClaw string   `name:"openclaw" placeholder:"RELEASE" help:"Lower for this OpenClaw release (${releases}); the plan's targetOpenClaw records it. Default: the config's meta.lastTouchedVersion, else ${seed}."`
}

func (c *compileCmd) Help() string {
	return `Validates the config (everything vet checks) and lowers it into a frozen,
versioned runtime plan: accounts, effective DM and group policies, attachment
roots, remoteHost, chunking and media limits, each value with its origin.
Fails closed: on any error no plan is written, not even a partial file.
A plan file is written 0600 (a replaced one keeps its mode if narrower).
With --sign-key the plan carries an ed25519 signature that
'openclawcfg run --verify-key' checks.`
}

func (c *compileCmd) Run(e *env) error {
	if err := checkCodes(c.Disable); err != nil {
		return err
	}
	toFile := c.Output != "" && c.Output != "-"
	var key ed25519.PrivateKey
	if c.SignKey != "" {
		b, err := readSmall(c.SignKey, 64<<10)
		if err != nil {
			return failf("cannot read the signing key %s: %s", c.SignKey, readError(err))
		}
		if key, err = plan.ParsePrivateKey(b); err != nil {
			return failf("--sign-key %s: %v", c.SignKey, err)
		}
		if toFile && sameFile(c.SignKey, c.Output) {
			return usageErrorf("-o %s is the signing key; refusing to write the plan over it", c.Output)
		}
	}
	if toFile && c.Config != "-" && sameFile(c.Config, c.Output) {
		return usageErrorf("-o %s is the config being compiled; refusing to write the plan over it", c.Output)
	}
	name, src, err := readInput(c.Config, e.stdin)
	if err != nil {
		return failf("%s", readError(err))
	}
	rel, err := releaseFlag(c.OpenClaw)
	if err != nil {
		return err
	}
	r, err := compiler.Compile(name, src, compiler.Options{Generator: "openclawcfg " + version(), Home: c.Home, Disable: c.Disable, OpenClaw: rel})
	if err != nil {
		// The compiler could not seal its own plan: a bug (exit 3).
		return err
	}
	sealed := r.Sealed
	diag.WriteText(e.stderr, r.Diagnostics, sourcesOf(r))
	if sealed == nil {
		errs, warns := diag.Count(r.Diagnostics)
		fmt.Fprintf(e.stderr, "%s: no plan written\n", summary(errs, warns))
		return exitStatus(exitInvalid)
	}
	// Never write a plan the loader would refuse (Sign loads it too).
	if key != nil {
		sealed, err = plan.Sign(sealed, key)
	} else {
		_, err = plan.Load(sealed)
	}
	if err != nil {
		// A bug (exit 3), reported as one.
		return fmt.Errorf("no plan written: the compiled plan does not load (%v)", err)
	}
	if !toFile {
		_, err := e.stdout.Write(sealed)
		return fail(err)
	}
	for _, s := range r.Sources[1:] {
		if sameFile(s.Name, c.Output) {
			return usageErrorf("-o %s is %s, which the config includes; refusing to write the plan over it", c.Output, s.Name)
		}
	}
	if err := writeAtomicFile(c.Output, sealed, true); err != nil {
		return failf("cannot write the plan to %s: %s", c.Output, readError(err))
	}
	return nil
}

// sameFile reports whether a and b name one existing file (through a
// symlink or a hard link too).
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// writeAtomic writes data to a temporary file beside path and renames it
// into place, so readers see the old file or the new one, never a partial
// one.
func writeAtomic(path string, data []byte) error {
	return writeAtomicFile(path, data, false)
}

// writeAtomicFile is writeAtomic; with guard, a SIGINT or SIGTERM while
// the temporary file exists removes it before the process ends (for
// compile, which has no signal handling of its own). The file is 0600 (a
// plan holds phone numbers, hosts and environment values), or the
// replaced file's mode where that is narrower; the directory is synced
// after the rename so the new name survives a crash.
func writeAtomicFile(path string, data []byte, guard bool) error {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return errors.New("it is a directory")
		}
		mode &= fi.Mode().Perm()
	}
	return replaceFile(path, data, mode, guard)
}

// replaceFile writes data with mode to a temporary file in path's
// directory, syncs it and renames it over path, then syncs the directory:
// readers see the old file or the new one, never a partial one, and the
// new name survives a crash. With guard, a SIGINT or SIGTERM while the
// temporary file exists removes it.
func replaceFile(path string, data []byte, mode os.FileMode, guard bool) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Errorf("directory %s does not exist", dir)
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*") // 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	if guard {
		defer removeOnSignal(tmp)()
	}
	defer os.Remove(tmp) // no-op after a successful rename
	if mode != 0o600 {
		if err := f.Chmod(mode); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// Best effort: some systems cannot sync a directory, and the rename is
	// atomic either way; only its durability across a crash is at stake.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// removeOnSignal removes name if SIGINT or SIGTERM arrives before stop is
// called, then ends the process as the signal would have.
func removeOnSignal(name string) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case s := <-ch:
			os.Remove(name)
			raise(s)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
	}
}

// raise ends the process with s, by its default action; tests replace it.
var raise = func(s os.Signal) {
	signal.Reset(s)
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(s) == nil {
		time.Sleep(time.Second) // the default action ends the process meanwhile
	}
	os.Exit(1)
}

type keygenCmd struct {
	Key string `arg:"" name:"file" help:"Where to write the private key; the public key goes to FILE.pub."`
}

func (c *keygenCmd) Help() string {
	return `Generates an ed25519 key pair for signing plans: FILE holds the private key
(PEM PKCS#8, mode 0600) for 'compile --sign-key FILE' on the machine that
compiles; FILE.pub the public key (PEM) for 'run --verify-key FILE.pub' on the
machine that runs. Existing files are never overwritten. openssl writes the
same formats: openssl genpkey -algorithm ed25519 -out FILE, and
openssl pkey -in FILE -pubout -out FILE.pub.`
}

func (c *keygenCmd) Run(e *env) error {
	priv, pub, err := plan.NewKeyPair(rand.Reader)
	if err != nil {
		return failf("no random key: %v", err)
	}
	pubPath := c.Key + ".pub"
	for _, p := range []string{c.Key, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return failf("%s exists; keygen never overwrites a key", p)
		}
	}
	if err := writeNew(c.Key, priv, 0o600); err != nil {
		return failf("cannot write the private key: %s", readError(err))
	}
	if err := writeNew(pubPath, pub, 0o644); err != nil {
		os.Remove(c.Key)
		return failf("cannot write the public key: %s", readError(err))
	}
	k, _ := plan.ParsePublicKey(pub)
	fmt.Fprintf(e.stdout, "%s: private key %s (for compile --sign-key; keep it secret), public key %s (for run --verify-key)\n", plan.KeyID(k), c.Key, pubPath)
	return nil
}

// writeNew creates name, which must not exist, with data.
func writeNew(name string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

func readInput(arg string, stdin io.Reader) (string, []byte, error) {
	if arg == "-" {
		src, err := readLimited(stdin)
		if err == nil && len(src) > compiler.MaxFileBytes {
			err = fmt.Errorf("<stdin>: larger than %d MiB; OpenClaw configs are a few KiB, is this the right file?", compiler.MaxFileBytes>>20)
		}
		return "<stdin>", src, err
	}
	src, err := readFile(arg)
	return arg, src, err
}

// compileFile compiles a config for diff, access and explain --config.
// When the config has errors it prints them and returns exit 1; an input
// that cannot be read is exit 2.
func compileFile(e *env, name string, opt compiler.Options) (*compiler.Result, *plan.Plan, error) {
	src, err := readFile(name)
	if err != nil {
		return nil, nil, failf("%s", diag.Sanitize(readError(err)))
	}
	opt.Generator = "openclawcfg " + version()
	r, err := compiler.Compile(name, src, opt)
	if err != nil {
		// The compiler could not seal its own plan: a bug (exit 3).
		return nil, nil, errors.New(diag.Sanitize(err.Error()))
	}
	p := r.Plan
	if p == nil {
		diag.WriteText(e.stderr, r.Diagnostics, sourcesOf(r))
		errs, warns := diag.Count(r.Diagnostics)
		fmt.Fprintf(e.stderr, "%s in %s\n", summary(errs, warns), diag.Sanitize(name))
		return nil, nil, exitStatus(exitInvalid)
	}
	return r, p, nil
}

// sourcesOf maps every file a result read (includes too) for excerpts.
func sourcesOf(r *compiler.Result) map[string]*diag.Source {
	m := make(map[string]*diag.Source, len(r.Sources))
	for _, s := range r.Sources {
		m[s.Name] = s
	}
	return m
}
