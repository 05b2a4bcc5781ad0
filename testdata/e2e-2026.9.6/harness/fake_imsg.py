#!/usr/bin/env python3
"""A black-box stand-in for `imsg rpc` (wire contract: ../../spec/imsg-rpc.md §9), used by the
runtime e2e oracle (record.sh, replay.sh).

e2e-2026.9.6 copy of /work/shared/oracle/runtime-e2e/fake_imsg.py; changed: made-up times (echo rows,
chats.list) are moved by FAKE_IMSG_TIME_SHIFT_MS (see run-scenario.mjs, "time shift"); send ids are
counted per account across processes (FAKE_IMSG_ID_FILE), and the echo row of a send made by a process
without a subscription is emitted by the account's monitor process (via the controller), as real imsg's
watch would report any new outgoing row.

Two modes:

* Controlled (FAKE_IMSG_CONTROL=<unix socket path>; what run-scenario.mjs uses): the process connects
  to the socket, says hello (pid, argv, --db), reports every request line it reads and every line it
  writes, and emits the messages the controller sends it ({"emit": {...message...}}) as
  `message` notifications to every live subscription of this process. It exits on stdin EOF, or when
  the control socket closes. Messages are passed through as given (the controller fills defaults).
* Standalone (no FAKE_IMSG_CONTROL):
  FAKE_IMSG_SCENARIO  JSONL of message objects to emit after watch.subscribe ({"sleep": s} pauses)
  FAKE_IMSG_SENDS     file to append every `send` params object to (JSONL)
  FAKE_IMSG_LOG       file to append every request line to

Both modes:
  * `rpc --help` prints the imsg help text (OpenClaw's probe); `--version` prints 0.9.0.
  * `send` is validated as imsg 0.9 does (§5.1 subset) and answered
    {"ok":true,"transport":"applescript","id":N,"guid":"G-N"} with N = 50001, 50002, ... per process
    (FAKE_IMSG_SEND_ID_BASE overrides 50000); then, like real imsg, the new outgoing row is emitted as
    an is_from_me:true `message` to every subscription of this process (FAKE_IMSG_ECHO=0 disables).
    The echo's created_at is 2026-05-16T16:00:00.000Z + (N - base) s. The echo's chat is the send's chat_id, else the chat learned from earlier inbound rows of that
    handle, else 1; its sender is the DM handle (`to`) or, for chat sends, FAKE_IMSG_SELF.
  * stderr stays silent; exit 0 on EOF.
"""
import json, os, socket, sys, threading, time

lock = threading.Lock()
args = sys.argv[1:]
if args[:1] == ["--version"]:
    print("0.9.0"); sys.exit(0)
if args[:1] != ["rpc"]:
    print("imsg fake: unknown command " + " ".join(args)); sys.exit(1)
if "--help" in args or "-h" in args:
    print("imsg rpc\nRun JSON-RPC over stdin/stdout\n\nUsage:\n  imsg rpc [options]\n\nOptions:\n"
          "  --db <value>\tPath to chat.db (defaults to ~/Library/Messages/chat.db)\n"
          "  --log-level, --logLevel <value>\tSet log level (trace|verbose|debug|info|warning|error|critical)\n"
          "  -v, --verbose\tEnable verbose logging\n"
          "  --json, -j, --json-output, --jsonOutput\tEmit machine-readable JSON output\n\n"
          "Examples:\n  imsg rpc\n  imsg rpc --db ~/Library/Messages/chat.db")
    sys.exit(0)

db = None
if "--db" in args:
    i = args.index("--db")
    db = args[i + 1] if i + 1 < len(args) else None

SELF = os.environ.get("FAKE_IMSG_SELF", "me@icloud.example")
next_send_id = [int(os.environ.get("FAKE_IMSG_SEND_ID_BASE", "50000"))]
subs = {}            # subscription number -> params
handle_chat = {}     # DM handle -> chat_id, learned from emitted rows
chat_rows = {}       # chat_id -> last emitted row (for echo metadata)
ctl = None           # control socket (controlled mode)
ctl_lock = threading.Lock()


def report(obj):
    if ctl is None:
        return
    data = (json.dumps(obj) + "\n").encode()
    with ctl_lock:
        try:
            ctl.sendall(data)
        except OSError:
            os._exit(0)


