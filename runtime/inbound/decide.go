package inbound

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Kind is what happens to a message.
type Kind string

const (
	Drop     Kind = "drop"
	Pairing  Kind = "pairing"
	Dispatch Kind = "dispatch"
)

// Decision is the outcome for one message.
type Decision struct {
	Kind Kind
	// Reason is the drop reason in OpenClaw's words ("dmPolicy blocked",
	// "no mention", ...), or "rate limited" when the echo-loop limiter
	// silenced a dispatch.
	Reason string
	// Why explains the decision in one sentence naming the rule; Key is the
	// config key that decided it ("" when no key did).
	Why string
	Key string

	Sender   string // trimmed raw sender
	SenderID string // normalised sender (the pairing request's id)
	IsGroup  bool
	ChatID   string // String(chat_id), "" without one
	// Route is set once routing ran (dispatch, and drops after it).
	Route             *plan.Route
	WasMentioned      bool
	CommandAuthorized bool
	// RateLimited: OpenClaw decided to dispatch, then its echo-loop limiter
	// dropped the message (Kind is Drop, Reason "rate limited").
	RateLimited bool
	// Context is the inbound context of a dispatch.
	Context *Context
	// HistoryKey is the pending-history key of a group message.
	HistoryKey string
	// Logs are the lines OpenClaw logs in verbose mode for this message.
	Logs []string

	bodyText       string
	createdAt      *int64
	createdInvalid bool
}

// Decider decides the messages of one account of a plan. Build it once per
// account; it compiles the account's mention patterns up front. Decide is
// safe for concurrent use only with distinct States.
type Decider struct {
	p        *plan.Plan
	a        *plan.Account
	allow    []string // allowFrom as the monitor normalises it
	allowC   openclaw.AllowList
	groupC   openclaw.AllowList // the monitor's groupAllowFrom list
	owner    string             // resolvePinnedMainDmOwnerFromAllowlist
	roots    []string           // effective attachment roots
	remote   string             // remote host in effect ("" for local)
	commands commandDetector
	envelope envelopeOptions

	hostLoc *time.Location // set by WithHostTZ

	mu       sync.Mutex
	mentions map[string]*mentionSet // by routed agent id
	routes   map[routeKey]plan.Route
}

type mentionSet struct {
	res []*jsRegexp
}

// New builds the decider for the account the gateway runs as accountID.
// It does not check that the account runs; Plan.Running tells.
func New(p *plan.Plan, accountID string) (*Decider, error) {
	a := p.Account(accountID)
	if a == nil {
		var ids []string
		for _, x := range p.Accounts {
			ids = append(ids, x.ID)
		}
		return nil, fmt.Errorf("no account %q in the plan (accounts: %s)", openclaw.NormalizeAccountID(accountID), strings.Join(ids, ", "))
	}
	d := &Decider{
		p: p, a: a, mentions: map[string]*mentionSet{},
		commands: commandsOf(p), envelope: envelopeOf(p),
	}
	for _, e := range a.DM.AllowFrom.Value {
		d.allow = append(d.allow, e.Raw)
	}
	var group []string
	for _, e := range a.Groups.Senders.Value {
		group = append(group, e.Raw)
	}
	d.allowC, d.groupC = openclaw.CompileAllowList(d.allow), openclaw.CompileAllowList(group)
	d.owner = d.pinnedOwner()
	d.roots = a.Attachments.LocalRoots
	if a.RemoteHost.Host != "" {
		d.remote = a.RemoteHost.Host
		d.roots = a.Attachments.RemoteRoots
	}
	for _, t := range p.Global.Targets(a.ID, plan.PeerGroup) {
		if t.Error == "" {
			d.mentionsFor(t.AgentID)
		}
	}
	return d, nil
}

type routeKey struct {
	kind plan.PeerKind
	peer string
}

// maxRoutes bounds the route memo; the plan never changes, so a route is
// computed once per conversation.
const maxRoutes = 4096

func (d *Decider) route(kind plan.PeerKind, peer string) plan.Route {
	k := routeKey{kind, peer}
	d.mu.Lock()
	r, ok := d.routes[k]
	d.mu.Unlock()
	if ok {
		return r
	}
	r = d.p.Global.Route(d.a.ID, kind, peer)
	d.mu.Lock()
	if d.routes == nil || len(d.routes) >= maxRoutes {
		d.routes = map[routeKey]plan.Route{}
	}
	d.routes[k] = r
	d.mu.Unlock()
	return r
}

// Account is the account the decider decides for.
func (d *Decider) Account() *plan.Account { return d.a }

