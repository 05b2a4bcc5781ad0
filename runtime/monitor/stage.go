package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// stageMaxBytes is OpenClaw's MEDIA_MAX_BYTES for staged inbound media.
const stageMaxBytes = 5 << 20

// scpPath is the scp OpenClaw runs (/usr/bin/scp, never a shell);
// OPENCLAWCFG_SCP overrides it for tests and unusual systems.
func scpPath() string {
	if p := strings.TrimSpace(os.Getenv("OPENCLAWCFG_SCP")); p != "" {
		return p
	}
	return "/usr/bin/scp"
}

// stageInbound fetches a remote host's attachments for the handler, as
// OpenClaw's stageSandboxMedia does when MediaRemoteHost is set: each path
// (already inside the remote attachment roots) is checked with
// normalizeScpRemotePath and copied with
// `scp -o BatchMode=yes -o StrictHostKeyChecking=yes -- host:path dest` into
// a fresh private directory, refused above 5 MiB or when the download is
// not a regular file, and the context's media paths are rewritten to the
// copies. The returned cleanup removes the directory once the handler is
// done. Local attachments are handed over in place, as OpenClaw does.
func (lt *lifetime) stageInbound(ctx context.Context, c *inbound.Context) (func(), error) {
	host := c.MediaRemoteHost
	noop := func() {}
	if host == "" || len(c.MediaPaths) == 0 {
		return noop, nil
	}
	dir, err := os.MkdirTemp("", "openclawcfg-media-")
	if err != nil {
		return noop, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	staged := map[string]string{}
	used := map[string]bool{}
	var errs []string
	for _, p := range c.MediaPaths {
		src := strings.TrimSpace(p)
		if _, done := staged[src]; done || src == "" {
			continue
		}
		dst, err := lt.scpOne(ctx, host, src, dir, used)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", src, err))
			lt.m.log.Warn("imessage: remote attachment not staged", "path", src, "err", err.Error())
			continue
		}
		staged[src] = dst
	}
	rewrite := func(v string) string {
		if s, ok := staged[strings.TrimSpace(v)]; ok {
			return s
		}
		return v
	}
	for i, p := range c.MediaPaths {
		c.MediaPaths[i] = rewrite(p)
	}
	c.MediaUrls = c.MediaPaths
	if c.MediaPath != nil {
		s := c.MediaPaths[0]
		c.MediaPath, c.MediaUrl = &s, &s
	}
	if len(errs) > 0 {
		return cleanup, errors.New(strings.Join(errs, "; "))
	}
	return cleanup, nil
}

func (lt *lifetime) scpOne(ctx context.Context, host, remote, dir string, used map[string]bool) (string, error) {
	safeHost, ok := openclaw.NormalizeScpRemoteHost(host)
	if !ok {
		return "", errors.New("invalid remote host for SCP")
	}
	safePath, ok := openclaw.NormalizeScpRemotePath(remote)
	if !ok {
		return "", errors.New("invalid remote path for SCP")
	}
	name := filepath.Base(safePath)
	if name == "" || name == "/" || name == "." {
		return "", errors.New("no file name")
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for n := 1; used[name]; n++ {
		name = fmt.Sprintf("%s-%d%s", stem, n, ext)
	}
	used[name] = true
	tmp, err := os.MkdirTemp(dir, "download-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	download := filepath.Join(tmp, "download")
	cmd := exec.CommandContext(ctx, scpPath(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "--", safeHost+":"+safePath, download)
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		return "", fmt.Errorf("scp failed (%d): %s", code, strings.TrimSpace(stderr.String()))
	}
	fi, err := os.Lstat(download)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", errors.New("the download is not a regular file")
	}
	if fi.Size() > stageMaxBytes {
		//lint:ignore ST1005 OpenClaw's own message, word for word
		return "", fmt.Errorf("Blocking inbound media staging above %d bytes", stageMaxBytes)
	}
	dst := filepath.Join(dir, name)
	if err := copyFile(download, dst, fi.Size()); err != nil {
		return "", err
	}
	return dst, nil
}

func copyFile(src, dst string, size int64) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, io.LimitReader(in, size))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