def out(obj):
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")
    with lock:
        sys.stdout.write(s + "\n"); sys.stdout.flush()
        report({"type": "out", "t": time.time(), "msg": obj})


# e2e-2026.9.6: every time this fake makes up is moved by FAKE_IMSG_TIME_SHIFT_MS (whole minutes; set by
# run-scenario.mjs so that rows are live for OpenClaw 2026.9.6's stale-backlog fence) and moved back in
# the recordings.
TIME_SHIFT_MS = int(os.environ.get("FAKE_IMSG_TIME_SHIFT_MS", "0") or "0")


def shifted(iso):
    if not TIME_SHIFT_MS:
        return iso
    import datetime
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ") + datetime.timedelta(milliseconds=TIME_SHIFT_MS)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def echo_time(mid):
    # deterministic: 2026-05-16T16:00:00Z plus one second per send id above the base
    n = max(0, mid - int(os.environ.get("FAKE_IMSG_SEND_ID_BASE", "50000")))
    return shifted("2026-05-16T16:%02d:%02d.000Z" % ((n // 60) % 60, n % 60))


def make_echo(p, mid):
    if "chat_id" in p:
        chat = p["chat_id"]
    else:
        chat = handle_chat.get(p.get("to") or "", 1)
    prev = chat_rows.get(chat, {})
    is_group = bool(prev.get("is_group", False))
    sender = p.get("to") or (prev.get("sender") if not is_group else SELF) or SELF
    return {"id": mid, "chat_id": chat, "guid": "G-%d" % mid, "sender": sender, "is_from_me": True,
            "text": p["text"], "created_at": echo_time(mid),
            "attachments": [], "reactions": [],
            "chat_identifier": prev.get("chat_identifier", p.get("to") or "chat%d" % chat),
            "chat_guid": prev.get("chat_guid", "iMessage;-;" + (p.get("to") or "chat%d" % chat)),
            "chat_name": prev.get("chat_name", p.get("to") or ""),
            "participants": prev.get("participants", [p["to"]] if p.get("to") else []),
            "is_group": is_group}


def next_id():
    # e2e-2026.9.6: with FAKE_IMSG_ID_FILE the send ids are counted per account across all imsg
    # processes (like chat.db rowids), in that file under an exclusive lock; else per process.
    path = os.environ.get("FAKE_IMSG_ID_FILE")
    if not path:
        next_send_id[0] += 1
        return next_send_id[0]
    import fcntl
    path = path + "." + (os.path.basename(db)[:-3] if db and db.endswith(".db") else (os.path.basename(db) if db else "default"))
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        cur = f.read().strip()
        n = (int(cur) if cur else int(os.environ.get("FAKE_IMSG_SEND_ID_BASE", "50000"))) + 1
        f.seek(0); f.truncate(); f.write(str(n)); f.flush()
        return n


def learn(m):
    chat = m.get("chat_id")
    if chat is None:
        return
    chat_rows[chat] = m
    if not m.get("is_group") and not m.get("is_from_me") and m.get("sender"):
        handle_chat.setdefault(m["sender"], chat)


def emit(m):
    learn(m)
    for s in list(subs):
        out({"jsonrpc": "2.0", "method": "message", "params": {"subscription": s, "message": m}})


# ---- standalone scenario mode ----
CHATS = {7: "+15550001111", 8: "+15559999999", 42: "chat42", 77: "chat77"}
auto_id = [9000]


def base_msg(m):
    mid = m.get("id")
    if mid is None:
        auto_id[0] += 1; mid = auto_id[0]
    chat = m.get("chat_id", 7)
    is_group = m.get("is_group", chat in (42, 77))
    ident = CHATS.get(chat, "chat%d" % chat)
    return {"id": mid, "chat_id": chat, "guid": "G-%d" % mid, "sender": m.get("sender", ""),
            "is_from_me": m.get("is_from_me", False), "text": m.get("text", ""),
            "created_at": "2026-05-16T15:24:%02d.123Z" % (mid % 60), "attachments": m.get("attachments", []),
            "reactions": [], "chat_identifier": ident,
            "chat_guid": ("iMessage;+;" if is_group else "iMessage;-;") + ident,
            "chat_name": m.get("chat_name", ident), "participants": m.get("participants", [m.get("sender", "")]),
            "is_group": is_group}


def emit_scenario(sub):
    path = os.environ.get("FAKE_IMSG_SCENARIO")
    if not path:
        return
    time.sleep(0.2)
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        m = json.loads(line)
        if "sleep" in m:
            time.sleep(m["sleep"]); continue
        emit(base_msg(m))
        time.sleep(0.05)


def log(path_env, obj):
    p = os.environ.get(path_env)
    if p:
        with open(p, "a") as f:
            f.write(json.dumps(obj) + "\n")


# ---- controlled mode ----
def control_reader():
    buf = b""
    while True:
        try:
            chunk = ctl.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            os._exit(0)  # controller gone: stop, like a killed imsg
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not line.strip():
                continue
            cmd = json.loads(line)
            if "emit" in cmd:
                emit(cmd["emit"])
            elif "echo_send" in cmd:
                emit(make_echo(cmd["echo_send"]["params"], cmd["echo_send"]["id"]))
            elif cmd.get("exit"):
                os._exit(int(cmd.get("code", 0)))


ctl_path = os.environ.get("FAKE_IMSG_CONTROL")
if ctl_path:
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl.connect(ctl_path)
    report({"type": "hello", "pid": os.getpid(), "argv": args, "db": db, "t": time.time()})
    threading.Thread(target=control_reader, daemon=True).start()

for raw in sys.stdin:
    raw = raw.strip()
    if not raw:
        continue
    log("FAKE_IMSG_LOG", {"line": raw})
    try:
        req = json.loads(raw)
    except Exception:
        report({"type": "request", "t": time.time(), "raw": raw, "req": None})
        out({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error", "data": "bad json"}}); continue
    report({"type": "request", "t": time.time(), "raw": raw, "req": req})
    rid = req.get("id"); meth = req.get("method"); p = req.get("params") or {}
    if not isinstance(p, dict):
        p = {}

    def ok(res):
        if "id" in req:
            out({"jsonrpc": "2.0", "id": rid, "result": res})

    def err(code, msg, data):
        out({"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": msg, "data": data}})

    if meth == "chats.list":
        ok({"chats": [{"id": 7, "identifier": "+15550001111", "guid": "iMessage;-;+15550001111", "name": "+15550001111",
                       "service": "iMessage", "last_message_at": shifted("2026-05-16T15:20:00.000Z"),
                       "participants": ["+15550001111"], "is_group": False}]})
    elif meth == "watch.subscribe":
        sub = len(subs) + 1; subs[sub] = p
        ok({"subscription": sub})
        if not ctl:
            threading.Thread(target=emit_scenario, args=(sub,), daemon=True).start()
    elif meth == "watch.unsubscribe":
        if "subscription" not in p:
            err(-32602, "Invalid params", "subscription is required")
        else:
            subs.pop(p.get("subscription"), None); ok({"ok": True})
    elif meth == "send":
        svc = p.get("service", "auto")
        has_chat = ("chat_id" in p) or bool(p.get("chat_identifier")) or bool(p.get("chat_guid"))
        if svc not in ("imessage", "sms", "auto"): err(-32602, "Invalid params", "invalid service"); continue
        if p.get("to") and has_chat: err(-32602, "Invalid params", "use to or chat_*; not both"); continue
        if not p.get("to") and not has_chat: err(-32602, "Invalid params", "to is required for direct sends"); continue
        if not p.get("text") and not p.get("file"): err(-32602, "Invalid params", "text or file is required"); continue
        log("FAKE_IMSG_SENDS", p)
        res = {"ok": True, "transport": "applescript"}
        mid = None
        if p.get("text"):
            mid = next_id()
            res.update({"id": mid, "guid": "G-%d" % mid})
        ok(res)
        if mid is not None and os.environ.get("FAKE_IMSG_ECHO", "1") != "0":
            if subs or not ctl:
                emit(make_echo(p, mid))
            else:
                # e2e-2026.9.6: a send from a process without a subscription (2026.9.6 sends every reply
                # through a one-shot imsg process): real imsg's watch would still see the new row in
                # chat.db, so the controller has the account's monitor process emit the echo.
                report({"type": "echo-forward", "params": p, "id": mid})
    else:
        err(-32601, "Method not found", str(meth))
sys.exit(0)
