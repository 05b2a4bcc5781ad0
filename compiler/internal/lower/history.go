package lower

import (
	"github.com/openclawcfg/openclawcfg/plan"
)

func lowerHistory(cfg, m obj, src *provenance) plan.History {
	var h plan.History
	h.GroupLimit = plan.Value[int]{Value: 50, Origin: plan.Origin{Kind: plan.OriginDefault}}
	if v, ok := m.num("historyLimit"); ok {
		h.GroupLimit = plan.Value[int]{Value: max(0, int(v)), Origin: src.origin("historyLimit")}
	} else if v, ok := cfg.obj("messages").obj("groupChat").num("historyLimit"); ok {
		h.GroupLimit = plan.Value[int]{Value: max(0, int(v)), Origin: plan.Origin{Kind: plan.OriginFallback, Path: "messages.groupChat.historyLimit"}}
	}
	// getHistoryLimitFromSessionKey reads the channel level only, and the
	// session key carries the provider segment only under
	// dmScope "per-channel-peer": otherwise no DM limit applies.
	ch := cfg.obj("channels").obj("imessage")
	scope, _ := cfg.obj("session").str("dmScope")
	if v, ok := ch.num("dmHistoryLimit"); ok {
		o := plan.Origin{Kind: plan.OriginSet, Path: channelPath + ".dmHistoryLimit"}
		if scope != "per-channel-peer" {
			o.Note = `not applied: it needs session.dmScope "per-channel-peer"`
		}
		h.DMLimit = &plan.Value[int]{Value: int(v), Origin: o}
	} else if _, ok := m.num("dmHistoryLimit"); ok {
		h.DMLimit = &plan.Value[int]{Origin: plan.Origin{
			Kind: plan.OriginDefault, Path: src.path("dmHistoryLimit"),
			Note: "an account-level dmHistoryLimit is not read by OpenClaw 2026.3.24 (only the channel level is)",
		}}
	}
	if scope != "per-channel-peer" {
		return h
	}
	for k := range ch.obj("dms") {
		if v, ok := ch.obj("dms").obj(k).num("historyLimit"); ok {
			if h.DMs == nil {
				h.DMs = map[string]int{}
			}
			h.DMs[k] = int(v)
		}
	}
	return h
}
