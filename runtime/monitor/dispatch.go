package monitor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/openclaw/reply"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/handler"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// dispatch answers one admitted message: the handler (or the runtime
// itself for /whoami) produces a reply, which goes through OpenClaw's reply
// pipeline to imsg. The chat's pending group history is cleared when it is
// done, as OpenClaw clears it after its agent run.
func (lt *lifetime) dispatch(ctx context.Context, d inbound.Decision, in *intake) {
	m := lt.m
	defer func() {
		lt.stMu.Lock()
		m.dec.ClearHistory(lt.st, d)
		lt.stMu.Unlock()
	}()
	c := d.Context
	cleanup, err := lt.stageInbound(ctx, c)
	if err != nil {
		m.log.Warn("imessage: attachments not staged", "err", err.Error())
	}
	defer cleanup()

	var r handler.Reply
	if text, ok := whoami(m, d); ok {
		r.Text = text
	} else if ig, ok := ignoredCommand(m, d); ok {
		// OpenClaw's command handler stops the turn: no reply, no agent run.
		m.log.Info(ig.LogLine(c.SenderId))
		lt.finish(in)
		return
	} else {
		r, ok = lt.runHandler(ctx, d, in)
		if !ok {
			return
		}
	}
	if r.Empty() {
		m.log.Info("imessage: handler sent no reply", "sender", d.SenderID, "chat", d.ChatID)
		lt.finish(in)
		return
	}
	lt.deliver(ctx, d, r, in)
}

// runHandler asks the handler. OpenClaw logs a failed agent run and moves
// on; with a store the message is tried again with backoff (marked
// Redelivered) and, after HandlerRetries attempts, dead-lettered with the
// error, and only then may the cursor pass it. The error text is logged,
// never sent to the chat.
func (lt *lifetime) runHandler(ctx context.Context, d inbound.Decision, in *intake) (handler.Reply, bool) {
	m := lt.m
	retries := m.opt.HandlerRetries
	if retries <= 0 {
		retries = 3
	}
	c := d.Context
	for attempt := in.attempts + 1; ; attempt++ {
		if lt.du != nil {
			lt.du.began(in.rows)
		}
		start := time.Now()
		r, err := m.opt.Handler.Handle(ctx, c)
		m.opt.Stats.HandlerLatency.Observe(time.Since(start))
		if err == nil {
			return r, true
		}
		if ctx.Err() != nil {
			// Stopping: the row stays claimed and comes back Redelivered.
			m.log.Warn("imessage: handler stopped by shutdown; the message is handed over again after the restart", "sender", d.SenderID, "chat", d.ChatID)
			if lt.du != nil {
				lt.du.forget(in.rows)
			}
			return r, false
		}
		m.opt.Stats.handlerFailed()
		if lt.du == nil {
			m.log.Error("imessage: handler failed; no reply sent", "sender", d.SenderID, "chat", d.ChatID, "err", err.Error())
			return r, false
		}
		lt.du.release(in.rows)
		if attempt >= retries || handler.IsPermanent(err) {
			m.log.Error("imessage: handler failed; message dead-lettered, no reply sent", "sender", d.SenderID, "chat", d.ChatID,
				"attempts", attempt, "err", err.Error())
			lt.du.dead(in.rows, "handler failed "+itoa(attempt)+" times: "+err.Error(), ctxSummary(c))
			return r, false
		}
		wait := time.Duration(1<<min(attempt-1, 5)) * HandlerRetryBase
		m.log.Warn("imessage: handler failed; trying again", "sender", d.SenderID, "chat", d.ChatID, "attempt", attempt, "in", wait.String(), "err", err.Error())
		select {
		case <-ctx.Done():
			lt.du.forget(in.rows)
			return r, false
		case <-time.After(wait):
		}
		c.Redelivered = true
	}
}

// HandlerRetryBase is the first wait before a failed handler is tried
// again; it doubles per attempt.
var HandlerRetryBase = time.Second

// replyTarget is where a reply goes. OpenClaw answers a group row that has
// no chat_id in the sender's DM (pain 27); with a store the reply goes to
// the group by its guid or identifier, or nowhere.
func (lt *lifetime) replyTarget(d inbound.Decision, in *intake) (string, string) {
	target := d.Context.To
	if lt.du == nil || !(d.IsGroup || in.looksGroup) || strings.HasPrefix(target, "chat_") {
		return target, ""
	}
	switch {
	case in.chatGUID != "":
		return "chat_guid:" + in.chatGUID, ""
	case in.chatIdent != "":
		return "chat_identifier:" + in.chatIdent, ""
	}
	return "", "a group message without chat_id, chat_guid or chat_identifier: not answered in the sender's DM"
}

