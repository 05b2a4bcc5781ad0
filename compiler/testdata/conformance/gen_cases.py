#!/usr/bin/env python3
"""Generate the openclawcfg conformance corpus in cases/ (maintainer tool; the Go tests never run it).

WARNING: it deletes and rewrites cases/ entirely (seeds are copied from $ORACLE_SEEDS, default
/work/shared/oracle/cases, as seed-*.json5). Numbers are assigned in list order, so adding a case in the
middle renumbers the ones after it; append new cases at the end of a section or edit files by hand.
After regenerating, run scripts/oracle-conformance.sh to refresh the golden.
"""
import os, shutil, sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
SEEDS = os.environ.get("ORACLE_SEEDS", "/work/shared/oracle/cases")

CASES = []  # (slug, comment, body, raw)  raw=True -> body is the full file content (bytes or str)


def case(slug, comment, body):
    CASES.append((slug, comment, body, False))


def raw(slug, content):
    CASES.append((slug, None, content, True))


def im(body):
    return "{ channels: { imessage: { %s } } }" % body


def acct(body, top=""):
    t = (top + ", ") if top else ""
    return "{ channels: { imessage: { %saccounts: { a: { %s } } } } }" % (t, body)


CLI = 'cliPath: "/usr/local/bin/imsg"'

# ---------------------------------------------------------------- valid baselines
case("valid-empty-root", "an empty root object is a valid config", "{}")
case("valid-channels-imessage-empty", "channels.imessage: {} is valid (defaults get materialised)", im(""))
case("valid-all-fields-top", "every channels.imessage field at the top level with a valid value", r'''{
  channels: {
    imessage: {
      name: "Home Mac",
      capabilities: ["reactions", "attachments"],
      markdown: { tables: "bullets" },
      enabled: true,
      configWrites: false,
      cliPath: "/usr/local/bin/imsg",
      dbPath: "/Users/me/Library/Messages/chat.db",
      remoteHost: "me@mac-mini.local",
      service: "auto",
      region: "US",
      dmPolicy: "allowlist",
      allowFrom: ["+15551234567", "friend@example.com", 15557654321],
      defaultTo: "+15551234567",
      groupAllowFrom: ["+15551234567", 42],
      groupPolicy: "allowlist",
      historyLimit: 0,
      dmHistoryLimit: 20,
      dms: { "+15551234567": { historyLimit: 5 } },
      includeAttachments: true,
      attachmentRoots: ["/Users/*/Library/Messages/Attachments", "/Volumes/Shared/att"],
      remoteAttachmentRoots: ["/Users/me/Library/Messages/Attachments"],
      mediaMaxMb: 16,
      textChunkLimit: 4000,
      chunkMode: "newline",
      blockStreaming: true,
      blockStreamingCoalesce: { minChars: 100, maxChars: 2000, idleMs: 0 },
      groups: {
        "*": { requireMention: true },
        "42": { requireMention: false, tools: { allow: ["read"], deny: ["exec"] }, toolsBySender: { "id:+15551234567": { alsoAllow: ["web"] }, "*": { deny: ["exec"] } } },
      },
      heartbeat: { showOk: false, showAlerts: true, useIndicator: true },
      healthMonitor: { enabled: true },
      responsePrefix: "[bot]",
      defaultAccount: "default",
    },
  },
}''')
case("valid-all-fields-account", "every account-level field inside accounts.<id> with a valid value", r'''{
  channels: {
    imessage: {
      accounts: {
        work: {
          name: "Work",
          capabilities: ["x"],
          markdown: { tables: "off" },
          enabled: false,
          configWrites: true,
          cliPath: "imsg",
          dbPath: "/Users/work/Library/Messages/chat.db",
          remoteHost: "user@[2001:db8::1]",
          service: "sms",
          region: "GB",
          dmPolicy: "open",
          allowFrom: ["*"],
          defaultTo: "chat_id:3",
          groupAllowFrom: ["a@b.c"],
          groupPolicy: "open",
          historyLimit: 10,
          dmHistoryLimit: 0,
          dms: { "a@b.c": { historyLimit: 0 } },
          includeAttachments: false,
          attachmentRoots: ["C:/Users/work/att"],
          remoteAttachmentRoots: ["/Users/*/x"],
          mediaMaxMb: 1,
          textChunkLimit: 1,
          chunkMode: "length",
          blockStreaming: false,
          blockStreamingCoalesce: { minChars: 1, maxChars: 1, idleMs: 1000 },
          groups: { "7": { tools: { alsoAllow: ["web"] } } },
          heartbeat: { showOk: true },
          healthMonitor: { enabled: false },
          responsePrefix: "",
        },
      },
    },
  },
}''')
for v in ["off", "bullets", "code"]:
    case("valid-markdown-tables-" + v, "markdown.tables accepts %r" % v, im('markdown: { tables: "%s" }' % v))
for v in ["imessage", "sms", "auto"]:
    case("valid-service-" + v, "service accepts %r" % v, im('service: "%s"' % v))
case("valid-dmpolicy-pairing", "dmPolicy pairing needs nothing", im('dmPolicy: "pairing"'))
case("valid-dmpolicy-disabled-empty-allowfrom", "dmPolicy disabled with an empty allowFrom is fine", im('dmPolicy: "disabled", allowFrom: []'))
case("valid-dmpolicy-allowlist", "dmPolicy allowlist with one sender", im('dmPolicy: "allowlist", allowFrom: ["+15551234567"]'))
for v in ["open", "disabled", "allowlist"]:
    case("valid-grouppolicy-" + v, "groupPolicy accepts %r" % v, im('groupPolicy: "%s"' % v))
case("valid-chunkmode-length", "chunkMode length", im('chunkMode: "length"'))

# ---------------------------------------------------------------- wrong types, top level
WRONG_TYPE = [
    ("name", "42", "name must be a string"),
    ("capabilities", '"reactions"', "capabilities must be an array"),
    ("capabilities", '[1]', "capabilities entries must be strings"),
    ("markdown", '"code"', "markdown must be an object"),
    ("enabled", '"true"', "enabled must be a boolean, not a string"),
    ("enabled", '1', "enabled must be a boolean, not 1"),
    ("configWrites", '"no"', "configWrites must be a boolean"),
    ("cliPath", '42', "cliPath must be a string"),
    ("dbPath", 'true', "dbPath must be a string"),
    ("remoteHost", '["host"]', "remoteHost must be a string"),
    ("service", '1', "service must be a string literal"),
    ("region", '1', "region must be a string"),
    ("dmPolicy", '1', "dmPolicy must be a string enum"),
    ("allowFrom", '"*"', "allowFrom must be an array, not a string"),
    ("allowFrom", '[true]', "allowFrom entries must be string|number, not bool"),
    ("allowFrom", '[["*"]]', "allowFrom entries cannot be nested arrays"),
    ("allowFrom", '[{}]', "allowFrom entries cannot be objects"),
    ("defaultTo", '15551234567', "defaultTo must be a string (numbers are not accepted)"),
    ("groupAllowFrom", '"x"', "groupAllowFrom must be an array"),
    ("groupPolicy", 'true', "groupPolicy must be a string enum"),
    ("historyLimit", '"5"', "historyLimit must be a number, not a numeric string"),
    ("dmHistoryLimit", 'false', "dmHistoryLimit must be a number"),
    ("dms", '[]', "dms must be a record, not an array"),
    ("dms", '{ "a": 5 }', "dms entries must be objects"),
    ("includeAttachments", '"yes"', "includeAttachments must be a boolean"),
    ("attachmentRoots", '"/Users/me"', "attachmentRoots must be an array"),
    ("attachmentRoots", '[5]', "attachmentRoots entries must be strings"),
    ("remoteAttachmentRoots", '{}', "remoteAttachmentRoots must be an array"),
    ("mediaMaxMb", '"16"', "mediaMaxMb must be a number"),
    ("textChunkLimit", '"4000"', "textChunkLimit must be a number"),
    ("chunkMode", 'false', "chunkMode must be a string enum"),
    ("blockStreaming", '"true"', "blockStreaming must be a boolean"),
    ("blockStreamingCoalesce", 'true', "blockStreamingCoalesce must be an object"),
    ("groups", '[]', "groups must be a record, not an array"),
    ("groups", '{ "1": true }', "groups entries must be objects"),
    ("heartbeat", 'true', "heartbeat must be an object"),
    ("healthMonitor", 'false', "healthMonitor must be an object, not a boolean"),
    ("responsePrefix", '1', "responsePrefix must be a string"),
    ("accounts", '"a"', "accounts must be a record"),
    ("defaultAccount", '1', "defaultAccount must be a string"),
]
seen = {}
for field, val, why in WRONG_TYPE:
    seen[field] = seen.get(field, 0) + 1
    suffix = "" if seen[field] == 1 else str(seen[field])
    case("type-top-%s%s" % (field.lower(), suffix), why + " (top level)", im("%s: %s" % (field, val)))

# nested wrong types
case("type-markdown-tables-number", "markdown.tables must be an enum string", im("markdown: { tables: 1 }"))
case("type-heartbeat-showok-string", "heartbeat.showOk must be a boolean", im('heartbeat: { showOk: "yes" }'))
case("type-healthmonitor-enabled-string", "healthMonitor.enabled must be a boolean", im('healthMonitor: { enabled: "no" }'))
case("type-coalesce-minchars-string", "blockStreamingCoalesce.minChars must be a number", im('blockStreamingCoalesce: { minChars: "1" }'))
case("type-groups-requiremention-string", "groups.<id>.requireMention must be a boolean", im('groups: { "1": { requireMention: "true" } }'))
case("type-groups-tools-allow-string", "groups.<id>.tools.allow must be an array of strings", im('groups: { "1": { tools: { allow: "read" } } }'))
case("type-groups-tools-deny-number", "groups.<id>.tools.deny entries must be strings", im('groups: { "1": { tools: { deny: [1] } } }'))
case("type-groups-toolsbysender-array", "groups.<id>.toolsBySender must be a record", im('groups: { "1": { toolsBySender: [] } }'))
case("type-groups-toolsbysender-entry-string", "toolsBySender.<k> must be a tool policy object", im('groups: { "1": { toolsBySender: { "*": "deny" } } }'))
case("type-dms-historylimit-string", "dms.<id>.historyLimit must be a number", im('dms: { "a": { historyLimit: "5" } }'))

# ---------------------------------------------------------------- wrong types, account level
ACCT_WRONG = [
    ("enabled", '"yes"', "account enabled must be a boolean"),
    ("cliPath", '5', "account cliPath must be a string"),
    ("dmPolicy", '"Open"', "account dmPolicy wrong case"),
    ("groupPolicy", '"bogus"', "account groupPolicy bogus"),
    ("service", '"iMessage"', "account service wrong case"),
    ("allowFrom", '"*"', "account allowFrom must be an array"),
    ("textChunkLimit", '0', "account textChunkLimit 0"),
    ("mediaMaxMb", '1.5', "account mediaMaxMb 1.5 (int required)"),
    ("historyLimit", '-1', "account historyLimit -1"),
    ("chunkMode", '"Newline"', "account chunkMode wrong case"),
    ("markdown", '{ tables: "table" }', "account markdown.tables bogus"),
    ("groups", '{ "1": { requireMention: 1 } }', "account groups entry wrong type"),
    ("healthMonitor", '{ enabled: 1 }', "account healthMonitor.enabled wrong type"),
]
for field, val, why in ACCT_WRONG:
    case("acct-%s-bad" % field.lower(), why + " (inside accounts.a)", acct("%s: %s" % (field, val)))
case("acct-defaultaccount-in-account", "defaultAccount is top-level only: unknown inside accounts.<id>", acct('defaultAccount: "a"'))
case("acct-nested-accounts", "accounts is top-level only: unknown inside accounts.<id>", acct("accounts: { b: {} }"))
case("acct-every-field-wrong", "multi-error: every account field with a wrong type at once (error order)", r'''{ channels: { imessage: { accounts: { a: {
  name: 1, capabilities: "x", markdown: 1, enabled: "x", configWrites: "x", cliPath: 1, dbPath: 1, remoteHost: 1,
  service: 1, region: 1, dmPolicy: 1, allowFrom: "x", defaultTo: 1, groupAllowFrom: "x", groupPolicy: 1,
  historyLimit: "x", dmHistoryLimit: "x", dms: 1, includeAttachments: "x", attachmentRoots: "x",
  remoteAttachmentRoots: "x", mediaMaxMb: "x", textChunkLimit: "x", chunkMode: 1, blockStreaming: "x",
  blockStreamingCoalesce: 1, groups: 1, heartbeat: 1, healthMonitor: 1, responsePrefix: 1,
} } } } }''')
case("top-every-field-wrong", "multi-error: every top-level field with a wrong type at once (error order)", r'''{ channels: { imessage: {
  name: 1, capabilities: "x", markdown: 1, enabled: "x", configWrites: "x", cliPath: 1, dbPath: 1, remoteHost: 1,
  service: 1, region: 1, dmPolicy: 1, allowFrom: "x", defaultTo: 1, groupAllowFrom: "x", groupPolicy: 1,
  historyLimit: "x", dmHistoryLimit: "x", dms: 1, includeAttachments: "x", attachmentRoots: "x",
  remoteAttachmentRoots: "x", mediaMaxMb: "x", textChunkLimit: "x", chunkMode: 1, blockStreaming: "x",
  blockStreamingCoalesce: 1, groups: 1, heartbeat: 1, healthMonitor: 1, responsePrefix: 1,
  accounts: 1, defaultAccount: 1,
} } }''')

# ---------------------------------------------------------------- enums
ENUMS = [
    ("dmpolicy-open-capital", 'dmPolicy: "Open", allowFrom: ["*"]', "dmPolicy is case-sensitive: Open"),
    ("dmpolicy-empty", 'dmPolicy: ""', "dmPolicy empty string"),
    ("dmpolicy-padded", 'dmPolicy: " pairing "', "dmPolicy is not trimmed"),
    ("grouppolicy-allowlist-capital", 'groupPolicy: "Allowlist"', "groupPolicy wrong case"),
    ("service-imessage-capital", 'service: "iMessage"', "service wrong case (union of literals)"),
    ("service-bogus", 'service: "rcs"', "service bogus value"),
    ("chunkmode-bogus", 'chunkMode: "paragraph"', "chunkMode bogus value"),
    ("markdown-tables-bogus", 'markdown: { tables: "table" }', "markdown.tables bogus value"),
]
for slug, body, why in ENUMS:
    case("enum-" + slug, why, im(body))