func (d *Decider) mentionsFor(agentID string) *mentionSet {
	d.mu.Lock()
	defer d.mu.Unlock()
	if m, ok := d.mentions[agentID]; ok {
		return m
	}
	src, _ := d.p.Global.Mentions(agentID)
	m := &mentionSet{res: compileMentions(src.Patterns.Value)}
	d.mentions[agentID] = m
	return m
}

// Input is what the monitor knows besides the message.
type Input struct {
	// Store is the account's pairing allow list (approved sender ids) as
	// readChannelAllowFromStore returns it.
	Store []string
	// Now is the monitor's clock.
	Now time.Time
	// KeepHistory leaves a dispatched group's pending history in place:
	// the runtime clears it (ClearHistory) when the dispatch finishes, as
	// OpenClaw does after its agent run. Without it Decide clears at once.
	KeepHistory bool
	// SkipContext leaves Decision.Context nil (a caller that only needs
	// the verdict); the state is updated as for a dispatch all the same.
	SkipContext bool
	// Verbose collects Decision.Logs, the lines OpenClaw logs in verbose
	// mode; without it none are built.
	Verbose bool
	// Sessions is the gateway's session store, shared by its accounts; nil
	// uses one private to st.
	Sessions *Sessions
	// NoLoopLimiter turns OpenClaw's echo-loop limiter off: the hardened
	// runtime breaks loops by confirmed echo->reply cycles instead.
	NoLoopLimiter bool
}

// CommandBody is the command a message body names, normalised as
// OpenClaw's command handlers see it ("/id" is "/whoami"), or "".
func (d *Decider) CommandBody(text string) string { return d.commands.NormalizeCommandBody(text) }

// HasControlCommand reports whether text is a control command under the
// plan's command settings.
func (d *Decider) HasControlCommand(text string) bool { return d.commands.HasControlCommand(text) }

// Decide runs OpenClaw 2026.3.24's handleMessageNow for one message:
// attachment filter and placeholder, resolveIMessageInboundDecision, the
// echo-loop limiter, and for a dispatch the inbound context, the session
// time and the group history (cleared as OpenClaw clears it after the
// dispatch). st is the account's state and is updated.
func (d *Decider) Decide(m *Message, in Input, st *State) Decision {
	now := in.Now.UnixMilli()
	a := d.a
	var logs []string
	logf := func(format string, args ...any) {
		if in.Verbose {
			logs = append(logs, fmt.Sprintf(format, args...))
		}
	}

	// Attachments (§5.1): only with includeAttachments; kept when they have
	// a path, are not missing and lie inside the effective roots.
	var valid []Attachment
	if a.Attachments.Include.Value {
		for _, at := range m.Attachments {
			p := openclaw.TrimJS(deref(at.OriginalPath))
			if p == "" || at.Missing {
				continue
			}
			if openclaw.PathAllowed(p, d.roots) {
				valid = append(valid, at)
				continue
			}
			logf("imessage: dropping inbound attachment outside allowed roots: %s", p)
		}
	}
	messageText := openclaw.TrimJS(deref(m.Text))
	placeholder := ""
	if len(valid) > 0 {
		placeholder = "<media:attachment>"
		if k := mediaKind(deref(valid[0].MimeType)); k != "" {
			placeholder = "<media:" + k + ">"
		}
	}
	bodyText := messageText
	if bodyText == "" {
		bodyText = placeholder
	}

	dec := d.decide(m, messageText, bodyText, in.Store, st, now, logf)
	dec.Logs = logs

	// The echo-loop limiter (monitor-provider.ts): drops of our own text
	// count; a dispatch in a chat with five of them in a minute is dropped.
	convKey := "dm:" + openclaw.TrimJS(m.Sender)
	if m.ChatID != nil {
		convKey = "group:" + m.ChatID.String()
	}
	rateKey := a.ID + ":" + convKey
	switch {
	case dec.Kind == Drop:
		switch dec.Reason {
		case "echo", "self-chat echo", "reflected assistant content", "from me":
			st.limiter.record(rateKey, now)
		}
		return dec
	case dec.Kind == Dispatch && !in.NoLoopLimiter && st.limiter.limited(rateKey, now):
		dec.Logs = appendIf(in.Verbose, dec.Logs, "imessage: rate-limited conversation "+convKey+" (echo loop detected)")
		dec.Kind, dec.Reason, dec.RateLimited = Drop, "rate limited", true
		dec.Why = "OpenClaw's echo-loop limiter dropped it: five of the bot's own messages (from-me, echo, self-chat or reflected drops) were seen in this chat within 60 s"
		dec.Context = nil
		return dec
	case dec.Kind == Pairing:
		return dec
	}

	sessions := in.Sessions
	if sessions == nil {
		sessions = st.sessions
	}
	if !in.SkipContext || in.Verbose {
		dec.Context = d.buildContext(m, &dec, valid, st, sessions, now)
	}
	// The dispatch leaves the session stamped (the agent turn's
	// initSessionState), and a DM also the main session through the
	// last-route update, unless the main DM session is pinned to another
	// owner; the next envelope in a session shows the time since.
	sessions.set(dec.Route.SessionKey, now)
	if !dec.IsGroup {
		if owner := d.owner; owner != "" && owner != dec.SenderID {
			dec.Logs = appendIf(in.Verbose, dec.Logs, fmt.Sprintf("imessage: skip main-session last route for %s (pinned owner %s)", dec.SenderID, owner))
		} else {
			sessions.set(dec.Route.MainSessionKey, now)
		}
	}
	if in.Verbose {
		dec.Logs = append(dec.Logs, fmt.Sprintf(`imessage inbound: chatId=%s from=%s len=%d preview="%s"`,
			orUnknown(dec.ChatID), dec.Context.From, openclaw.LenJS(dec.Context.Body),
			strings.ReplaceAll(preview(dec.Context.Body, 200), "\n", `\n`)))
	}
	if !in.KeepHistory {
		d.ClearHistory(st, dec)
	}
	return dec
}