// deliver is deliverReplies for one reply.
func (lt *lifetime) deliver(ctx context.Context, d inbound.Decision, r handler.Reply, in *intake) {
	m := lt.m
	a := m.acct
	target, refuse := lt.replyTarget(d, in)
	if refuse != "" {
		m.opt.Stats.drop("group reply without chat id")
		m.log.Error("imessage: reply not sent: "+refuse, "sender", d.SenderID)
		lt.du.dead(in.rows, "reply not sent: "+refuse, ctxSummary(d.Context))
		return
	}
	if target == "" {
		m.log.Error("imessage: missing delivery target")
		lt.finish(in)
		return
	}
	opt := reply.Options{
		ResponsePrefix:   a.ResponsePrefix.Value,
		TableMode:        a.Outbound.MarkdownTables.Value,
		ChunkLimit:       a.Outbound.TextChunkLimit.Value,
		ChunkMode:        a.Outbound.ChunkMode.Value,
		CurrentMessageID: d.Context.MessageSid,
		WorkspaceDir:     filepath.Join(m.opt.StateDir, "workspace"),
		MediaKind:        mediaKindOf,
	}
	if ag := m.opt.Plan.Global.Agent(d.Route.AgentID); ag != nil {
		opt.Prefix.IdentityName = ag.Identity["name"]
	}
	opt.HomeDir, _ = os.UserHomeDir()
	sends, outcome := reply.Plan(reply.Reply{Text: r.Text, Media: r.Media}, opt)
	if outcome.Dropped != "" {
		m.log.Info("imessage: reply not sent", "reason", outcome.Dropped, "sender", d.SenderID)
		lt.finish(in)
		return
	}
	now := m.now()
	if outcome.Text != "" {
		lt.stMu.Lock()
		lt.st.RememberSent(a.ID, target, outcome.Text, "", now)
		lt.stMu.Unlock()
	}
	if lt.du != nil {
		lt.deliverDurable(ctx, d, target, sends, outcome, in)
		return
	}
	delivered := false
	dead := -1 // a payload whose attachment was refused: OpenClaw sends no more of it
	for _, s := range sends {
		if s.Payload == dead {
			continue
		}
		file := ""
		if s.Media != "" {
			staged, err := lt.stageOutbound(s.Media)
			if err != nil {
				m.log.Error("imessage: reply media refused; this part of the reply is not sent", "media", s.Media, "err", err.Error())
				dead = s.Payload
				continue
			}
			file = staged
		}
		id, err := lt.send(ctx, target, s.Text, file)
		if err != nil {
			attrs := []any{"target", target, "err", err.Error()}
			if fix := sendFix(err, m.acct); fix != "" {
				attrs = append(attrs, "fix", fix)
			}
			m.log.Error("imessage reply failed", attrs...)
			dead = s.Payload // as deliverReplies throws; the next part is still tried
			continue
		}
		delivered = true
		lt.stMu.Lock()
		lt.st.RememberSent(a.ID, target, s.Echo, id, m.now())
		lt.stMu.Unlock()
	}
	if outcome.Err != "" {
		m.log.Error("imessage final reply failed: " + outcome.Err)
	}
	if delivered {
		m.log.Info("imessage: delivered reply to " + target)
	}
}

// deliverDurable writes the reply's sends to the outbox together with the
// rows they answer, then sends them; what cannot go now (paused, over the
// rate cap, imsg gone) is sent by the outbox pump later.
func (lt *lifetime) deliverDurable(ctx context.Context, d inbound.Decision, target string, sends []reply.Send, outcome reply.Outcome, in *intake) {
	m := lt.m
	var entries []store.OutEntry
	replyID := d.Context.MessageSid
	dead := -1
	for i, s := range sends {
		if s.Payload == dead {
			continue
		}
		file := ""
		if s.Media != "" {
			staged, err := lt.stageOutbound(s.Media)
			if err != nil {
				m.log.Error("imessage: reply media refused; this part of the reply is not sent", "media", s.Media, "err", err.Error())
				dead = s.Payload
				continue
			}
			file = staged
		}
		params, err := SendParams(m.acct, target, s.Text, file)
		if err != nil {
			m.log.Error("imessage reply failed", "target", target, "err", err.Error())
			break
		}
		entries = append(entries, store.OutEntry{Reply: replyID, Part: i, Target: target, ChatID: in.chatID, Params: params, Echo: s.Echo})
	}
	if outcome.Err != "" {
		m.log.Error("imessage final reply failed: " + outcome.Err)
	}
	seqs, err := lt.du.commit(in.rows, entries)
	if err != nil {
		m.log.Error("imessage: reply not queued (state dir unwritable?); the message is handled again after a restart", "err", err.Error())
		return
	}
	for _, e := range entries {
		lt.guard.remember(target, deref(strPtr(e.Params["text"])), m.now())
	}
	n, err := lt.ob.sendQueued(ctx, seqs, entries)
	switch {
	case errors.Is(err, errHeld):
		m.log.Info("imessage: reply waits in the outbox", "target", target, "parts", len(entries)-n)
	case err != nil:
		attrs := []any{"target", target, "err", err.Error()}
		if fix := sendFix(err, m.acct); fix != "" {
			attrs = append(attrs, "fix", fix)
		}
		m.log.Error("imessage reply failed", attrs...)
	case n > 0:
		m.log.Info("imessage: delivered reply to " + target)
	}
}