# ---------------------------------------------------------------- numbers
NUMVALS = [
    ("zero", "0"), ("neg1", "-1"), ("1p5", "1.5"), ("1e400", "1e400"), ("infinity", "Infinity"),
    ("neg-infinity", "-Infinity"), ("nan", "NaN"), ("hex", "0x10"), ("string", '"5"'), ("null", "null"),
    ("neg-zero", "-0"), ("5p0", "5.0"), ("2pow53p1", "9007199254740993"), ("1e3", "1e3"), ("huge-int", "1e300"), ("max-safe", "9007199254740991"), ("2pow53", "9007199254740992"), ("tiny", "1e-400"), ("neg-tiny", "-1e-400"),
]
for slug, v in NUMVALS:
    case("num-textchunklimit-" + slug, "textChunkLimit (int > 0) = %s" % v, im("textChunkLimit: %s" % v))
for slug, v in [("zero", "0"), ("neg1", "-1"), ("1p5", "1.5"), ("infinity", "Infinity"), ("nan", "NaN"), ("string", '"5"'), ("hex", "0x10"), ("neg-zero", "-0"), ("5p0", "5.0")]:
    case("num-historylimit-" + slug, "historyLimit (int >= 0) = %s" % v, im("historyLimit: %s" % v))
for slug, v in [("zero", "0"), ("1p5", "1.5"), ("neg1", "-1"), ("1e400", "1e400")]:
    case("num-mediamaxmb-" + slug, "mediaMaxMb (int > 0) = %s" % v, im("mediaMaxMb: %s" % v))
NUMFIELDS_ALL = ("historyLimit: {v}, dmHistoryLimit: {v}, mediaMaxMb: {v}, textChunkLimit: {v}, "
                 "dms: {{ d: {{ historyLimit: {v} }} }}, blockStreamingCoalesce: {{ minChars: {v}, maxChars: {v}, idleMs: {v} }}")
for slug, v in [("zero", "0"), ("neg1", "-1"), ("1p5", "1.5"), ("infinity", "Infinity"), ("nan", "NaN"), ("string", '"1"')]:
    case("num-allfields-" + slug, "multi-error: all 8 numeric fields = %s (which accept it, error order)" % v, im(NUMFIELDS_ALL.format(v=v)))
for slug, v in [("zero", "0"), ("1p5", "1.5"), ("infinity", "Infinity")]:
    case("num-acct-allfields-" + slug, "multi-error: all numeric account fields = %s" % v, acct(NUMFIELDS_ALL.format(v=v)))

# ---------------------------------------------------------------- null
NULLS = [
    ("string", "name: null", "null for an optional string field"),
    ("boolean", "enabled: null", "null for an optional boolean field"),
    ("number", "textChunkLimit: null", "null for an optional number field"),
    ("enum", "chunkMode: null", "null for an optional enum field"),
    ("defaulted-enum", "dmPolicy: null", "null for an enum field with .default()"),
    ("union-literals", "service: null", "null for a union-of-literals field"),
    ("refined-string", "cliPath: null", "null for a refined string field (cliPath)"),
    ("remotehost", "remoteHost: null", "null for remoteHost"),
    ("array", "allowFrom: null", "null for an optional array field"),
    ("object", "markdown: null", "null for an optional strict object field"),
    ("record", "groups: null", "null for an optional record field"),
    ("accounts", "accounts: null", "accounts: null"),
    ("account-entry", "accounts: { a: null }", "a null account entry (record value is Base.optional())"),
    ("dms-entry", "dms: { a: null }", "a null dms entry"),
    ("groups-entry", 'groups: { "1": null }', "a null groups entry"),
    ("allowfrom-entry", "allowFrom: [null]", "null inside allowFrom"),
    ("tools", 'groups: { "1": { tools: null } }', "null tools policy"),
    ("heartbeat-field", "heartbeat: { showOk: null }", "null inside heartbeat"),
]
for slug, body, why in NULLS:
    case("null-" + slug, why, im(body))
case("null-channels-imessage", "channels.imessage: null", "{ channels: { imessage: null } }")
case("null-channels", "channels: null", "{ channels: null }")

# ---------------------------------------------------------------- empty arrays / objects
EMPTIES = [
    ("allowfrom", "allowFrom: []"), ("capabilities", "capabilities: []"), ("attachmentroots", "attachmentRoots: []"),
    ("groups", "groups: {}"), ("dms", "dms: {}"), ("markdown", "markdown: {}"), ("heartbeat", "heartbeat: {}"),
    ("healthmonitor", "healthMonitor: {}"), ("accounts", "accounts: {}"), ("coalesce", "blockStreamingCoalesce: {}"),
    ("group-entry", 'groups: { "*": {} }'), ("tools", 'groups: { "1": { tools: {} } }'),
    ("toolsbysender", 'groups: { "1": { toolsBySender: {} } }'), ("account-entry", "accounts: { a: {} }"),
    ("strings", 'name: "", region: "", dbPath: "", defaultTo: "", responsePrefix: "", defaultAccount: ""'),
]
for slug, body in EMPTIES:
    case("empty-" + slug, "empty value: " + body, im(body))

# ---------------------------------------------------------------- allowFrom entries
case("allowfrom-numbers", "number entries are accepted in allowFrom and groupAllowFrom", im("allowFrom: [15551234567, 0, -1, 1.5], groupAllowFrom: [9007199254740993, -0]"))
case("allowfrom-1e400", "1e400 (Infinity) inside groupAllowFrom", im("groupAllowFrom: [1e400]"))
case("allowfrom-nan", "NaN inside allowFrom (z.number() rejects NaN)", im("allowFrom: [NaN]"))
case("allowfrom-infinity", "Infinity inside allowFrom", im("allowFrom: [Infinity]"))
case("allowfrom-mixed-bad", "multi-error: several bad allowFrom entries (indexes in paths)", im('allowFrom: ["ok", true, null, {}, 5]'))

# ---------------------------------------------------------------- unknown keys
UNKNOWN = [
    ("group-entry", 'groups: { "1": { requireMention: true, bogus: 1 } }', "unknown key in groups.<id>"),
    ("group-groupallowfrom", 'groups: { "1": { groupAllowFrom: ["a"] } }', "groupAllowFrom is not allowed inside groups.<id>"),
    ("group-allowfrom", 'groups: { "1": { allowFrom: ["a"] } }', "allowFrom is not allowed inside groups.<id>"),
    ("group-enabled", 'groups: { "1": { enabled: true } }', "enabled is not a groups.<id> key in this schema"),
    ("dms-entry", 'dms: { a: { historyLimit: 1, limit: 2 } }', "unknown key in dms.<id>"),
    ("markdown", 'markdown: { tables: "code", code: true }', "unknown key in markdown"),
    ("heartbeat", "heartbeat: { showOk: true, every: 5 }", "unknown key in heartbeat"),
    ("healthmonitor", "healthMonitor: { enabled: true, intervalMs: 5 }", "unknown key in healthMonitor"),
    ("coalesce", "blockStreamingCoalesce: { minChars: 1, breakPreference: \"newline\" }", "unknown key in blockStreamingCoalesce"),
    ("tools", 'groups: { "1": { tools: { allow: ["a"], profile: "full" } } }', "unknown key in tools (profile is not allowed here)"),
    ("toolsbysender", 'groups: { "1": { toolsBySender: { "*": { deny: ["a"], bogus: 1 } } } }', "unknown key in toolsBySender.<k>"),
    ("typo-allowfrom", 'allowfrom: ["*"]', "typo allowfrom (lowercase f)"),
    ("typo-dmpolicy", 'dmpolicy: "open"', "typo dmpolicy"),
    ("requiremention-top", "requireMention: true", "requireMention at the channel top level"),
    ("two-keys", "foo: 1, bar: 2", "two unknown keys in one object: one issue or two?"),
    ("three-keys-sorted", "zeta: 1, alpha: 2, mid: 3", "three unknown keys: the order in the message"),
    ("probetimeout", "probeTimeoutMs: 1000", "probeTimeoutMs is not in the 2026.3.24 schema"),
    ("streaming", 'streaming: { chunkMode: "length" }', "streaming is not in the 2026.3.24 schema"),
    ("contextvisibility", 'contextVisibility: "all"', "contextVisibility (added 2026.4.5) is unknown here"),
    ("acct-two-keys", 'accounts: { a: { x: 1, y: 2 } }', "two unknown keys in an account"),
    ("channels-defaults", 'x: 1', "placeholder"),
]
UNKNOWN = UNKNOWN[:-1]
for slug, body, why in UNKNOWN:
    case("unknown-" + slug, why, im(body))
case("unknown-channels-defaults-key", "unknown key in channels.defaults (strict)", "{ channels: { defaults: { groupPolicy: \"open\", dmPolicy: \"open\" } } }")
case("unknown-plus-type-error", "an unknown key and a type error in the same object", im('bogus: 1, textChunkLimit: "x"'))
case("unknown-nested-multi-levels", "multi-error: unknown keys at top, account, group, dms at once", r'''{ channels: { imessage: {
  t: 1,
  groups: { "1": { g: 1 } },
  dms: { d: { x: 1 } },
  accounts: { a: { u: 1, groups: { "2": { g2: 1 } } } },
} } }''')

# ---------------------------------------------------------------- dmPolicy refinements
REF = [
    ("open-wildcard-padded", 'dmPolicy: "open", allowFrom: [" * "]', "open with \" * \" (entries are trimmed)"),
    ("open-wildcard-plus-number", 'dmPolicy: "open", allowFrom: [0, "*"]', "open with [0, \"*\"]"),
    ("open-zero-only", 'dmPolicy: "open", allowFrom: [0]', "open with [0] (no \"*\")"),
    ("open-empty-array", 'dmPolicy: "open", allowFrom: []', "open with []"),
    ("open-star-in-groupallowfrom", 'dmPolicy: "open", groupAllowFrom: ["*"]', "open with \"*\" only in groupAllowFrom"),
    ("open-double-star", 'dmPolicy: "open", allowFrom: ["**"]', "open with \"**\" (not \"*\")"),
    ("allowlist-empty-strings", 'dmPolicy: "allowlist", allowFrom: ["", "  "]', "allowlist with only empty / blank entries"),
    ("allowlist-zero", 'dmPolicy: "allowlist", allowFrom: [0]', "allowlist with [0] (String(0) is non-empty)"),
    ("allowlist-missing", 'dmPolicy: "allowlist"', "allowlist without allowFrom"),
    ("allowlist-star", 'dmPolicy: "allowlist", allowFrom: ["*"]', "allowlist with [\"*\"] is accepted"),
    ("allowlist-groupallowfrom-only", 'dmPolicy: "allowlist", groupAllowFrom: ["+1555"]', "allowlist with only groupAllowFrom"),
]
for slug, body, why in REF:
    case("ref-top-" + slug, why, im(body))
ACCREF = [
    ("inherits-top-star", '{ channels: { imessage: { allowFrom: ["*"], accounts: { a: { dmPolicy: "open" } } } } }',
     "account open inherits top allowFrom [\"*\"]: valid"),
    ("inherits-top-no-star", '{ channels: { imessage: { allowFrom: ["+15551234567"], accounts: { a: { dmPolicy: "open" } } } } }',
     "account open inherits top allowFrom without \"*\": error at accounts.a.allowFrom"),
    ("override-empty", '{ channels: { imessage: { dmPolicy: "open", allowFrom: ["*"], accounts: { a: { dmPolicy: "open", allowFrom: [] } } } } }',
     "account overrides allowFrom with [] (?? keeps []): error"),
    ("top-open-account-bare", '{ channels: { imessage: { dmPolicy: "open", allowFrom: ["+1555"], accounts: { a: {} } } } }',
     "top open without \"*\" and a bare account: top error; account gets default pairing so no account error"),
    ("top-open-star-account-pairing", '{ channels: { imessage: { dmPolicy: "open", allowFrom: ["*"], accounts: { a: { dmPolicy: "pairing" } } } } }',
     "top open + \"*\", account pairing: valid"),
    ("top-star-account-pairing-open", '{ channels: { imessage: { allowFrom: ["*"], accounts: { a: { dmPolicy: "pairing" }, b: { dmPolicy: "open" } } } } }',
     "top allowFrom [\"*\"] with dmPolicy pairing, account b open inherits \"*\": valid"),
    ("account-allowlist-inherits", '{ channels: { imessage: { allowFrom: ["+1555"], accounts: { a: { dmPolicy: "allowlist" } } } } }',
     "account allowlist inherits a non-empty top allowFrom: valid"),
    ("account-allowlist-override-empty", '{ channels: { imessage: { allowFrom: ["+1555"], accounts: { a: { dmPolicy: "allowlist", allowFrom: [] } } } } }',
     "account allowlist overrides with []: error"),
    ("account-allowlist-no-top", '{ channels: { imessage: { accounts: { a: { dmPolicy: "allowlist" } } } } }',
     "account allowlist, no allowFrom anywhere: error"),
    ("account-allowlist-blank", '{ channels: { imessage: { accounts: { a: { dmPolicy: "allowlist", allowFrom: [" "] } } } } }',
     "account allowlist with a blank entry: error"),
    ("top-allowlist-account-bare", '{ channels: { imessage: { dmPolicy: "allowlist", allowFrom: ["+1555"], accounts: { a: { allowFrom: [] } } } } }',
     "top allowlist valid, account overrides allowFrom [] but gets default pairing: valid"),
    ("account-open-padded-star", '{ channels: { imessage: { accounts: { a: { dmPolicy: "open", allowFrom: ["  *  "] } } } } }',
     "account open with padded \"*\": valid"),
    ("two-accounts-both-bad", '{ channels: { imessage: { dmPolicy: "open", allowFrom: ["x"], accounts: { b: { dmPolicy: "allowlist", allowFrom: [] }, a: { dmPolicy: "open" } } } } }',
     "multi-error: top open bad, account b allowlist empty, account a open inherits bad list (issue order follows key order)"),
    ("account-null-and-top-bad", '{ channels: { imessage: { dmPolicy: "open", accounts: { a: null } } } }',
     "null account entry and a bad top dmPolicy: both reported?"),
    ("account-key-star", '{ channels: { imessage: { accounts: { "*": { dmPolicy: "open" } } } } }',
     "account key \"*\" with open and no allowFrom: path accounts.*.allowFrom"),
    ("account-key-dotted", '{ channels: { imessage: { accounts: { "a.b": { dmPolicy: "open" } } } } }',
     "account key with a dot: the path joins with '.' so it becomes ambiguous"),
]
for slug, body, why in ACCREF:
    case("ref-acct-" + slug, why, body)

