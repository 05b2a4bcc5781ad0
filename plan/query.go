package plan

import "github.com/openclawcfg/openclawcfg/internal/openclaw"

// Account returns the account the gateway runs as id (normalised as
// OpenClaw normalises account ids), or nil.
func (p *Plan) Account(id string) *Account {
	id = openclaw.NormalizeAccountID(id)
	for i := range p.Accounts {
		if p.Accounts[i].ID == id {
			return &p.Accounts[i]
		}
	}
	return nil
}

// Running reports whether the gateway starts the account: the channel is
// configured, the account enabled (top level and entry) and configured.
func (p *Plan) Running(a *Account) bool {
	return p.ChannelConfigured && a.Enabled.Value && a.Configured
}

// NotRunning says in a few words why the account does not start, "" when
// it does.
func (p *Plan) NotRunning(a *Account) string {
	switch {
	case !p.ChannelConfigured:
		return "channels.imessage is missing, so the account is not configured"
	case !a.Enabled.Value:
		return "disabled"
	case !a.Configured:
		return "not configured"
	}
	return ""
}

// AdmitsChats reports whether any group chat can get through the account's
// chat gate (the groups map and groupPolicy), whoever sends.
func (a *Account) AdmitsChats() bool {
	g := &a.Groups
	return g.Policy.Value != GroupDisabled && (!g.AllowlistEnabled || g.Wildcard != nil || len(g.Chats) > 0)
}

// ChatGate is resolveChannelGroupPolicy for one chat: whether the chat
// allowlist is on, the chat's own groups entry, the "*" entry, and whether
// the chat passes.
type ChatGate struct {
	ListEnabled bool
	Entry       *GroupChat // groups[<chat id>], exact key; never "*"
	Wildcard    *GroupChat // groups["*"]
	Allowed     bool
}

// ChatGate evaluates the groups map for a chat id (the message's chat_id as
// a string, "" when it has none).
func (a *Account) ChatGate(chatID string) ChatGate {
	g := &a.Groups
	c := ChatGate{ListEnabled: g.AllowlistEnabled, Wildcard: g.Wildcard}
	if chatID != "" {
		for i := range g.Chats {
			if g.Chats[i].ChatID == chatID {
				c.Entry = &g.Chats[i]
				break
			}
		}
	}
	c.Allowed = g.Policy.Value != GroupDisabled && (!c.ListEnabled || c.Wildcard != nil || c.Entry != nil)
	return c
}

// TreatsAsGroup reports whether a message in this chat counts as a group
// message although imsg did not flag it: its chat id has an explicit groups
// entry while the chat allowlist is on.
func (c ChatGate) TreatsAsGroup() bool { return c.ListEnabled && c.Entry != nil }

// RequireMention is resolveChannelGroupRequireMention without an override:
// the chat's entry, then "*", then true.
func (c ChatGate) RequireMention() Value[bool] {
	switch {
	case c.Entry != nil:
		return c.Entry.RequireMention
	case c.Wildcard != nil:
		return c.Wildcard.RequireMention
	}
	return Value[bool]{Value: true, Origin: Origin{Kind: OriginDefault}}
}