// ClearHistory clears a dispatched group's pending history, as OpenClaw
// does once the dispatch is done (clearHistoryEntriesIfEnabled).
func (d *Decider) ClearHistory(st *State, dec Decision) {
	if dec.IsGroup && dec.HistoryKey != "" && d.a.History.GroupLimit.Value > 0 {
		st.histories.clear(dec.HistoryKey)
	}
}

// decide is resolveIMessageInboundDecision.
func (d *Decider) decide(m *Message, messageText, bodyText string, store []string, st *State, now int64, logf func(string, ...any)) Decision {
	a := d.a
	sender := openclaw.TrimJS(m.Sender)
	if sender == "" {
		return Decision{Kind: Drop, Reason: "missing sender", Why: "the message has no sender"}
	}
	dec := Decision{Sender: sender, SenderID: openclaw.NormalizeHandle(sender)}
	drop := func(reason, why, key string) Decision {
		dec.Kind, dec.Reason, dec.Why, dec.Key = Drop, reason, why, key
		return dec
	}
	var chatID *int64
	if m.ChatID != nil {
		dec.ChatID = m.ChatID.String()
		if v, ok := m.ChatID.Int64(); ok {
			chatID = &v
		}
	}
	var createdAt *int64
	createdInvalid := false
	if m.CreatedAt != "" {
		if ms, ok := openclaw.DateParse(m.CreatedAt, d.loc()); ok {
			createdAt = &ms
		} else {
			createdInvalid = true
		}
	}
	dec.createdAt, dec.createdInvalid = createdAt, createdInvalid
	gate := a.ChatGate(dec.ChatID)
	dec.IsGroup = m.IsGroup || (dec.ChatID != "" && gate.TreatsAsGroup())
	selfKey := func(text string) string {
		return selfChatKey(a.ID, dec.IsGroup, dec.ChatID, sender, text, createdAt)
	}
	if m.IsFromMe {
		st.selfChat.remember(selfKey(bodyText), now)
		return drop("from me", "imsg marks it as sent from this Mac (is_from_me)", "")
	}
	if dec.IsGroup && (m.ChatID == nil || !m.ChatID.Truthy()) {
		return drop("group without chat_id", "a group message must carry a chat_id", "")
	}
	allowed := func(list openclaw.AllowList) bool {
		return list.Allows(dec.SenderID, chatID, m.ChatGUID, m.ChatIdentifier)
	}
	// Access (resolveDmGroupAccessWithLists): the DM list merges the
	// pairing store unless dmPolicy is "allowlist"; groups use the
	// monitor's group list only, with no fallback.
	var storeC openclaw.AllowList
	if a.DM.Policy.Value != plan.DMAllowlist && len(store) > 0 {
		storeC = openclaw.CompileAllowList(store)
	}
	dmAllowed := func() bool { return allowed(d.allowC) || allowed(storeC) }
	dmLen := d.allowC.Len() + storeC.Len()
	groupList := d.groupC
	if dec.IsGroup {
		switch a.Groups.Policy.Value {
		case plan.GroupDisabled:
			logf("Blocked iMessage group message (groupPolicy: disabled)")
			return drop("groupPolicy disabled", `groupPolicy is "disabled": every group message is dropped`, originPath(a.Groups.Policy.Origin, "channels.imessage.groupPolicy"))
		case plan.GroupOpen:
		default:
			if groupList.Len() == 0 {
				logf("Blocked iMessage group message (groupPolicy: allowlist, no groupAllowFrom)")
				return drop("groupPolicy allowlist (empty groupAllowFrom)", `groupPolicy is "allowlist" and the group sender list is empty (pairing approvals never count for groups)`, originPath(a.Groups.Senders.Origin, "channels.imessage.groupAllowFrom"))
			}
			if !allowed(groupList) {
				logf("Blocked iMessage sender %s (not in groupAllowFrom)", sender)
				return drop("not in groupAllowFrom", fmt.Sprintf("the sender %s is not in the group sender list", dec.SenderID), originPath(a.Groups.Senders.Origin, "channels.imessage.groupAllowFrom"))
			}
		}
		if gate.ListEnabled && !gate.Allowed {
			logf("imessage: skipping group message (%s) not in allowlist", dec.ChatID)
			return drop("group id not in allowlist", fmt.Sprintf("chat %s is not a key of groups (and there is no \"*\" entry)", dec.ChatID), originPath(a.Groups.GroupsOrigin, "channels.imessage.groups"))
		}
	} else {
		switch {
		case a.DM.Policy.Value == plan.DMDisabled:
			return drop("dmPolicy disabled", `dmPolicy is "disabled": every DM is dropped`, originPath(a.DM.Policy.Origin, "channels.imessage.dmPolicy"))
		case a.DM.Policy.Value == plan.DMOpen, dmLen > 0 && dmAllowed():
		case a.DM.Policy.Value == plan.DMPairing:
			dec.Kind, dec.Key = Pairing, originPath(a.DM.Policy.Origin, "channels.imessage.dmPolicy")
			dec.Why = fmt.Sprintf(`dmPolicy is "pairing" and %s is neither in allowFrom nor approved: the sender gets a pairing code`, dec.SenderID)
			return dec
		default:
			logf("Blocked iMessage sender %s (dmPolicy=%s)", sender, a.DM.Policy.Value)
			return drop("dmPolicy blocked", fmt.Sprintf("dmPolicy is %q and %s is not in allowFrom", a.DM.Policy.Value, dec.SenderID), originPath(a.DM.AllowFrom.Origin, "channels.imessage.allowFrom"))
		}
	}

	kind, peer := plan.PeerDirect, dec.SenderID
	if dec.IsGroup {
		kind, peer = plan.PeerGroup, dec.ChatID
	}
	route := d.route(kind, peer)
	dec.Route = &route
	if route.Error != "" {
		// Only a 2026.9.6 plan (which this runtime refuses to run) can
		// have a conversation no agent owns; OpenClaw throws there.
		return drop("no agent", route.Error, "")
	}

	if openclaw.TrimJS(bodyText) == "" {
		return drop("empty body", "the message has no text and no usable attachment", "")
	}
	if !st.selfChat.empty() && st.selfChat.has(selfKey(bodyText), now) {
		logf(`imessage: dropping self-chat reflected duplicate: "%s"`, sanitizeTerminalText(preview(bodyText, 50)))
		return drop("self-chat echo", "it repeats a from-me row of this chat seen within 10 s (a message to yourself)", "")
	}
	var msgID string
	if m.ID != nil {
		msgID = m.ID.String()
	}
	if messageText != "" || msgID != "" {
		scope := a.ID + ":imessage:" + sender
		if dec.IsGroup {
			scope = a.ID + ":chat_id:" + dec.ChatID
		}
		if st.echo.has(scope, messageText, msgID, now) {
			logf(`imessage: skipping echo message%s: "%s"`, idSuffix(msgID), preview(messageText, 50))
			return drop("echo", "it is the text of a reply the bot sent to this chat within 5 s", "")
		}
	}
	if labels := reflectedLabels(messageText); len(labels) > 0 {
		logf("imessage: dropping reflected assistant content (markers: %s)", strings.Join(labels, ", "))
		return drop("reflected assistant content", "it carries the assistant's internal markers ("+strings.Join(labels, ", ")+") outside code, so it is the bot's own output bounced back", "")
	}

	if dec.IsGroup {
		dec.HistoryKey = dec.ChatID
	}
	mentionSet := d.mentionsFor(route.AgentID)
	mentioned := !dec.IsGroup || matchMentions(messageText, mentionSet.res)
	require := gate.RequireMention()
	if !dec.IsGroup {
		require = plan.Value[bool]{Value: true}
	}
	canDetect := len(mentionSet.res) > 0
	// Command authorisation (resolveDualTextControlCommandGate): for groups
	// the DM authoriser is the configured allowFrom only.
	hasCmd := d.commands.HasControlCommand(messageText)
	ownerAllowed := dmLen > 0 && dmAllowed()
	if dec.IsGroup {
		ownerAllowed = d.allowC.Len() > 0 && allowed(d.allowC)
	}
	authorized := !d.p.Global.UseAccessGroups.Value || ownerAllowed || (groupList.Len() > 0 && allowed(groupList))
	dec.CommandAuthorized = authorized
	if dec.IsGroup && hasCmd && !authorized {
		logf("imessage: drop control command (unauthorized) target=%s", sender)
		return drop("control command (unauthorized)", "it is a control command and the sender is in neither allowFrom nor the group sender list", originPath(a.DM.AllowFrom.Origin, "channels.imessage.allowFrom"))
	}
	bypass := dec.IsGroup && require.Value && !mentioned && authorized && hasCmd
	dec.WasMentioned = mentioned || bypass
	if dec.IsGroup && require.Value && canDetect && !mentioned && !bypass {
		logf("imessage: skipping group message (no mention)")
		entry := HistoryEntry{Sender: dec.SenderID, Body: bodyText, Timestamp: createdAt, Invalid: createdInvalid}
		if m.ID != nil && m.ID.Truthy() {
			entry.MessageID = msgID
		}
		st.histories.append(dec.HistoryKey, entry, a.History.GroupLimit.Value)
		ms, _ := d.p.Global.Mentions(route.AgentID)
		return drop("no mention", "this chat requires a mention and the text matches none of agent "+strconv.Quote(route.AgentID)+"'s patterns",
			originPath(ms.Patterns.Origin, "messages.groupChat.mentionPatterns"))
	}

	dec.Kind = Dispatch
	dec.Key = ""
	dec.bodyText = openclaw.TrimJS(bodyText)
	switch {
	case dec.IsGroup:
		dec.Why = "group chat " + dec.ChatID + " and sender " + dec.SenderID + " pass both gates"
		switch {
		case !require.Value:
			dec.Why += "; no mention is required here"
		case bypass:
			dec.Why += "; an authorised control command needs no mention"
		case !canDetect:
			dec.Why += "; requireMention is on but agent " + strconv.Quote(route.AgentID) + " has no usable mention patterns, so it is not enforced"
		default:
			dec.Why += "; the agent is mentioned"
		}
	case a.DM.Policy.Value == plan.DMOpen:
		dec.Why = `dmPolicy is "open"`
	default:
		dec.Why = dec.SenderID + " is allowed to DM"
	}
	dec.Why += "; routed to agent " + strconv.Quote(route.AgentID) + " (" + route.MatchedBy + ")"
	return dec
}