# ---------------------------------------------------------------- remoteHost
RH = [
    ("valid-host", "mac-mini.local"), ("valid-user-host", "bot@mac-mini.local"), ("valid-ipv4", "192.168.1.10"),
    ("valid-ipv6-bracketed", "[::1]"), ("valid-ipv6-zone-numeric", "me@[fe80::1%25]"), ("bad-ipv6-zone-name", "me@[fe80::1%en0]"), ("valid-padded", "  bot@host  "),
    ("valid-underscore", "my_user@my_host"),
    ("bad-empty", ""), ("bad-blank", "   "), ("bad-inner-space", "bot @host"), ("bad-tab", "bot@host\\tx"),
    ("valid-trailing-newline", "host\\n"), ("bad-inner-newline", "ho\\nst"), ("bad-del", "host\\u007f"), ("bad-nbsp", "host\\u00a0x"),
    ("bad-leading-dash", "-oProxyCommand=x"), ("bad-slash", "host/path"), ("bad-backslash", "host\\\\x"),
    ("bad-two-at", "a@b@c"), ("bad-at-first", "@host"), ("bad-at-last", "user@"), ("bad-user-chars", "us+er@host"),
    ("bad-host-dash", "user@-host"), ("bad-port", "user@host:22"), ("bad-ipv6-bare", "::1"),
    ("bad-ipv6-bracket-port", "[::1]:22"), ("bad-host-chars", "host!"), ("bad-unicode", "mäc.local"),
    ("bad-url", "ssh://host"), ("bad-ipv6-bad-chars", "[::g]"),
]
for slug, v in RH:
    case("remotehost-" + slug, "remoteHost %s" % v.replace("\\\\", "\\"), im('remoteHost: "%s"' % v))
case("remotehost-acct-bad", "remoteHost refinement inside an account", acct('remoteHost: "host:22"'))

# ---------------------------------------------------------------- cliPath
CP = [
    ("valid-bare", "imsg"), ("valid-dot-slash", "./imsg"), ("valid-tilde", "~/bin/imsg"), ("valid-windows", "C:\\\\tools\\\\imsg.exe"),
    ("valid-bare-plus-dot", "imsg+beta.2_x-y"), ("valid-path-with-space", "/Applications/My Tools/imsg"),
    ("valid-padded", "  imsg  "), ("valid-dot-dash", "./-imsg"), ("valid-unc", "\\\\\\\\server\\\\share\\\\imsg"),
    ("valid-windows-fwd", "C:/imsg"), ("valid-dotfile", ".imsg"), ("valid-tab-trimmed", "imsg\\t"),
    ("bad-semicolon", "imsg;ls"), ("bad-ampersand", "imsg && x"), ("bad-pipe", "imsg|x"), ("bad-backtick", "`imsg`"),
    ("bad-dollar", "$(imsg)"), ("bad-gt", "/bin/imsg>x"), ("bad-lt", "/bin/imsg<x"), ("bad-dquote", "\\\"imsg\\\""),
    ("bad-squote", "'imsg'"), ("bad-newline", "imsg\\nrm"), ("valid-trailing-cr", "/bin/imsg\\r"), ("bad-inner-cr", "/bin/im\\rsg"), ("bad-empty", ""),
    ("bad-blank", "   "), ("bad-leading-dash", "-imsg"), ("bad-double-dash", "--help"), ("bad-space-bare", "im sg"),
    ("bad-nul", "imsg\\u0000"), ("bad-colon-bare", "C:imsg"), ("bad-unicode-bare", "ímsg"), ("bad-equals", "imsg=1"),
    ("bad-dollar-in-path", "/opt/$HOME/imsg"),
]
for slug, v in CP:
    case("clipath-" + slug, "cliPath %s" % v.replace("\\\\", "\\"), im('cliPath: "%s"' % v))
case("clipath-acct-bad", "cliPath refinement inside an account", acct('cliPath: "imsg; rm -rf /"'))

# ---------------------------------------------------------------- attachment roots
AR = [
    ("valid-wildcard-segment", "/Users/*/Library/Messages/Attachments"), ("valid-trailing-slash", "/Users/me/att/"),
    ("valid-windows-drive", "C:/Users/me/att"), ("valid-windows-backslash", "C:\\\\Users\\\\me"),
    ("valid-backslash-posix", "\\\\Users\\\\me"), ("valid-dotdot-inside", "/a/../b"), ("valid-star-only", "/*"),
    ("valid-padded", "  /Users/me  "), ("valid-double-slash", "//Users//me"), ("valid-dot-segment", "/Users/./me"),
    ("bad-relative", "Users/me"), ("bad-root", "/"), ("bad-dotdot-to-root", "/a/../.."), ("bad-dotdot-root2", "/a/.."),
    ("bad-drive-root-slash", "C:/"), ("bad-drive-root", "C:"), ("bad-star-in-segment", "/a*b"), ("bad-doublestar", "/Users/**/att"),
    ("bad-doublestar-bare", "**"), ("bad-nul", "/Users/me\\u0000x"), ("bad-empty", ""), ("bad-blank", "  "),
    ("bad-double-slash-root", "//"), ("bad-tilde", "~/att"), ("bad-dot", "."), ("bad-star-suffix", "/Users/me*"),
    ("bad-drive-backslash-root", "C:\\\\"),
]
for slug, v in AR:
    case("attroot-" + slug, "attachmentRoots [%s]" % v.replace("\\\\", "\\"), im('attachmentRoots: ["%s"]' % v))
case("attroot-remote-bad", "remoteAttachmentRoots uses the same refinement", im('remoteAttachmentRoots: ["/", "/ok", "rel"]'))
case("attroot-acct-bad", "attachmentRoots refinement inside an account (index in the path)", acct('attachmentRoots: ["/ok", "/a*"]'))
case("attroot-multi-bad", "multi-error: several bad roots in one list", im('attachmentRoots: ["rel", "/ok", "/", "/x*"]'))

# ---------------------------------------------------------------- tools allow + alsoAllow
TL = [
    ("conflict", 'groups: { "1": { tools: { allow: ["a"], alsoAllow: ["b"] } } }', "tools with both allow and alsoAllow"),
    ("empty-allow-ok", 'groups: { "1": { tools: { allow: [], alsoAllow: ["b"] } } }', "allow [] + alsoAllow: no conflict"),
    ("empty-alsoallow-ok", 'groups: { "1": { tools: { allow: ["a"], alsoAllow: [] } } }', "allow + alsoAllow []: no conflict"),
    ("sender-conflict", 'groups: { "1": { toolsBySender: { "id:+1555": { allow: ["a"], alsoAllow: ["b"] } } } }', "toolsBySender entry with both"),
    ("conflict-plus-unknown", 'groups: { "1": { tools: { allow: ["a"], alsoAllow: ["b"], bogus: 1 } } }', "conflict and an unknown key in the same tools object: does the superRefine still run?"),
    ("conflict-plus-type", 'groups: { "1": { tools: { allow: ["a"], alsoAllow: ["b"], deny: "x" } } }', "conflict and a type error in the same tools object"),
    ("deny-only", 'groups: { "1": { tools: { deny: ["exec"] } } }', "deny only: valid"),
    ("acct-conflict", 'accounts: { a: { groups: { "*": { tools: { allow: ["a"], alsoAllow: ["b"] } } } } }', "conflict inside an account group"),
    ("sender-keys", 'groups: { "1": { toolsBySender: { "id:x": {}, "e164:+1": {}, "username:u": {}, "name:n": {}, "*": {}, "raw": {} } } }', "toolsBySender key prefixes are not validated by the schema"),
]
for slug, body, why in TL:
    case("tools-" + slug, why, im(body))

# ---------------------------------------------------------------- superRefine vs other issues
case("refine-with-type-error", "dmPolicy open without \"*\" plus a type error in the same object: does superRefine run?",
     im('dmPolicy: "open", allowFrom: ["x"], textChunkLimit: "5"'))
case("refine-with-unknown-key", "dmPolicy open without \"*\" plus an unknown key in the same object",
     im('dmPolicy: "open", allowFrom: ["x"], bogus: 1'))
case("refine-with-account-type-error", "account refinement plus a type error inside that account",
     im('accounts: { a: { dmPolicy: "open", allowFrom: ["x"], enabled: "yes" } }'))
case("refine-with-remotehost-error", "dmPolicy refinement plus a remoteHost refinement error (a check, not a type error)",
     im('dmPolicy: "open", allowFrom: ["x"], remoteHost: "host:22"'))
case("refine-with-bad-allowfrom-entry", "dmPolicy open with an allowFrom containing \"*\" and a bool entry",
     im('dmPolicy: "open", allowFrom: ["*", true]'))
case("refine-with-bad-dmpolicy", "bogus dmPolicy plus empty allowFrom: no refinement can apply",
     im('dmPolicy: "opened", allowFrom: []'))
case("refine-with-too-small", "dmPolicy refinement plus textChunkLimit 0 (too_small is a non-aborting check issue)",
     im('dmPolicy: "open", allowFrom: ["x"], textChunkLimit: 0'))
case("refine-with-not-int", "dmPolicy refinement plus textChunkLimit 1.5 (int format check)",
     im('dmPolicy: "open", allowFrom: ["x"], textChunkLimit: 1.5'))
case("refine-with-too-big", "dmPolicy refinement plus textChunkLimit 2^53 (safeint too_big)",
     im('dmPolicy: "open", allowFrom: ["x"], textChunkLimit: 9007199254740992'))
case("refine-with-bad-enum-sibling", "dmPolicy refinement plus a bogus groupPolicy (invalid_value aborts)",
     im('dmPolicy: "open", allowFrom: ["x"], groupPolicy: "x"'))
case("refine-with-nested-type-error", "dmPolicy refinement plus a type error deep inside groups.<id>",
     im('dmPolicy: "open", allowFrom: ["x"], groups: { "1": { requireMention: "x" } }'))
case("refine-with-nested-unknown-key", "dmPolicy refinement plus an unknown key deep inside groups.<id>",
     im('dmPolicy: "open", allowFrom: ["x"], groups: { "1": { bogus: true } }'))
case("refine-with-nested-tools-conflict", "dmPolicy refinement plus a tools allow/alsoAllow conflict (custom, non-aborting)",
     im('dmPolicy: "open", allowFrom: ["x"], groups: { "1": { tools: { allow: ["a"], alsoAllow: ["b"] } } }'))
case("refine-with-attroot-error", "dmPolicy refinement plus a bad attachment root (custom, non-aborting)",
     im('dmPolicy: "open", allowFrom: ["x"], attachmentRoots: ["rel"]'))
case("refine-acct-error-blocks-other-acct", "account a has a type error; does account b's refinement still run?",
     im('accounts: { a: { enabled: "x" }, b: { dmPolicy: "open" } }'))
case("refine-acct-too-small-other-acct", "account a has textChunkLimit 0 (non-aborting); account b open without \"*\"",
     im('accounts: { a: { textChunkLimit: 0 }, b: { dmPolicy: "open" } }'))
case("refine-acct-unknown-key-same-acct", "account open without \"*\" plus an unknown key in that account",
     im('accounts: { a: { dmPolicy: "open", bogus: 1 } }'))
case("refine-with-missing-env-warning", "the dmPolicy error together with a missing-env warning",
     im('dmPolicy: "open", allowFrom: ["${OPENCLAWCFG_UNSET_SENDER}"]'))
case("refine-outside-error-imessage-ok", "a type error outside channels.imessage does not stop the imessage refinement",
     '{ session: { dmScope: 1 }, channels: { imessage: { dmPolicy: "open" } } }')
case("refine-sibling-errors", "multi-error: independent errors in several siblings (does zod stop at the first?)",
     im('enabled: "x", textChunkLimit: 0, groupPolicy: "bogus", remoteHost: "-x", cliPath: "a;b", attachmentRoots: ["rel"]'))
case("multi-top-and-account", "multi-error: errors at the top level and in two accounts",
     r'''{ channels: { imessage: { textChunkLimit: -1, accounts: { b: { mediaMaxMb: 0 }, a: { chunkMode: "x" } } } } }''')
case("multi-channels-and-global", "multi-error: an imessage error plus errors in session and messages",
     r'''{ session: { dmScope: "x" }, messages: { groupChat: { historyLimit: 0 } }, channels: { imessage: { service: "x" } } }''')
case("multi-zod-and-unknown-channel", "a zod error plus an unknown channel id: is the channel id reported?",
     r'''{ channels: { bogus: {}, imessage: { textChunkLimit: 0 } } }''')
case("multi-unknown-channels", "several unknown channel ids at once",
     r'''{ channels: { imsg: {}, iMessage: {}, bogus: {} } }''')
case("multi-legacy-and-zod", "legacy top-level imessage plus a zod error elsewhere: legacy short-circuits",
     r'''{ imessage: { enabled: true }, channels: { imessage: { textChunkLimit: 0 } } }''')

case("order-groups-integer-keys", "issue order follows JS property order: integer-like keys first, ascending",
     im('groups: { "x": { a: 1 }, "10": { a: 1 }, "9": { a: 1 }, "-1": { a: 1 }, "01": { a: 1 }, "4294967295": { a: 1 }, "4294967294": { a: 1 } }'))