func strPtr(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

// whoami answers /whoami (and its alias /id) for an authorised sender with
// OpenClaw's identity card; the handler is not asked.
func whoami(m *Monitor, d inbound.Decision) (string, bool) {
	c := d.Context
	if !c.CommandAuthorized || !isWhoamiCommand(m, c.CommandBody) {
		return "", false
	}
	lines := []string{"🧭 Identity", "Channel: imessage"}
	if c.SenderId != "" {
		lines = append(lines, "User id: "+c.SenderId)
	}
	if c.ChatType == "group" && c.From != "" {
		lines = append(lines, "Chat: "+c.From)
	}
	if c.SenderId != "" {
		lines = append(lines, "AllowFrom: "+c.SenderId)
	}
	return strings.Join(lines, "\n"), true
}

func isWhoamiCommand(m *Monitor, body string) bool {
	return m.dec.CommandBody(body) == "/whoami"
}

// ignoredCommand is the built-in command whose OpenClaw handler swallows
// this message because its sender is not authorised for commands: the
// command body the handlers see (structural prefixes and, in groups, the
// route agent's mentions stripped: "@bot /status" is "/status") names
// /status, /help, /whoami, /new, ... (openclaw.IgnoredForUnauthorized).
func ignoredCommand(m *Monitor, d inbound.Decision) (openclaw.IgnoredCommand, bool) {
	c := d.Context
	if c.CommandAuthorized {
		return openclaw.IgnoredCommand{}, false
	}
	g := &m.opt.Plan.Global
	cfg := openclaw.CommandConfig{
		Config: g.CommandsConfig.Value, MCP: g.Commands.MCP, Plugins: g.Commands.Plugins,
		Debug: g.Commands.Debug, Bash: g.Commands.Bash, DockChannels: g.Commands.DockChannels,
	}
	group := c.ChatType == "group"
	var ms *openclaw.MentionStripper
	if group {
		ms = mentionStripper(g, d.Route.AgentID)
	}
	return cfg.UnauthorizedCommand(c.BodyForCommands, group, ms)
}

// mentionStrippers caches compiled mention patterns by their list.
var mentionStrippers sync.Map // string -> *openclaw.MentionStripper

func mentionStripper(g *plan.Global, agentID string) *openclaw.MentionStripper {
	src, _ := g.Mentions(agentID)
	key := strings.Join(src.Patterns.Value, "\x00")
	if ms, ok := mentionStrippers.Load(key); ok {
		return ms.(*openclaw.MentionStripper)
	}
	ms, _ := mentionStrippers.LoadOrStore(key, openclaw.NewMentionStripper(src.Patterns.Value))
	return ms.(*openclaw.MentionStripper)
}

// mediaKindOf is the kind of a local reply attachment, from its extension
// or its first bytes.
func mediaKindOf(src string) string {
	p, err := localPath(src)
	if err != nil {
		return ""
	}
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(p)))
	if ct == "" {
		f, err := os.Open(p)
		if err != nil {
			return ""
		}
		defer f.Close()
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		ct = http.DetectContentType(head[:n])
	}
	return reply.KindFromMIME(ct)
}

// localPath turns a reply's media source into an absolute local path: an
// absolute path, a file:// URL or a ~ path. Remote URLs are not fetched.
func localPath(src string) (string, error) {
	s := strings.TrimSpace(src)
	switch {
	case strings.HasPrefix(s, "file://"):
		u, err := url.Parse(s)
		if err != nil {
			return "", err
		}
		s = u.Path
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"):
		return "", errors.New("remote media URLs are not fetched; save the file and give its path")
	case s == "~" || strings.HasPrefix(s, "~/"):
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		s = filepath.Join(home, s[1:])
	}
	if !filepath.IsAbs(s) {
		return "", fmt.Errorf("media path %q is not absolute", src)
	}
	return filepath.Clean(s), nil
}