// pinnedOwner is resolvePinnedMainDmOwnerFromAllowlist: with dmScope
// "main" and an allowFrom of exactly one distinct handle (no "*"), the main
// DM session belongs to that handle.
func (d *Decider) pinnedOwner() string {
	if s := d.p.Global.DMScope.Value; s != "" && s != plan.ScopeMain {
		return ""
	}
	owners := map[string]bool{}
	owner := ""
	for _, e := range d.allow {
		if e == "*" {
			return ""
		}
		if n := openclaw.NormalizeHandle(e); n != "" && !owners[n] {
			owners[n] = true
			owner = n
		}
	}
	if len(owners) != 1 {
		return ""
	}
	return owner
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func appendIf(ok bool, list []string, s string) []string {
	if ok {
		return append(list, s)
	}
	return list
}

func originPath(o plan.Origin, def string) string {
	if o.Path != "" {
		return o.Path
	}
	return def
}

func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " id=" + id
}

// preview is truncateUtf16Safe(text, n): at most n UTF-16 units, never
// splitting a surrogate pair.
func preview(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}

func decodeRuneStr(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

var (
	osc8Pattern = regexp.MustCompile("\x1b\\]8;;[^\n\r\u2028\u2029]*?\x1b\\\\|\x1b\\]8;;\x1b\\\\")
	sgrPattern  = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// sanitizeTerminalText ports src/terminal/safe-text.ts: ANSI hyperlinks and
// colours removed, \r \n \t written as escapes, other C0/C1 controls dropped.
func sanitizeTerminalText(s string) string {
	s = sgrPattern.ReplaceAllString(osc8Pattern.ReplaceAllString(s, ""), "")
	s = strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(s)
	return strings.Map(func(r rune) rune {
		if r <= 31 || (r >= 127 && r <= 159) {
			return -1
		}
		return r
	}, s)
}