case("order-unknown-keys-integer", "the Unrecognized keys list also follows JS property order",
     im('b: 1, "2": 1, "1": 1, a: 1'))
case("order-accounts-refinement", "refinement issues per account follow JS property order of accounts",
     im('accounts: { z: { dmPolicy: "open" }, "7": { dmPolicy: "open" }, a: { dmPolicy: "open" }, "3": { dmPolicy: "open" } }'))
case("order-dup-key-position", "a duplicate key keeps its first position but the last value",
     im('groups: { x: { a: 1 }, y: { b: 1 }, x: { c: 1 } }'))
case("order-schema-vs-file", "errors come in schema order, not file order",
     im('responsePrefix: 1, textChunkLimit: 0, name: 1, accounts: { a: { name: 1 } }, enabled: "x"'))
case("warning-plugin-entry-unknown", "an unknown plugins.entries id is only a warning",
     '{ plugins: { entries: { "no-such-plugin": { enabled: true } } }, channels: { imessage: {} } }')
# ---------------------------------------------------------------- JSON5 syntax: valid features
J = "json5-"
case(J + "comments", "line and block comments everywhere", '''{
  /* block */ channels: { // line
    imessage: /* inline */ { enabled: true /* after value */ }, // trailing
  },
} // end''')
case(J + "trailing-commas", "trailing commas in objects and arrays", '{ channels: { imessage: { allowFrom: ["a", "b",], enabled: true, }, }, }')
case(J + "single-quotes", "single-quoted keys and strings (with an embedded double quote)", "{ 'channels': { 'imessage': { 'name': 'say \"hi\"', cliPath: 'imsg' } } }")
case(J + "line-continuation", "backslash-newline line continuation in a string", '{ channels: { imessage: { dbPath: "/Users/me/\\\n' + 'Library/chat.db" } } }')
case(J + "hex-number", "hex 0x10 in an int field = 16 (valid)", im("textChunkLimit: 0x10, mediaMaxMb: 0XA"))
case(J + "leading-dot", ".5 in an int field (parsed as 0.5, not an int)", im("mediaMaxMb: .5"))
case(J + "trailing-dot", "5. in an int field = 5 (valid)", im("textChunkLimit: 5."))
case(J + "plus-sign", "+1 in an int field = 1 (valid)", im("textChunkLimit: +1, historyLimit: +0"))
case(J + "negative-hex", "-0x10 in an int field = -16", im("textChunkLimit: -0x10"))
case(J + "exponent", "1e3 / 1E+3 in int fields (valid)", im("textChunkLimit: 1e3, mediaMaxMb: 1E+1"))
raw(J + "bom", "\ufeff// a UTF-8 BOM before the first token\n" + im("enabled: true") + "\n")
raw(J + "nbsp-whitespace", "// U+00A0, U+2028, U+FEFF (mid-file) and \\v \\f used as whitespace between tokens\n{\u00a0channels:\u2028{ imessage:\u2029{\u000b enabled:\u000ctrue\ufeff } } }\n")
case(J + "x-escapes", "\\x and \\u escapes in strings", im('cliPath: "\\x2Fusr\\x2Fbin\\u002Fimsg", name: "\\u00e9t\\u00E9"'))
case(J + "unquoted-key-chars", "unquoted keys with $, _ and unicode letters (as groups/dms/account ids)", im('groups: { $x: {}, _y: {}, ünï: {}, ÄÖÜ_$1: {} }, accounts: { $acc: {}, _b: {} }'))
case(J + "escaped-identifier-key", "a unicode escape inside an unquoted key: en\\u0061bled == enabled", im("en\\u0061bled: true"))
case(J + "escaped-string-key", "an escaped quoted key: \"\\u0065nabled\" == enabled", im('"\\u0065nabled": "not a bool"'))
case(J + "string-escapes", "JSON5 escapes \\0 \\v \\' and an unnecessary \\q in strings", im("name: 'a\\0b\\vc\\'d\\qe'"))
case(J + "nan-in-string-field", "NaN where a string is expected", im("name: NaN"))
case(J + "infinity-in-bool-field", "Infinity where a boolean is expected", im("enabled: Infinity"))
case(J + "quoted-keys-mixed", "double-quoted, single-quoted and bare keys mixed", "{ \"channels\": { 'imessage': { enabled: true, \"cliPath\": 'imsg' } } }")
case(J + "deep-nesting-whitespace", "lots of whitespace and newlines between tokens", "{\n\n  channels\n  :\n  {\n imessage : { enabled\n:\ntrue\n}\n}\n}\n")

# ---------------------------------------------------------------- JSON5 syntax errors
E = "syntax-"
case(E + "unterminated-string", "unterminated string", '{ channels: { imessage: { name: "abc } } }')
case(E + "missing-comma", "missing comma between members", '{ channels: { imessage: { enabled: true cliPath: "imsg" } } }')
case(E + "missing-colon", "missing colon", '{ channels: { imessage: { enabled true } } }')
case(E + "unmatched-bracket", "an array closed with }", '{ channels: { imessage: { allowFrom: ["a" } } }')
case(E + "invalid-char", "an @ where a value is expected", "{ channels: { imessage: { enabled: @ } } }")
case(E + "key-starts-with-digit", "unquoted key starting with a digit", '{ channels: { imessage: { groups: { 1abc: {} } } } }')
case(E + "numeric-key", "unquoted numeric key (common for chat ids)", '{ channels: { imessage: { groups: { 42: {} } } } }')
case(E + "bad-escape-digit", "\\1 escape in a string", '{ channels: { imessage: { name: "a\\1" } } }')
case(E + "trailing-garbage", "extra } after the root", '{ channels: {} } }')
case(E + "two-roots", "two root values", "{} {}")
case(E + "undefined-literal", "undefined is not a JSON5 value", "{ channels: { imessage: { name: undefined } } }")
case(E + "true-capital", "True is not a literal", "{ channels: { imessage: { enabled: True } } }")
case(E + "hex-no-digits", "0x without digits", "{ channels: { imessage: { textChunkLimit: 0x } } }")
case(E + "leading-zero", "leading zero 010", "{ channels: { imessage: { textChunkLimit: 010 } } }")
case(E + "unterminated-comment", "unterminated block comment", "{ channels: {} } /* never closed")
case(E + "newline-in-string", "raw newline inside a string", '{ channels: { imessage: { name: "a\nb" } } }')
case(E + "double-comma", "two commas in a row", "{ channels: { imessage: { enabled: true,, } } }")
case(E + "leading-comma", "a leading comma in an array", '{ channels: { imessage: { allowFrom: [, "a"] } } }')
case(E + "unclosed-array", "end of input inside an array", '{ channels: { imessage: { allowFrom: ["a"')
case(E + "single-slash", "a lone / (not a comment)", "{ / channels: {} }")
case(E + "hash-comment", "# comments are not JSON5", "# comment\n{}")
case(J + "raw-control-char-in-string", "a raw control char (U+0001) inside a string is accepted by JSON5", '{ channels: { imessage: { name: "a\u0001b" } } }')
case(J + "raw-line-sep-in-string", "raw U+2028 inside a string is accepted (json5 prints a console warning)", '{ channels: { imessage: { name: "a\u2028b" } } }')
case(E + "bad-unicode-escape", "\\u with too few hex digits", '{ channels: { imessage: { name: "\\u12" } } }')
case(J + "infinity-as-key", "Infinity as an unquoted key is an identifier, not a number", "{ channels: { imessage: { Infinity: 1 } } }")
case(J + "raw-tab-in-string", "raw TAB inside a string is accepted", '{ channels: { imessage: { name: "a\tb" } } }')

case(E + "identifier-dash", "an unquoted key containing '-'", "{ channels: { imessage: { dm-policy: 1 } } }")
case(E + "string-key-no-colon", "a quoted key followed by a value without a colon", '{ "channels" {} }')
raw(E + "position-after-emoji", "// syntax-error column after two astral-plane characters (code points vs UTF-16 units)\n{ name: \"\U0001F600\U0001F600\", x: @ }\n")
raw(E + "position-after-tab", "// syntax-error column after a TAB\n{\tx: @ }\n")
raw(E + "position-after-bom", "\ufeff// syntax-error position when the file starts with a BOM\n{ x: @ }\n")
raw(E + "position-crlf", "// syntax-error line number with CRLF line endings\r\n{\r\n  x: 1,\r\n  y: @\r\n}\r\n")
raw(E + "position-cr-only", "// syntax-error line number with bare CR line endings\r{\r  x: 1,\r  y: @\r}\r")
raw(E + "position-u2028", "// syntax-error line number after U+2028 / U+2029 used as whitespace\n{\u2028 x: 1,\u2029 y: @ }\n")
raw(E + "position-after-multiline-comment", "// syntax-error line after a multi-line block comment\n/* one\n   two\n   three */ { x: @ }\n")
raw(E + "position-after-latin1", "// syntax-error column after two-byte UTF-8 characters\n{ n\u00e4me: \"\u00e9\u00e9\", x: @ }\n")
case(E + "invalid-identifier-escape", "a \\u escape in an unquoted key that yields a non-identifier char ('-')", "{ channels: { imessage: { a\\u002Db: 1 } } }")
case(E + "astral-char-value", "an astral-plane character where a value is expected (how the char is printed)", "{ channels: { imessage: { name: \U0001F600 } } }")
case(E + "raw-control-char", "a raw U+0001 outside a string (printed as \\x01)", "{ channels: { imessage: { name: \u0001 } } }")
case(E + "escape-quote-printed", "a stray single quote after a value (printed as \\')", "{ channels: { imessage: { x: 1 ' } } }")
# ---------------------------------------------------------------- duplicate keys
D = "dup-"
case(D + "top-channels", "channels twice at the root: which wins?", '{ channels: { imessage: { textChunkLimit: 0 } }, channels: { imessage: { enabled: true } } }')
case(D + "channels-imessage", "imessage twice inside channels (first invalid, second valid)", '{ channels: { imessage: { enabled: "x" }, imessage: { enabled: true } } }')
case(D + "imessage-key-valid-then-invalid", "same key twice in imessage: first valid, second invalid", im("textChunkLimit: 100, textChunkLimit: 0"))
case(D + "imessage-key-invalid-then-valid", "same key twice in imessage: first invalid, second valid (hidden invalid value)", im("textChunkLimit: 0, textChunkLimit: 100"))
case(D + "dmpolicy-refinement", "dmPolicy twice: open (would fail) then pairing", im('dmPolicy: "open", allowFrom: ["x"], dmPolicy: "pairing"'))
case(D + "quoted-and-bare", "the same key once bare and once quoted", im('enabled: true, "enabled": "x"'))
case(D + "escaped-key", "the same key once plain and once via a unicode escape", im('enabled: "x", en\\u0061bled: true'))
case(D + "account", "the same account id twice (object replaced, not merged)", im('accounts: { a: { bogus: 1 }, a: { enabled: true } }'))
case(D + "account-merge-check", "the same account id twice: fields of the first are dropped (dmPolicy open would fail)", im('accounts: { a: { dmPolicy: "open" }, a: { enabled: true } }'))

# ---------------------------------------------------------------- prototype-ish keys
P = "proto-"
case(P + "imessage-proto", "channels.imessage.__proto__ with a would-be-invalid dmPolicy", im('__proto__: { dmPolicy: "open" }'))
case(P + "imessage-proto-valid", "channels.imessage.__proto__ with harmless content", im('__proto__: { enabled: true }'))
case(P + "accounts-proto", "accounts: { __proto__: {...} }", im('accounts: { __proto__: { dmPolicy: "open" } }'))
case(P + "accounts-proto-valid", "accounts: { __proto__: { enabled: true } } (valid account body)", im('accounts: { __proto__: { enabled: true } }'))
case(P + "root-proto", "__proto__ at the root", '{ __proto__: { channels: { bogus: {} } } }')
case(P + "channels-proto", "__proto__ inside channels", '{ channels: { __proto__: { imessage: { textChunkLimit: 0 } } } }')
case(P + "constructor-top", "constructor key in channels.imessage", im('constructor: {}'))
case(P + "constructor-account", "accounts: { constructor: {...} }", im('accounts: { constructor: { enabled: true } }'))
case(P + "prototype-group", "groups: { prototype: {...} }", im('groups: { prototype: { requireMention: true } }'))
case(P + "proto-quoted", "quoted \"__proto__\" key in channels.imessage", im('"__proto__": { textChunkLimit: 0 }'))
case(P + "proto-dms", "dms: { __proto__: {...} }", im('dms: { __proto__: { historyLimit: -1 } }'))
case(P + "proto-null", "channels.imessage.__proto__: null", im('__proto__: null'))
case(P + "proto-string", "channels.imessage.__proto__: \"x\"", im('__proto__: "x"'))
case(P + "hasownproperty", "hasOwnProperty as an account id", im('accounts: { hasOwnProperty: { enabled: true } }'))

# ---------------------------------------------------------------- surroundings: root not an object
case("root-array", "root is an array", "[]")
case("root-array-of-config", "root is an array holding a config", '[{ channels: {} }]')
case("root-string", "root is a string", '"channels"')
case("root-number", "root is a number", "42")
case("root-null", "root is null", "null")
case("root-true", "root is true", "true")
raw("root-empty-file", "")
raw("root-whitespace-only", "   \n\t\n")
case("root-only-comments", "only comments, no value", "/* nothing */")