// stageOutbound checks a reply's media file and copies it into
// <state>/media/outbound, as OpenClaw copies outbound media into its media
// store and hands imsg that copy. Only regular files within mediaMaxMb,
// under OpenClaw's media roots or a --media-root dir after resolving
// symlinks (assertLocalMediaAllowed in dist/web-media-*.js), are sent.
func (lt *lifetime) stageOutbound(src string) (string, error) {
	m := lt.m
	p, err := localPath(src)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	state, err := filepath.Abs(m.opt.StateDir)
	if err != nil {
		return "", err
	}
	roots := openclawMediaRoots(state)
	// OpenClaw refuses the per-agent workspaces (<state>/workspace-<id>),
	// which another root (its temp dir) could hold.
	inWorkspaceN := false
	if rel, err := filepath.Rel(state, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		inWorkspaceN = strings.HasPrefix(strings.Split(rel, string(filepath.Separator))[0], "workspace-")
	}
	if inWorkspaceN || !underAny(real, roots) && !underAny(real, m.opt.MediaRoots) {
		places := "OpenClaw's media roots " + strings.Join(roots, ", ")
		if len(m.opt.MediaRoots) > 0 {
			places += "; --media-root " + strings.Join(m.opt.MediaRoots, ", ")
		}
		return "", fmt.Errorf("%s is outside the allowed media places (%s); save the file in one of them or pass --media-root DIR", real, places)
	}
	f, err := os.Open(real)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", real)
	}
	limit := m.acct.Outbound.MediaMaxBytes.Value
	if limit > 0 && fi.Size() > limit {
		return "", fmt.Errorf("%s is %d bytes, over mediaMaxMb (%d bytes)", real, fi.Size(), limit)
	}
	dir := filepath.Join(m.opt.StateDir, "media", "outbound")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	dst := filepath.Join(dir, hex.EncodeToString(rnd[:])+"-"+filepath.Base(real))
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, io.LimitReader(f, fi.Size()))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return "", err
	}
	return dst, nil
}

// openclawMediaRoots are the places OpenClaw's iMessage delivery loads
// local media from (getDefaultMediaLocalRoots: buildMediaLocalRoots in
// dist/web-media-*.js): its preferred temp dir, then the state dir's
// media, workspace and sandboxes folders. Not the rest of the temp dir.
func openclawMediaRoots(state string) []string {
	roots := []string{filepath.Join(state, "media"), filepath.Join(state, "workspace"), filepath.Join(state, "sandboxes")}
	if tmp := openclawTmpDir(); tmp != "" {
		roots = append([]string{tmp}, roots...)
	}
	return roots
}

// openclawTmpDir is resolvePreferredOpenClawTmpDir
// (dist/tmp-openclaw-dir-*.js): /tmp/openclaw when it is this user's
// directory (not a symlink) that no group or other user can write and this
// user can write and enter, or when it does not exist yet (OpenClaw then
// creates it); otherwise <temp dir>/openclaw-<uid>, unless that one is
// there but not trusted either: OpenClaw then throws and loads no local
// media at all; here the temp dir is no root (""). OpenClaw also tightens
// a directory of its own user that others can write to 0700 and keeps it;
// the runtime changes no permissions and does without it instead.
func openclawTmpDir() string {
	const preferred = "/tmp/openclaw"
	uid := os.Getuid()
	fi, err := os.Lstat(preferred)
	if errors.Is(err, fs.ErrNotExist) || err == nil && trustedTmpDir(fi, uid) {
		return preferred
	}
	fallback := filepath.Join(os.TempDir(), "openclaw")
	if uid >= 0 {
		fallback += "-" + strconv.Itoa(uid)
	}
	if fi, err := os.Lstat(fallback); err == nil && !trustedTmpDir(fi, uid) {
		return ""
	}
	return fallback
}

func trustedTmpDir(fi fs.FileInfo, uid int) bool {
	perm := fi.Mode().Perm()
	if !fi.IsDir() || fi.Mode()&fs.ModeSymlink != 0 || perm&0o022 != 0 {
		return false
	}
	if uid < 0 {
		return true // no user ids here (Node: process.getuid undefined)
	}
	if owner, ok := fileOwner(fi); ok && owner != uid {
		return false
	}
	return uid == 0 || perm&0o300 == 0o300 // access(W_OK|X_OK) for its owner
}

// fileOwner is the uid in the platform's stat data (a Uid field), if any.
func fileOwner(fi fs.FileInfo) (int, bool) {
	v := reflect.ValueOf(fi.Sys())
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	f := v.FieldByName("Uid")
	if !f.IsValid() || !f.CanUint() {
		return 0, false
	}
	return int(f.Uint()), true
}

// underAny reports whether p (symlinks resolved) is one of the roots or
// under one, each root with its symlinks resolved. The filesystem root is
// never a root (OpenClaw refuses it as a media root).
func underAny(p string, roots []string) bool {
	for _, r := range roots {
		if r == "" {
			continue
		}
		if rr, err := filepath.EvalSymlinks(r); err == nil {
			r = rr
		}
		if filepath.Dir(r) == r {
			continue
		}
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}
