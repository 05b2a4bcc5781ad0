"""The goldens' one JSON writer: one object a line, keys in recorded order,
and every character a Go test or a terminal could misread (controls, lone
surrogates, invisible and combining marks) written as its \\u escape, so a
golden diffs and greps as text. Used by scripts/*-goldens.sh."""
import json, math, sys, unicodedata

def esc(c):
    o = ord(c)
    if c == '"': return '\\"'
    if c == "\\": return "\\\\"
    if c == "\n": return "\\n"
    if c == "\t": return "\\t"
    if c == "\r": return "\\r"
    if o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0 or 0xD800 <= o <= 0xDFFF:
        return "\\u%04x" % o
    if o < 0x80:
        return c
    if unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cf", "Cc", "Co", "Cn", "Mn", "Me"):
        if o > 0xFFFF:
            o -= 0x10000
            return "\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF))
        return "\\u%04x" % o
    return c

def dumps(v):
    if v is None: return "null"
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v): raise ValueError("non-finite number")
        return json.dumps(v)
    if isinstance(v, str): return '"' + "".join(esc(c) for c in v) + '"'
    if isinstance(v, list): return "[" + ",".join(dumps(x) for x in v) + "]"
    if isinstance(v, dict): return "{" + ",".join(dumps(k) + ":" + dumps(x) for k, x in v.items()) + "}"
    raise TypeError(type(v))


def write_recorded(path, minimum):
    """Copies a recorder's raw JSONL to stdout through dumps, failing on a
    recorder crash or fewer than minimum cases."""
    n = 0
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        if "crash" in r["out"]:
            sys.exit(f"{r['id']}: the recorder crashed: {r['out']['crash']}")
        sys.stdout.write(dumps(r) + "\n")
        n += 1
    if n < minimum:
        sys.exit(f"only {n} cases recorded")