# ---------------------------------------------------------------- surroundings: root keys / channel ids
case("plugins-disabled-plugin-channel", "plugins.enabled false: is a plugin-only channel id (matrix) still accepted?", '{ plugins: { enabled: false }, channels: { matrix: {} } }')
case("plugins-deny-imessage", "plugins.deny [\"imessage\"] does not affect channels.imessage validation", '{ plugins: { deny: ["imessage"] }, channels: { imessage: { textChunkLimit: 0 } } }')
case("proto-agents-list-id", "__proto__ supplying a required key (agents.list[].id): is it seen?", '{ agents: { list: [{ __proto__: { id: "x" } }] } }')
case("proto-root-only", "a root object whose only key is __proto__", '{ __proto__: {} }')
case("root-unknown-channel-typo", "typo of channels at the root", "{ channel: { imessage: {} } }")
case("root-unknown-agent", "legacy agent key at the root", "{ agent: {} }")
case("root-unknown-two", "two unknown root keys", "{ foo: 1, bar: 2 }")
case("root-unknown-plus-imessage-error", "unknown root key plus a channels.imessage error (both zod, both reported?)", '{ foo: 1, channels: { imessage: { textChunkLimit: 0 } } }')
case("root-schema-key", "$schema at the root is allowed", '{ $schema: "https://example.com/schema.json", channels: { imessage: {} } }')
case("root-meta", "meta at the root", '{ meta: { lastTouchedVersion: "2026.3.24", lastTouchedAt: 0 } }')
case("channels-imsg", "channels.imsg: the plugin alias is not a config key", "{ channels: { imsg: { enabled: true } } }")
case("channels-imessage-camel", "channels.iMessage (case-sensitive)", "{ channels: { iMessage: { enabled: true } } }")
case("channels-bogus", "channels.bogus", "{ channels: { bogus: {} } }")
case("channels-imessage-padded-key", "channels[\" imessage\"]: trimmed for the channel-id check, but not validated by zod",
     '{ channels: { " imessage": { textChunkLimit: "not validated" } } }')
case("channels-empty-key", "channels[\"\"]: empty keys are skipped", '{ channels: { "": 1 } }')
case("channels-bluebubbles", "channels.bluebubbles (schema key)", "{ channels: { bluebubbles: {} } }")
case("channels-plugin-id", "channels.matrix (plugin manifest channel id, no zod)", '{ channels: { matrix: { anything: [1, 2] } } }')
case("channels-defaults-valid", "channels.defaults.groupPolicy valid", '{ channels: { defaults: { groupPolicy: "open", heartbeat: { showOk: true } } } }')
case("channels-defaults-invalid", "channels.defaults.groupPolicy bogus", '{ channels: { defaults: { groupPolicy: "pairing" } } }')
case("channels-defaults-wrong-case", "channels.defaults.groupPolicy wrong case", '{ channels: { defaults: { groupPolicy: "Open" } } }')
case("channels-modelbychannel-valid", "channels.modelByChannel valid", '{ channels: { modelByChannel: { imessage: { "42": "anthropic/claude" } } } }')
case("channels-modelbychannel-invalid", "channels.modelByChannel inner value must be a record", '{ channels: { modelByChannel: { imessage: "x" } } }')
case("channels-modelbychannel-number", "channels.modelByChannel leaf must be a string", '{ channels: { modelByChannel: { imessage: { a: 1 } } } }')
case("legacy-root-imessage-and-channels", "legacy top-level imessage together with channels.imessage", '{ imessage: {}, channels: { imessage: { enabled: true } } }')
case("legacy-root-imessage-null", "legacy top-level imessage: null", "{ imessage: null }")
case("legacy-root-heartbeat", "top-level heartbeat is a legacy path", "{ heartbeat: { showOk: true } }")
case("legacy-two-rules", "two legacy rules at once (order)", "{ identity: {}, imessage: {} }")
case("imessage-array", "channels.imessage is an array", "{ channels: { imessage: [] } }")
case("imessage-string", "channels.imessage is a string", '{ channels: { imessage: "on" } }')
case("imessage-true", "channels.imessage is true", "{ channels: { imessage: true } }")
case("channels-array", "channels is an array", "{ channels: [] }")
case("channels-string", "channels is a string", '{ channels: "imessage" }')
case("accounts-array", "accounts: []", im("accounts: []"))
case("account-string", "an account entry that is a string", im('accounts: { a: "" }'))
case("account-array", "an account entry that is an array", im('accounts: { a: [] }'))
case("account-key-empty", "account key \"\"", im('accounts: { "": { enabled: true } }'))
case("account-key-capital", "account key \"Bot\"", im('accounts: { Bot: { enabled: true } }'))
case("account-key-space", "account key \"my bot\"", im('accounts: { "my bot": { enabled: true } }'))
case("account-key-default", "account key \"default\" plus defaultAccount pointing nowhere (not validated)", im('defaultAccount: "nope", accounts: { default: {} }'))
case("account-key-error-path", "error inside account \"my bot\": how the path looks", im('accounts: { "my bot": { textChunkLimit: 0 } }'))
case("account-key-empty-error-path", "error inside account \"\": how the path looks", im('accounts: { "": { textChunkLimit: 0 } }'))

# ---------------------------------------------------------------- global keys
G = "global-"
case(G + "agents-mention-valid", "agents.list[].groupChat.mentionPatterns valid", '{ agents: { list: [{ id: "main", groupChat: { mentionPatterns: ["@bot", "(?i)hey bot"] } }] } }')
case(G + "agents-mention-not-array", "agents.list[].groupChat.mentionPatterns is a string", '{ agents: { list: [{ id: "main", groupChat: { mentionPatterns: "@bot" } }] } }')
case(G + "agents-mention-number-entry", "agents.list[].groupChat.mentionPatterns with a number entry", '{ agents: { list: [{ id: "main", groupChat: { mentionPatterns: ["@bot", 5] } }] } }')
case(G + "agents-mention-bad-regex", "an invalid regex in mentionPatterns (not checked by the schema?)", '{ agents: { list: [{ id: "main", groupChat: { mentionPatterns: ["(unclosed"] } }] } }')
case(G + "agents-missing-id", "agents.list entry without id", '{ agents: { list: [{ groupChat: { mentionPatterns: [] } }] } }')
case(G + "agents-unknown-key", "unknown key in agents.list entry", '{ agents: { list: [{ id: "main", mentions: [] }] } }')
case(G + "agents-groupchat-unknown", "unknown key in agents.list[].groupChat", '{ agents: { list: [{ id: "main", groupChat: { requireMention: true } }] } }')
case(G + "agents-list-object", "agents.list is an object", '{ agents: { list: { main: {} } } }')
case(G + "messages-mention-valid", "messages.groupChat.mentionPatterns valid", '{ messages: { groupChat: { mentionPatterns: ["@bot"] } } }')
case(G + "messages-mention-invalid", "messages.groupChat.mentionPatterns not an array", '{ messages: { groupChat: { mentionPatterns: { a: 1 } } } }')
for slug, v in [("zero", "0"), ("neg1", "-1"), ("1p5", "1.5"), ("valid", "50")]:
    case(G + "messages-historylimit-" + slug, "messages.groupChat.historyLimit = %s (int > 0)" % v, '{ messages: { groupChat: { historyLimit: %s } } }' % v)
case(G + "messages-responseprefix-string", "messages.responsePrefix string", '{ messages: { responsePrefix: "auto" } }')
case(G + "messages-responseprefix-number", "messages.responsePrefix number", '{ messages: { responsePrefix: 1 } }')
case(G + "messages-unknown", "unknown key in messages (strict)", '{ messages: { prefix: "x" } }')
case(G + "messages-inbound-valid", "messages.inbound.debounceMs 0 and byChannel.imessage", '{ messages: { inbound: { debounceMs: 0, byChannel: { imessage: 500 } } } }')
case(G + "messages-inbound-negative", "messages.inbound.debounceMs -1", '{ messages: { inbound: { debounceMs: -1 } } }')
case(G + "messages-inbound-string", "messages.inbound.debounceMs string", '{ messages: { inbound: { debounceMs: "500" } } }')
case(G + "messages-inbound-bychannel-bad", "messages.inbound.byChannel.imessage 1.5", '{ messages: { inbound: { byChannel: { imessage: 1.5 } } } }')
for v in ["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]:
    case(G + "session-dmscope-" + v, "session.dmScope %s" % v, '{ session: { dmScope: "%s" } }' % v)
case(G + "session-dmscope-bogus", "session.dmScope bogus", '{ session: { dmScope: "per-sender" } }')
case(G + "session-dmscope-number", "session.dmScope number", '{ session: { dmScope: 1 } }')
case(G + "session-identitylinks", "session.identityLinks valid and an invalid entry", '{ session: { identityLinks: { alice: ["imessage:+1555"], bob: "x" } } }')
case(G + "commands-bool", "commands.config / useAccessGroups booleans", '{ commands: { config: true, useAccessGroups: false } }')
case(G + "commands-config-string", "commands.config string", '{ commands: { config: "true" } }')
case(G + "commands-useaccessgroups-string", "commands.useAccessGroups string", '{ commands: { useAccessGroups: "no" } }')
case(G + "commands-unknown", "unknown key in commands", '{ commands: { configWrites: true } }')
case(G + "bindings-valid", "bindings[] route for imessage with accountId and peer", '{ bindings: [{ agentId: "main", match: { channel: "imessage", accountId: "work", peer: { kind: "direct", id: "+15551234567" } } }] }')
case(G + "bindings-peer-dm-kind", "bindings[] peer.kind dm and channel are accepted too", '{ bindings: [{ agentId: "a", match: { channel: "imessage", peer: { kind: "dm", id: "x" } } }, { agentId: "b", match: { channel: "imessage", peer: { kind: "channel", id: "y" } } }] }')
case(G + "bindings-bad-type", "bindings[] type bogus", '{ bindings: [{ type: "router", agentId: "main", match: { channel: "imessage" } }] }')
case(G + "bindings-two-bad", "multi-error: two bad bindings entries", '{ bindings: [{ agentId: 1, match: { channel: "imessage" } }, { agentId: "x", match: { channel: 5 } }] }')
case(G + "bindings-group-peer", "bindings[] with a group peer id (chat_id string)", '{ bindings: [{ type: "route", agentId: "main", comment: "x", match: { channel: "imessage", peer: { kind: "group", id: "42" } } }] }')
case(G + "bindings-bad-peer-kind", "bindings[] with peer.kind bogus", '{ bindings: [{ agentId: "main", match: { channel: "imessage", peer: { kind: "person", id: "x" } } }] }')
case(G + "bindings-missing-match", "bindings[] without match", '{ bindings: [{ agentId: "main" }] }')
case(G + "bindings-accountid-number", "bindings[] match.accountId number", '{ bindings: [{ agentId: "main", match: { channel: "imessage", accountId: 1 } }] }')
case(G + "bindings-missing-channel", "bindings[] match without channel", '{ bindings: [{ agentId: "main", match: { accountId: "a" } }] }')
case(G + "bindings-unknown-channel", "bindings[] match.channel is not checked against channel ids", '{ bindings: [{ agentId: "main", match: { channel: "imsg" } }] }')
case(G + "bindings-acp-imessage", "ACP binding for imessage is rejected", '{ bindings: [{ type: "acp", agentId: "main", match: { channel: "imessage", peer: { kind: "direct", id: "chat_id:3" } } }] }')
case(G + "bindings-peer-missing-id", "bindings[] peer without id", '{ bindings: [{ agentId: "main", match: { channel: "imessage", peer: { kind: "direct" } } }] }')
case(G + "bindings-not-array", "bindings is an object", '{ bindings: { imessage: "main" } }')
case(G + "bindings-unknown-key", "unknown key in a binding", '{ bindings: [{ agentId: "main", match: { channel: "imessage" }, priority: 1 }] }')

# ---------------------------------------------------------------- $include / ${ENV}
case("env-unset-var", "${UNSET_VAR} in a string: warning, value kept literally", im('cliPath: "${OPENCLAWCFG_SURELY_UNSET_VAR}"'))
case("env-unset-var-in-remotehost", "${UNSET} left literally in remoteHost then fails the refinement?", im('remoteHost: "${OPENCLAWCFG_UNSET_HOST}"'))
case("env-escaped", "$${VAR} escape gives a literal ${VAR} (no warning)", im('responsePrefix: "$${OPENCLAWCFG_UNSET}"'))
case("env-lowercase-not-substituted", "${lower} is not a variable reference", im('responsePrefix: "${lower_case}"'))
case("env-in-key", "${VAR} in a key is not substituted", im('accounts: { "${OPENCLAWCFG_UNSET}": {} }'))
case("env-two-unset", "two unset vars in one config (warning order)", im('cliPath: "${OPENCLAWCFG_A}", dbPath: "${OPENCLAWCFG_B}"'))
case("env-in-array", "${UNSET} in an array entry: warning path format", im('allowFrom: ["${OPENCLAWCFG_UNSET}"]'))
case("env-unset-plus-error", "an unset var plus a zod error: are warnings kept on invalid configs?", im('cliPath: "${OPENCLAWCFG_UNSET}", textChunkLimit: 0'))
case("env-config-vars", "env.vars defines a var used later (applied before substitution?)", '{ env: { vars: { OPENCLAWCFG_X: "/opt/imsg" } }, channels: { imessage: { cliPath: "${OPENCLAWCFG_X}" } } }')
case("include-missing", "$include of a missing file", '{ channels: { imessage: { $include: "./includes/does-not-exist.json5" } } }')
case("include-valid", "$include of a sibling file holding an imessage section", '{ channels: { imessage: { $include: "./includes/imessage-valid.json5" } } }')
case("include-invalid-content", "$include of a file with an invalid value (error path?)", '{ channels: { imessage: { $include: "./includes/imessage-invalid.json5" } } }')
case("include-escape-dir", "$include escaping the config directory", '{ channels: { imessage: { $include: "../oracle-2026.3.24.jsonl" } } }')
case("include-not-string", "$include with a number", '{ channels: { imessage: { $include: 5 } } }')
case("include-sibling-merge", "$include plus sibling keys (deep merge, arrays concatenated)", '{ channels: { imessage: { $include: "./includes/imessage-valid.json5", allowFrom: ["+1999"] } } }')
case("include-parse-error", "$include of a file with a JSON5 syntax error", '{ channels: { imessage: { $include: "./includes/broken.json5.txt" } } }')


# ---------------------------------------------------------------- the keys around the channel (issue 13)
# Every rule OpenClaw 2026.3.24 applies to the global sections the channel reads: env, agents.list,
# agents.defaults, bindings, session, messages, commands, the checks run after zod (identity.avatar,
# shared agentDir) and the legacy keys below the top level (findLegacyConfigIssues).
def g(slug, why, body):
    case("g-" + slug, why, body)


def agents(entry, defaults=None):
    d = ("defaults: %s, " % defaults) if defaults else ""
    return "{ agents: { %slist: [%s] } }" % (d, entry)


# env: z.object({ shellEnv, vars }).catchall(z.string())
g("env-valid", "env: variables, shellEnv and vars", '{ env: { FOO: "x", lower_case: "y", shellEnv: { enabled: true, timeoutMs: 0 }, vars: { A: "1" } } }')
for slug, v in [("number", "1"), ("bool", "true"), ("null", "null"), ("object", "{ a: 1 }"), ("array", '["a"]')]:
    g("env-name-" + slug, "env.<NAME> must be a string: %s" % v, '{ env: { FOO: %s } }' % v)
g("env-empty-key", "env[\"\"] = 5: the path of an empty key", '{ env: { "": 5 } }')
g("env-not-object", "env is a string", '{ env: "FOO=1" }')
g("env-null", "env: null", "{ env: null }")
g("env-shellenv-number", "env.shellEnv is a number", "{ env: { shellEnv: 5 } }")
g("env-shellenv-unknown", "unknown key in env.shellEnv (strict)", "{ env: { shellEnv: { enabled: true, timeout: 5 } } }")
g("env-shellenv-timeout-negative", "env.shellEnv.timeoutMs -1", "{ env: { shellEnv: { timeoutMs: -1 } } }")
g("env-shellenv-timeout-float", "env.shellEnv.timeoutMs 1.5", "{ env: { shellEnv: { timeoutMs: 1.5 } } }")
g("env-shellenv-enabled-string", "env.shellEnv.enabled \"yes\"", '{ env: { shellEnv: { enabled: "yes" } } }')
g("env-vars-array-value", "env.vars value that is a list", '{ env: { vars: { A: ["x"] } } }')
g("env-vars-not-object", "env.vars is a string", '{ env: { vars: "x" } }')
g("env-vars-falsy-values", "falsy env.vars values are skipped by applyConfigEnvVars, then refused by zod", '{ env: { vars: { A: "", B: 0, C: false, D: null } } }')
g("env-name-unset-ref", "an env value holding an unset ${VAR} (substituted like any string)", '{ env: { A: "${OPENCLAWCFG_UNSET_ENVVAL}" } }')
g("env-name-and-vars-errors", "multi-error: env.<NAME> and env.vars errors together", '{ env: { X: 2, vars: { Y: [] }, shellEnv: { enabled: 0 } } }')

# agents.list[] (AgentEntrySchema)
g("agent-all-fields-valid", "every agents.list[] field with a valid value", agents(
    '{ id: "main", default: true, name: "Main", workspace: "/srv/ws", agentDir: "/srv/agent", model: "anthropic/claude", '
    'thinkingDefault: "low", reasoningDefault: "off", fastModeDefault: false, skills: ["a"], memorySearch: {}, '
    'humanDelay: { mode: "natural", minMs: 0, maxMs: 100 }, heartbeat: {}, identity: { name: "Bot", theme: "t", emoji: "B", avatar: "avatar.png" }, '
    'groupChat: { mentionPatterns: ["@bot"], historyLimit: 5 }, subagents: { allowAgents: ["x"], model: { primary: "p", fallbacks: ["f"] }, thinking: "low" }, '
    'sandbox: {}, params: { temperature: 0.5 }, tools: {}, runtime: { type: "embedded" } }'))
for slug, v in [("string", '"yes"'), ("number", "1"), ("null", "null"), ("string-true", '"true"')]:
    g("agent-default-" + slug, "agents.list[].default must be a boolean: %s" % v, agents('{ id: "main", default: %s }' % v))
g("agent-two-defaults", "two agents marked default (a runtime warning, not an error)", agents('{ id: "a", default: true }, { id: "b", default: true }'))
g("agent-default-false", "default: false", agents('{ id: "a", default: false }'))
g("agent-name-number", "agents.list[].name 5", agents('{ id: "a", name: 5 }'))
g("agent-workspace-number", "agents.list[].workspace 5", agents('{ id: "a", workspace: 5 }'))
g("agent-agentdir-bool", "agents.list[].agentDir true", agents('{ id: "a", agentDir: true }'))
g("agent-model-number", "agents.list[].model 5 (string or object)", agents('{ id: "a", model: 5 }'))
g("agent-model-object-valid", "agents.list[].model { primary, fallbacks }", agents('{ id: "a", model: { primary: "x", fallbacks: ["y"] } }'))
g("agent-model-object-unknown", "unknown key in agents.list[].model", agents('{ id: "a", model: { primary: "x", fallback: ["y"] } }'))
g("agent-model-object-bad-primary", "agents.list[].model.primary 5", agents('{ id: "a", model: { primary: 5 } }'))
g("agent-model-array", "agents.list[].model is a list", agents('{ id: "a", model: ["x"] }'))
g("agent-thinking-bogus", "thinkingDefault \"max\"", agents('{ id: "a", thinkingDefault: "max" }'))
g("agent-reasoning-bogus", "reasoningDefault \"auto\"", agents('{ id: "a", reasoningDefault: "auto" }'))
g("agent-fastmode-string", "fastModeDefault \"on\"", agents('{ id: "a", fastModeDefault: "on" }'))
g("agent-skills-string", "skills \"a\"", agents('{ id: "a", skills: "a" }'))
g("agent-skills-number-entry", "skills [\"a\", 1]", agents('{ id: "a", skills: ["a", 1] }'))
g("agent-memorysearch-string", "memorySearch \"x\" (object expected)", agents('{ id: "a", memorySearch: "x" }'))
g("agent-humandelay-bad-mode", "humanDelay.mode \"slow\"", agents('{ id: "a", humanDelay: { mode: "slow" } }'))
g("agent-humandelay-negative", "humanDelay.minMs -1", agents('{ id: "a", humanDelay: { minMs: -1 } }'))
g("agent-humandelay-unknown", "unknown key in humanDelay", agents('{ id: "a", humanDelay: { delayMs: 5 } }'))
g("agent-heartbeat-array", "heartbeat [] (object expected)", agents('{ id: "a", heartbeat: [] }'))
g("agent-subagents-unknown", "unknown key in subagents", agents('{ id: "a", subagents: { maxDepth: 2 } }'))
g("agent-subagents-model-number", "subagents.model 5", agents('{ id: "a", subagents: { model: 5 } }'))
g("agent-sandbox-string", "sandbox \"all\" (object expected)", agents('{ id: "a", sandbox: "all" }'))
g("agent-params-array", "params [] (record expected)", agents('{ id: "a", params: [] }'))
g("agent-tools-string", "tools \"all\" (object expected)", agents('{ id: "a", tools: "all" }'))
g("agent-runtime-acp-valid", "runtime { type: acp, acp: {...} }", agents('{ id: "a", runtime: { type: "acp", acp: { agent: "codex", backend: "b", mode: "oneshot", cwd: "/x" } } }'))
g("agent-runtime-missing-type", "runtime {} (type required in both union members)", agents('{ id: "a", runtime: {} }'))
g("agent-runtime-bad-type", "runtime.type \"remote\"", agents('{ id: "a", runtime: { type: "remote" } }'))
g("agent-runtime-embedded-with-acp", "runtime type embedded with an acp block", agents('{ id: "a", runtime: { type: "embedded", acp: {} } }'))
g("agent-runtime-acp-bad-mode", "runtime.acp.mode \"forever\"", agents('{ id: "a", runtime: { type: "acp", acp: { mode: "forever" } } }'))
g("agent-runtime-acp-unknown", "unknown key in runtime.acp", agents('{ id: "a", runtime: { type: "acp", acp: { agent: "x", timeout: 5 } } }'))
g("agent-runtime-string", "runtime \"embedded\" (object expected)", agents('{ id: "a", runtime: "embedded" }'))
g("agent-identity-name-number", "identity.name 5", agents('{ id: "a", identity: { name: 5 } }'))
g("agent-id-empty", "id \"\" is a string (valid)", agents('{ id: "" }'))
g("agent-entry-null", "agents.list [null]", agents("null"))
g("agent-multi-errors", "multi-error: several agents.list[] fields at once", agents('{ id: "a", default: "no", name: 1, skills: "x", humanDelay: { mode: "x" } }'))

# identity.avatar (validateIdentityAvatar, after zod)
W = 'workspace: "/srv/ws", '
for slug, entry in [
    ("tilde", '{ id: "a", identity: { avatar: "~/a.png" } }'),
    ("file-scheme", '{ id: "a", identity: { avatar: "file:///srv/ws/a.png" } }'),
    ("ftp-scheme", '{ id: "a", identity: { avatar: "ftp://example.com/a.png" } }'),
    ("http-no-slashes", '{ id: "a", identity: { avatar: "http:a.png" } }'),
    ("http", '{ id: "a", identity: { avatar: "http://example.com/a.png" } }'),
    ("https-upper", '{ id: "a", identity: { avatar: "HTTPS://example.com/a.png" } }'),
    ("data", '{ id: "a", identity: { avatar: "data:image/png;base64,AAAA" } }'),
    ("data-upper", '{ id: "a", identity: { avatar: "DATA:text/plain,x" } }'),
    ("relative", '{ id: "a", identity: { avatar: "img/a.png" } }'),
    ("relative-escape", '{ id: "a", identity: { avatar: "../a.png" } }'),
    ("relative-inner-escape", '{ id: "a", identity: { avatar: "img/../../a.png" } }'),
    ("relative-dotdot-name", '{ id: "a", identity: { avatar: "..a.png" } }'),
    ("relative-stays-inside", '{ id: "a", identity: { avatar: "img/../a.png" } }'),
    ("dot", '{ id: "a", identity: { avatar: "." } }'),
    ("blank", '{ id: "a", identity: { avatar: "   " } }'),
    ("padded", '{ id: "a", identity: { avatar: "  img/a.png  " } }'),
    ("windows-drive", '{ id: "a", identity: { avatar: "C:\\\\img\\\\a.png" } }'),
    ("abs-inside", '{ id: "a", ' + W + 'identity: { avatar: "/srv/ws/a.png" } }'),
    ("abs-equals-workspace", '{ id: "a", ' + W + 'identity: { avatar: "/srv/ws" } }'),
    ("abs-dotdot-inside", '{ id: "a", ' + W + 'identity: { avatar: "/srv/ws/x/../a.png" } }'),
    ("abs-outside", '{ id: "a", ' + W + 'identity: { avatar: "/etc/a.png" } }'),
    ("abs-sibling-prefix", '{ id: "a", ' + W + 'identity: { avatar: "/srv/ws2/a.png" } }'),
    ("abs-dotdot-out", '{ id: "a", ' + W + 'identity: { avatar: "/srv/ws/../a.png" } }'),
    ("abs-dotdot-name", '{ id: "a", ' + W + 'identity: { avatar: "/srv/ws/..a.png" } }'),
    ("workspace-trailing-slash", '{ id: "a", workspace: "/srv/ws/", identity: { avatar: "/srv/ws/a.png" } }'),
    ("workspace-padded", '{ id: "a", workspace: "  /srv/ws  ", identity: { avatar: "/srv/ws/a.png" } }'),
    ("relative-with-workspace", '{ id: "a", ' + W + 'identity: { avatar: "a.png" } }'),
    ("same-id-first-workspace", '{ id: "a", workspace: "/srv/a" }, { id: "A", workspace: "/srv/b", identity: { avatar: "/srv/b/x.png" } }'),
    ("two-agents-each-outside", '{ id: "a", workspace: "/srv/a", identity: { avatar: "/srv/b/x.png" } }, { id: "b", workspace: "/srv/b", identity: { avatar: "/srv/a/x.png" } }'),
]:
    g("avatar-" + slug, "agents.list[].identity.avatar: " + slug, agents(entry))
g("avatar-defaults-workspace-inside", "the default agent uses agents.defaults.workspace", agents('{ id: "a", identity: { avatar: "/srv/ws/a.png" } }', '{ workspace: "/srv/ws" }'))
g("avatar-defaults-workspace-outside", "the default agent, agents.defaults.workspace, an avatar outside it", agents('{ id: "a", identity: { avatar: "/etc/a.png" } }', '{ workspace: "/srv/ws" }'))
g("avatar-own-workspace-over-defaults", "an agent's own workspace wins over agents.defaults.workspace", agents('{ id: "a", workspace: "/srv/own", identity: { avatar: "/srv/ws/a.png" } }', '{ workspace: "/srv/ws" }'))

# shared agentDir (findDuplicateAgentDirs, after zod)
for slug, entries in [
    ("shared", '{ id: "a", agentDir: "/srv/agent" }, { id: "b", agentDir: "/srv/agent" }'),
    ("shared-cleaned", '{ id: "a", agentDir: "/srv/agent" }, { id: "b", agentDir: "/srv//x/../agent/" }'),
    ("shared-three", '{ id: "a", agentDir: "/srv/agent" }, { id: "b", agentDir: "/srv/agent" }, { id: "c", agentDir: "/srv/agent" }'),
    ("distinct", '{ id: "a", agentDir: "/srv/a" }, { id: "b", agentDir: "/srv/b" }'),
    ("same-id-twice", '{ id: "a", agentDir: "/srv/agent" }, { id: "a", agentDir: "/srv/agent" }'),
    ("same-normalised-id", '{ id: "a", agentDir: "/srv/agent" }, { id: "A", agentDir: "/srv/agent" }'),
    ("case-differs", '{ id: "a", agentDir: "/srv/Agent" }, { id: "b", agentDir: "/srv/agent" }'),
    ("relative-shared", '{ id: "a", agentDir: "agent" }, { id: "b", agentDir: "./agent" }'),
    ("tilde-shared", '{ id: "a", agentDir: "~/agent" }, { id: "b", agentDir: "~/agent/" }'),
    ("blank", '{ id: "a", agentDir: "  " }, { id: "b", agentDir: "" }'),
    ("padded-shared", '{ id: "a", agentDir: " /srv/agent" }, { id: "b", agentDir: "/srv/agent " }'),
]:
    g("agentdir-" + slug, "agents.list[].agentDir: " + slug, agents(entries))

# agents.defaults (AgentDefaultsSchema)
D = lambda body: "{ agents: { defaults: %s } }" % body
g("defaults-groupchat-mentions", "agents.defaults.groupChat.mentionPatterns: no such key", D('{ groupChat: { mentionPatterns: ["@bot"] } }'))
g("defaults-groupchat-historylimit", "agents.defaults.groupChat.historyLimit: no such key", D("{ groupChat: { historyLimit: 5 } }"))
g("defaults-groupchat-empty", "agents.defaults.groupChat: {}", D("{ groupChat: {} }"))
g("defaults-read-by-channel-valid", "agents.defaults.humanDelay and mediaMaxMb (read by the channel)", D('{ humanDelay: { mode: "custom", minMs: 100, maxMs: 500 }, mediaMaxMb: 8.5, workspace: "/srv/ws" }'))
g("defaults-simple-valid", "agents.defaults: every plain key with a valid value", D(
    '{ model: "a/b", imageModel: { primary: "i" }, imageGenerationModel: "g", pdfModel: "p", pdfMaxBytesMb: 1.5, pdfMaxPages: 3, '
    'models: { "a/b": { alias: "ab", params: { x: 1 }, streaming: true } }, repoRoot: "/r", skipBootstrap: true, bootstrapMaxChars: 1, '
    'bootstrapTotalMaxChars: 2, bootstrapPromptTruncationWarning: "once", userTimezone: "UTC", timeFormat: "24", envelopeTimezone: "utc", '
    'envelopeTimestamp: "on", envelopeElapsed: "off", contextTokens: 1000, cliBackends: {}, memorySearch: {}, contextPruning: {}, '
    'compaction: {}, embeddedPi: {}, thinkingDefault: "adaptive", verboseDefault: "full", elevatedDefault: "ask", '
    'blockStreamingDefault: "on", blockStreamingBreak: "message_end", blockStreamingChunk: { minChars: 1, maxChars: 2, breakPreference: "sentence" }, '
    'blockStreamingCoalesce: { minChars: 1, maxChars: 2, idleMs: 0 }, timeoutSeconds: 60, imageMaxDimensionPx: 512, typingIntervalSeconds: 3, '
    'typingMode: "instant", heartbeat: {}, maxConcurrent: 2, subagents: {}, sandbox: {} }'))
g("defaults-humandelay-bad", "agents.defaults.humanDelay.mode \"x\"", D('{ humanDelay: { mode: "x" } }'))
g("defaults-humandelay-float", "agents.defaults.humanDelay.maxMs 1.5", D("{ humanDelay: { maxMs: 1.5 } }"))
g("defaults-mediamaxmb-zero", "agents.defaults.mediaMaxMb 0", D("{ mediaMaxMb: 0 }"))
g("defaults-mediamaxmb-string", "agents.defaults.mediaMaxMb \"8\"", D('{ mediaMaxMb: "8" }'))
g("defaults-unknown-key", "agents.defaults.workspaceDir: no such key", D('{ workspaceDir: "/x" }'))
g("defaults-not-object", "agents.defaults \"x\"", D('"x"'))
g("defaults-null", "agents.defaults null", D("null"))
g("defaults-timeformat-number", "agents.defaults.timeFormat 12 (the literal is a string)", D("{ timeFormat: 12 }"))
g("defaults-verbose-bogus", "agents.defaults.verboseDefault \"yes\"", D('{ verboseDefault: "yes" }'))
g("defaults-chunk-bad-break", "agents.defaults.blockStreamingChunk.breakPreference \"word\"", D('{ blockStreamingChunk: { breakPreference: "word" } }'))
g("defaults-coalesce-unknown", "unknown key in agents.defaults.blockStreamingCoalesce", D("{ blockStreamingCoalesce: { idle: 5 } }"))
g("defaults-models-entry-unknown", "unknown key in agents.defaults.models.<id>", D('{ models: { "a/b": { alias: "x", weight: 1 } } }'))
g("defaults-typingmode-bogus", "agents.defaults.typingMode \"always\"", D('{ typingMode: "always" }'))
g("defaults-contexttokens-zero", "agents.defaults.contextTokens 0", D("{ contextTokens: 0 }"))
g("defaults-model-number", "agents.defaults.model 5", D("{ model: 5 }"))
g("defaults-subagents-string", "agents.defaults.subagents \"x\" (object expected)", D('{ subagents: "x" }'))
g("defaults-multi", "multi-error: agents.defaults and agents.list errors together", '{ agents: { defaults: { groupChat: {}, mediaMaxMb: -1 }, list: [{ id: "a", default: "x" }] } }')

# bindings: a route binding and an ACP binding are a union of two strict objects
B = lambda body: "{ bindings: [%s] }" % body
DISCORD = 'match: { channel: "discord", peer: { kind: "direct", id: "123" } }'
g("binding-route-acp-block", "a route binding with an acp block", B('{ type: "route", agentId: "main", match: { channel: "imessage" }, acp: { mode: "persistent" } }'))
g("binding-untyped-acp-block", "an untyped (route) binding with an acp block", B('{ agentId: "main", match: { channel: "imessage" }, acp: { mode: "persistent" } }'))
g("binding-route-acp-empty", "a route binding with acp: {}", B('{ agentId: "main", match: { channel: "imessage" }, acp: {} }'))
g("binding-route-acp-bad-mode", "a route binding with an acp block holding a bad mode", B('{ agentId: "main", match: { channel: "imessage" }, acp: { mode: "x" } }'))
g("binding-acp-discord-valid", "an ACP binding for discord with every acp key", B('{ type: "acp", agentId: "main", %s, acp: { mode: "persistent", label: "x", cwd: "/x", backend: "b" } }' % DISCORD))
g("binding-acp-mode-bogus", "acp.mode \"bogus\" (both union members fail)", B('{ type: "acp", agentId: "main", %s, acp: { mode: "bogus" } }' % DISCORD))
g("binding-acp-unknown-key", "unknown key in acp", B('{ type: "acp", agentId: "main", %s, acp: { timeout: 1 } }' % DISCORD))
g("binding-acp-label-number", "acp.label 5", B('{ type: "acp", agentId: "main", %s, acp: { label: 5 } }' % DISCORD))
g("binding-acp-not-object", "acp \"persistent\" (object expected)", B('{ type: "acp", agentId: "main", %s, acp: "persistent" }' % DISCORD))
for slug, ch, kind, pid in [
    ("telegram-valid", "telegram", "group", "-1001234567890:topic:42"),
    ("telegram-bad", "telegram", "group", "-1001234567890"),
    ("telegram-positive", "telegram", "group", "1001234567890:topic:42"),
    ("telegram-padded", "telegram", "group", " -100:topic:1 "),
    ("feishu-direct-valid", "feishu", "direct", "ou_abc"),
    ("feishu-dm-valid", "feishu", "dm", "u1"),
    ("feishu-direct-oc", "feishu", "direct", "oc_abc"),
    ("feishu-direct-on", "feishu", "direct", "on_abc"),
    ("feishu-direct-colon", "feishu", "direct", "a:b"),
    ("feishu-group-topic-valid", "feishu", "group", "oc_g:topic:om_r"),
    ("feishu-group-sender-valid", "feishu", "group", "oc_g:topic:om_r:sender:ou_x"),
    ("feishu-group-bad", "feishu", "group", "oc_g"),
    ("feishu-group-sender-bad", "feishu", "group", "oc_g:topic:om_r:sender:x"),
    ("feishu-channel-kind", "feishu", "channel", "x"),
    ("discord-any-id", "discord", "channel", "anything:goes"),
    ("channel-case", " Discord ", "direct", "1"),
    ("slack", "slack", "direct", "U1"),
]:
    g("binding-acp-" + slug, "ACP binding %s %s %s" % (ch, kind, pid), B('{ type: "acp", agentId: "main", match: { channel: "%s", peer: { kind: "%s", id: "%s" } } }' % (ch, kind, pid)))
g("binding-acp-discord-no-peer", "ACP binding for discord without a peer", B('{ type: "acp", agentId: "main", match: { channel: "discord" } }'))
g("binding-acp-discord-blank-id", "ACP binding for discord with a blank peer id", B('{ type: "acp", agentId: "main", match: { channel: "discord", peer: { kind: "direct", id: "  " } } }'))
g("binding-acp-slack-no-peer", "ACP binding for slack without a peer (the peer rule comes first)", B('{ type: "acp", agentId: "main", match: { channel: "slack" } }'))
g("binding-acp-no-match", "ACP binding without match", B('{ type: "acp", agentId: "main" }'))
g("binding-acp-unknown-and-refine", "ACP binding with an unknown key: the refinement still runs", B('{ type: "acp", agentId: "main", match: { channel: "imessage", peer: { kind: "direct", id: "x" } }, priority: 1 }'))
g("binding-route-explicit-valid", "type: \"route\" spelled out", B('{ type: "route", agentId: "main", match: { channel: "imessage", accountId: "*" } }'))
g("binding-dead-guild", "an imessage binding with guildId: valid, never matches (lint)", B('{ agentId: "main", match: { channel: "imessage", guildId: "123" } }'))
g("binding-dead-team", "an imessage binding with teamId: valid, never matches (lint)", B('{ agentId: "main", match: { channel: "imessage", teamId: "T1" } }'))
g("binding-dead-roles", "an imessage binding with roles: valid, never matches (lint)", B('{ agentId: "main", match: { channel: "imessage", roles: ["admin"] } }'))
g("binding-empty-roles", "an imessage binding with roles: [] (matches)", B('{ agentId: "main", match: { channel: "imessage", roles: [] } }'))
g("binding-roles-not-array", "match.roles \"admin\"", B('{ agentId: "main", match: { channel: "imessage", roles: "admin" } }'))
g("binding-roles-number-entry", "match.roles [1]", B('{ agentId: "main", match: { channel: "imessage", roles: [1] } }'))
g("binding-guildid-number", "match.guildId 123", B('{ agentId: "main", match: { channel: "imessage", guildId: 123 } }'))
g("binding-comment-number", "comment 5", B('{ agentId: "main", comment: 5, match: { channel: "imessage" } }'))
g("binding-entry-null", "bindings [null]", B("null"))

# session (SessionSchema)
S = lambda body: "{ session: %s }" % body
g("session-all-valid", "every session key with a valid value", S(
    '{ scope: "per-sender", dmScope: "main", identityLinks: { a: ["imessage:+1"] }, resetTriggers: ["/new"], idleMinutes: 60, '
    'reset: { mode: "daily", atHour: 4 }, resetByType: { direct: { mode: "idle", idleMinutes: 30 }, dm: {}, group: {}, thread: { atHour: 0 } }, '
    'resetByChannel: { imessage: { mode: "idle" } }, store: "/x", typingIntervalSeconds: 5, typingMode: "thinking", parentForkMaxTokens: 0, '
    'mainKey: "main", sendPolicy: { default: "allow", rules: [{ action: "deny", match: { channel: "imessage", chatType: "group", keyPrefix: "a", rawKeyPrefix: "b" } }] }, '
    'agentToAgent: { maxPingPongTurns: 5 }, threadBindings: { enabled: true, idleHours: 0, maxAgeHours: 1.5 }, '
    'maintenance: { mode: "warn", pruneAfter: "30d", pruneDays: 1, maxEntries: 10, rotateBytes: "10mb", resetArchiveRetention: false, maxDiskBytes: 1000, highWaterBytes: "1.5gb" } }'))
for slug, body in [
    ("scope-bogus", '{ scope: "per-peer" }'),
    ("resettriggers-string", '{ resetTriggers: "/new" }'),
    ("idleminutes-zero", "{ idleMinutes: 0 }"),
    ("reset-athour-24", "{ reset: { atHour: 24 } }"),
    ("reset-athour-negative", "{ reset: { atHour: -1 } }"),
    ("reset-mode-bogus", '{ reset: { mode: "weekly" } }'),
    ("reset-unknown", '{ reset: { at: "04:00" } }'),
    ("resetbytype-unknown-type", "{ resetByType: { channel: {} } }"),
    ("resetbychannel-string", '{ resetByChannel: { imessage: "daily" } }'),
    ("typingmode-bogus", '{ typingMode: "always" }'),
    ("typinginterval-float", "{ typingIntervalSeconds: 1.5 }"),
    ("parentfork-negative", "{ parentForkMaxTokens: -1 }"),
    ("mainkey-number", "{ mainKey: 1 }"),
    ("store-number", "{ store: 1 }"),
    ("sendpolicy-bad-default", '{ sendPolicy: { default: "block" } }'),
    ("sendpolicy-rule-missing-action", '{ sendPolicy: { rules: [{ match: { channel: "imessage" } }] } }'),
    ("sendpolicy-rule-bad-chattype", '{ sendPolicy: { rules: [{ action: "deny", match: { chatType: "private" } }] } }'),
    ("sendpolicy-rule-unknown-match-key", '{ sendPolicy: { rules: [{ action: "deny", match: { peer: "x" } }] } }'),
    ("sendpolicy-rules-object", '{ sendPolicy: { rules: { a: { action: "deny" } } } }'),
    ("agenttoagent-6", "{ agentToAgent: { maxPingPongTurns: 6 } }"),
    ("threadbindings-idle-negative", "{ threadBindings: { idleHours: -1 } }"),
    ("threadbindings-unknown", "{ threadBindings: { ttl: 1 } }"),
    ("threadbindings-array", "{ threadBindings: [] }"),
    ("threadbindings-enabled-string", '{ threadBindings: { enabled: "yes" } }'),
    ("threadbindings-ttlhours", "{ threadBindings: { ttlHours: 24 } }"),
    ("threadbindings-ttlhours-with-idle", "{ threadBindings: { ttlHours: 24, idleHours: 12 } }"),
    ("threadbindings-ttlhours-null", "{ threadBindings: { ttlHours: null } }"),
    ("threadbindings-ttlhours-plus-zod", '{ threadBindings: { ttlHours: 24 }, dmScope: "x" }'),
]:
    g("session-" + slug, "session: " + body, S(body))
for slug, key, v in [
    ("duration-bad", "pruneAfter", '"thirty days"'),
    ("duration-combo", "pruneAfter", '"1h30m"'),
    ("duration-number", "pruneAfter", "30"),
    ("duration-fraction-number", "pruneAfter", "0.5"),
    ("duration-negative-number", "pruneAfter", "-1"),
    ("duration-exponent", "pruneAfter", "1e21"),
    ("duration-tiny", "pruneAfter", "1e-7"),
    ("duration-upper", "pruneAfter", '"30D"'),
    ("duration-empty", "pruneAfter", '""'),
    ("duration-space", "pruneAfter", '"1h 30m"'),
    ("duration-fraction", "pruneAfter", '"1.5h"'),
    ("duration-dot-unit", "pruneAfter", '"1.h"'),
    ("duration-ms", "pruneAfter", '"500ms"'),
    ("duration-ms-then-s", "pruneAfter", '"1m5s"'),
    ("duration-unit-only", "pruneAfter", '"h"'),
    ("duration-padded", "pruneAfter", '"  2d  "'),
    ("duration-week", "pruneAfter", '"1w"'),
    ("duration-bool", "pruneAfter", "true"),
    ("size-bad-space", "rotateBytes", '"10 mb"'),
    ("size-k", "rotateBytes", '"10k"'),
    ("size-kib", "rotateBytes", '"10kib"'),
    ("size-kelvin", "rotateBytes", '"10\\u212Ab"'),
    ("size-upper", "maxDiskBytes", '"2GB"'),
    ("size-fraction", "highWaterBytes", '"1.5t"'),
    ("size-negative", "maxDiskBytes", "-5"),
    ("size-empty", "highWaterBytes", '""'),
    ("size-unit-only", "rotateBytes", '"mb"'),
    ("retention-true", "resetArchiveRetention", "true"),
    ("retention-false", "resetArchiveRetention", "false"),
    ("retention-bad", "resetArchiveRetention", '"forever"'),
    ("retention-number", "resetArchiveRetention", "14"),
    ("mode-bogus", "mode", '"strict"'),
    ("prunedays-zero", "pruneDays", "0"),
    ("maxentries-float", "maxEntries", "1.5"),
]:
    g("session-maintenance-" + slug, "session.maintenance.%s = %s" % (key, v), S("{ maintenance: { %s: %s } }" % (key, v)))
g("session-maintenance-multi", "multi-error: several maintenance values OpenClaw cannot parse", S('{ maintenance: { pruneAfter: "x", rotateBytes: "y", resetArchiveRetention: "z", maxDiskBytes: "1 gb", highWaterBytes: "q" } }'))
g("session-maintenance-type-and-refine", "a maintenance type error hides the duration check (zod skips the refinement)", S('{ maintenance: { mode: "bogus", pruneAfter: "x" } }'))
g("session-maintenance-unknown-and-refine", "an unknown maintenance key does not hide the duration check", S('{ maintenance: { prune: 1, pruneAfter: "x" } }'))

# messages (MessagesSchema)
M = lambda body: "{ messages: %s }" % body
g("messages-all-valid", "every messages key with a valid value", M(
    '{ messagePrefix: "x", responsePrefix: "y", groupChat: { mentionPatterns: [], historyLimit: 1 }, '
    'queue: { mode: "collect", byChannel: { imessage: "steer+backlog", webchat: "queue", whatsapp: "interrupt" }, debounceMs: 0, debounceMsByChannel: { imessage: 100 }, cap: 1, drop: "summarize" }, '
    'inbound: { debounceMs: 0 }, ackReaction: "eyes", ackReactionScope: "group-mentions", removeAckAfterReply: true, '
    'statusReactions: { enabled: true, emojis: { thinking: "t", compacting: "c" }, timing: { debounceMs: 0, errorHoldMs: 5 } }, suppressToolErrors: false, tts: { auto: "off" } }'))
for slug, body in [
    ("messageprefix-number", "{ messagePrefix: 1 }"),
    ("queue-mode-bogus", '{ queue: { mode: "fifo" } }'),
    ("queue-bychannel-unknown-channel", '{ queue: { byChannel: { bluebubbles: "queue" } } }'),
    ("queue-bychannel-bad-mode", '{ queue: { byChannel: { imessage: "later" } } }'),
    ("queue-cap-zero", "{ queue: { cap: 0 } }"),
    ("queue-drop-bogus", '{ queue: { drop: "all" } }'),
    ("queue-debouncebychannel-float", "{ queue: { debounceMsByChannel: { imessage: 1.5 } } }"),
    ("queue-unknown", "{ queue: { size: 5 } }"),
    ("queue-null", "{ queue: null }"),
    ("ackscope-bogus", '{ ackReactionScope: "groups" }'),
    ("ackreaction-bool", "{ ackReaction: true }"),
    ("removeack-string", '{ removeAckAfterReply: "yes" }'),
    ("statusreactions-unknown-emoji", '{ statusReactions: { emojis: { sleeping: "z" } } }'),
    ("statusreactions-timing-negative", "{ statusReactions: { timing: { stallSoftMs: -1 } } }"),
    ("statusreactions-enabled-number", "{ statusReactions: { enabled: 1 } }"),
    ("suppress-number", "{ suppressToolErrors: 0 }"),
    ("tts-string", '{ tts: "on" }'),
    ("tts-enabled-legacy", "{ tts: { enabled: true } }"),
    ("tts-enabled-false-legacy", "{ tts: { enabled: false } }"),
]:
    g("messages-" + slug, "messages: " + body, M(body))

# commands (CommandsSchema)
C = lambda body: "{ commands: %s }" % body
g("commands-all-valid", "every commands key with a valid value", C(
    '{ native: "auto", nativeSkills: false, text: true, bash: false, bashForegroundMs: 30000, config: true, mcp: true, plugins: false, '
    'debug: true, restart: false, useAccessGroups: true, ownerAllowFrom: ["+15551234567", 15551234567], ownerDisplay: "hash", ownerDisplaySecret: "s", '
    'allowFrom: { imessage: ["+15551234567", 5] } }'))
for slug, body in [
    ("native-string", '{ native: "yes" }'),
    ("native-number", "{ native: 1 }"),
    ("native-true", "{ native: true }"),
    ("nativeskills-auto-upper", '{ nativeSkills: "Auto" }'),
    ("bashfg-too-big", "{ bashForegroundMs: 30001 }"),
    ("bashfg-negative", "{ bashForegroundMs: -1 }"),
    ("bashfg-zero", "{ bashForegroundMs: 0 }"),
    ("ownerallowfrom-bool-entry", "{ ownerAllowFrom: [true] }"),
    ("ownerallowfrom-string", '{ ownerAllowFrom: "+1555" }'),
    ("ownerdisplay-bogus", '{ ownerDisplay: "masked" }'),
    ("ownerdisplaysecret-number", "{ ownerDisplaySecret: 1 }"),
    ("allowfrom-not-array", '{ allowFrom: { imessage: "+1555" } }'),
    ("allowfrom-array", '{ allowFrom: ["+1555"] }'),
    ("allowfrom-null-entry", "{ allowFrom: { imessage: [null] } }"),
    ("text-string", '{ text: "on" }'),
    ("restart-number", "{ restart: 0 }"),
    ("null", "null"),
]:
    g("commands-" + slug, "commands: " + body, C(body))

# legacy keys below the top level (LEGACY_CONFIG_RULES)
L = lambda slug, why, body: g("legacy-" + slug, why, body)
L("routing-bindings", "routing.bindings", '{ routing: { bindings: [{ agentId: "main", match: { channel: "imessage" } }] } }')
L("routing-bindings-with-bindings", "routing.bindings while bindings is set", '{ bindings: [], routing: { bindings: [] } }')
L("routing-bindings-null", "routing.bindings: null still counts", "{ routing: { bindings: null } }")
L("routing-mentionpatterns", "routing.groupChat.mentionPatterns", '{ routing: { groupChat: { mentionPatterns: ["@bot"] } } }')
L("routing-mentionpatterns-with-messages", "routing.groupChat.mentionPatterns while messages.groupChat.mentionPatterns is set", '{ messages: { groupChat: { mentionPatterns: ["@a"] } }, routing: { groupChat: { mentionPatterns: ["@b"] } } }')
L("routing-requiremention", "routing.groupChat.requireMention", "{ routing: { groupChat: { requireMention: true } } }")
L("routing-groupchat-all", "routing.groupChat with requireMention, mentionPatterns and historyLimit", '{ routing: { groupChat: { requireMention: false, mentionPatterns: ["x"], historyLimit: 5 } } }')
L("routing-historylimit", "routing.groupChat.historyLimit alone: no legacy rule, an unknown key", "{ routing: { groupChat: { historyLimit: 5 } } }")
L("routing-empty", "routing: {}: an unknown key", "{ routing: {} }")
L("routing-string", "routing: \"x\": an unknown key", '{ routing: "x" }')
L("routing-array", "routing: [] (no rule finds a key in a list)", "{ routing: [] }")
L("routing-other-rules", "routing.allowFrom, agents, defaultAgentId, agentToAgent, transcribeAudio", '{ routing: { allowFrom: [], agents: {}, defaultAgentId: "x", agentToAgent: {}, transcribeAudio: {} } }')
L("routing-queue", "routing.queue", '{ routing: { queue: { mode: "collect" } } }')
L("routing-plus-imessage-error", "a legacy key hides a channels.imessage error", '{ routing: { bindings: [] }, channels: { imessage: { textChunkLimit: 0 } } }')
L("agent-model-string", "agent.model as a string", '{ agent: { model: "anthropic/claude" } }')
L("agent-model-object", "agent.model as an object: only agent.*", '{ agent: { model: { primary: "x" } } }')
L("agent-all", "agent.imageModel, allowedModels, modelAliases, modelFallbacks, imageModelFallbacks", '{ agent: { imageModel: "x", allowedModels: [], modelAliases: {}, modelFallbacks: [], imageModelFallbacks: [] } }')
L("agent-imagemodel-object", "agent.imageModel as an object: no rule of its own", "{ agent: { imageModel: {} } }")
L("agent-string", "agent: \"x\"", '{ agent: "x" }')
L("telegram-requiremention", "telegram.requireMention", "{ telegram: { requireMention: true } }")
L("tools-bash", "tools.bash", "{ tools: { bash: {} } }")
L("tools-bash-null", "tools.bash: null", "{ tools: { bash: null } }")
L("gateway-token", "gateway.token", '{ gateway: { token: "t" } }')
L("gateway-bind-alias", "gateway.bind 0.0.0.0", '{ gateway: { bind: "0.0.0.0" } }')
L("gateway-bind-alias-padded", "gateway.bind \" LocalHost \"", '{ gateway: { bind: " LocalHost " } }')
L("gateway-bind-ipv6", "gateway.bind [::1]", '{ gateway: { bind: "[::1]" } }')
L("gateway-bind-mode", "gateway.bind \"lan\" is a bind mode", '{ gateway: { bind: "lan" } }')
L("discord-ttl", "channels.discord.threadBindings.ttlHours", "{ channels: { discord: { threadBindings: { ttlHours: 1 } } } }")
L("discord-accounts-ttl", "channels.discord.accounts.<id>.threadBindings.ttlHours", "{ channels: { discord: { accounts: { a: { threadBindings: { ttlHours: 1 } }, b: { threadBindings: { idleHours: 1 } } } } } }")
L("session-ttl-plus-imessage-error", "a legacy key hides a channels.imessage error", "{ session: { threadBindings: { ttlHours: 1 } }, channels: { imessage: { textChunkLimit: 0 } } }")
L("many", "legacy keys in several sections at once (order)", '{ tools: { bash: {} }, routing: { queue: {} }, session: { threadBindings: { ttlHours: 1 } }, agent: { model: "m" } }')
g("open-sections-valid", "the sections of other subsystems are only type-checked: objects with content are accepted",
  '{ agents: { defaults: { heartbeat: { every: "30m" }, sandbox: { mode: "off" }, compaction: { mode: "safeguard" }, memorySearch: { enabled: true }, '
  'cliBackends: { x: { command: "c" } } }, list: [{ id: "a", heartbeat: { every: "1h" }, sandbox: { mode: "all" }, tools: { allow: ["read"] }, '
  'memorySearch: { enabled: false } }] }, messages: { tts: { auto: "off", mode: "final" } } }')
for slug, entries, defaults in [
    ("abs-no-workspace-default", '{ id: "a", identity: { avatar: "/etc/a.png" } }', None),
    ("abs-no-workspace-other", '{ id: "a" }, { id: "b", identity: { avatar: "/etc/a.png" } }', None),
    ("abs-tilde-workspace", '{ id: "a", workspace: "~/ws", identity: { avatar: "/etc/a.png" } }', None),
    ("abs-relative-workspace", '{ id: "a", workspace: "ws", identity: { avatar: "/etc/a.png" } }', None),
    ("abs-defaults-workspace-other-agent", '{ id: "b", identity: { avatar: "/srv/ws/x.png" } }, { id: "a", default: true }', '{ workspace: "/srv/ws" }'),
]:
    g("avatar-" + slug, "an absolute avatar outside a workspace the config names only in part (home, state dir or cwd unknown): " + slug, agents(entries, defaults))

INCLUDES = {
    "imessage-valid.json5": '// included by include-valid / include-sibling-merge\n{ enabled: true, dmPolicy: "allowlist", allowFrom: ["+1555"] }\n',
    "imessage-invalid.json5": '// included by include-invalid-content\n{ textChunkLimit: 0 }\n',
    "broken.json5.txt": '// included by include-parse-error (not a case: wrong extension)\n{ enabled: \n',
}


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "includes"))
    for f in sorted(os.listdir(SEEDS)):
        shutil.copyfile(os.path.join(SEEDS, f), os.path.join(OUT, "seed-" + f))
    slugs = set()
    for i, (slug, comment, body, is_raw) in enumerate(CASES, start=1):
        assert slug not in slugs, slug
        slugs.add(slug)
        name = "%03d-%s.json5" % (i, slug)
        if is_raw:
            content = body
        else:
            content = "// " + comment + "\n" + body + "\n"
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
    for n, c in INCLUDES.items():
        with open(os.path.join(OUT, "includes", n), "w") as fh:
            fh.write(c)
    print(len(CASES), "generated +", len(os.listdir(SEEDS)), "seeds")


main()
