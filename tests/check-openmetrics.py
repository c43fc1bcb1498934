#!/usr/bin/python3
"""Strict checks of memtop's metrics documents, independent of memtop's code.

    check-openmetrics.py om|text FILE [--json]

om: OpenMetrics 1.0 text (the ABNF of the specification, the parts memtop uses): UTF-8,
metadata TYPE, UNIT, HELP in that order and before the samples, the unit a suffix of the
name, counters' samples named _total, label values escaped (only \\\\, \\" and \\n), no
family interleaved with another, no label set twice, "# EOF" last.
text: the Prometheus text format 0.0.4: HELP and TYPE, counters named with _total.
Both: every label value is free of control characters and of invisible or bidi code
points (memtop's label encoding), names are memtop_*.

Exit status 0 when the document passes; 1 with one line per problem (at most 20). With
--json, prints the samples as JSON lines: {"name", "labels", "value"}.
"""
import json
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = {"gauge", "counter", "unknown", "info", "stateset", "histogram", "gaugehistogram", "summary"}
INVISIBLE = [(0x80, 0x9F), (0x61C, 0x61C), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
             (0x2060, 0x2064), (0x2066, 0x2069), (0xFEFF, 0xFEFF), (0xE0000, 0xE007F)]


class Bad(Exception):
    pass


def hostile_char(c):
    o = ord(c)
    return o < 0x20 or o == 0x7F or any(lo <= o <= hi for lo, hi in INVISIBLE)


def parse_labels(s, pos):
    """s[pos] == '{': returns (labels, position after '}')."""
    labels = {}
    pos += 1
    if s[pos] == "}":
        return labels, pos + 1
    while True:
        m = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*").match(s, pos)
        if not m:
            raise Bad("bad label name at %r" % s[pos:pos + 20])
        name = m.group(0)
        pos = m.end()
        if s[pos:pos + 2] != '="':
            raise Bad("label %s: expected =\"" % name)
        pos += 2
        val = []
        while True:
            if pos >= len(s):
                raise Bad("label %s: unterminated value" % name)
            c = s[pos]
            if c == "\\":
                nxt = s[pos + 1:pos + 2]
                if nxt not in ("\\", '"', "n"):
                    raise Bad("label %s: bad escape \\%s" % (name, nxt))
                val.append({"\\": "\\", '"': '"', "n": "\n"}[nxt])
                pos += 2
            elif c == '"':
                pos += 1
                break
            elif c == "\n":
                raise Bad("label %s: raw newline" % name)
            else:
                val.append(c)
                pos += 1
        v = "".join(val)
        if name in labels:
            raise Bad("label %s twice" % name)
        if any(hostile_char(ch) for ch in v):
            raise Bad("label %s=%r holds a control or invisible character" % (name, v))
        labels[name] = v
        if s[pos] == ",":
            pos += 1
            continue
        if s[pos] == "}":
            return labels, pos + 1
        raise Bad("label set: expected , or } at %r" % s[pos:pos + 20])


def parse_value(v, om):
    if om and v in ("NaN", "+Inf", "-Inf"):
        return float(v)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", v):
        raise Bad("bad value %r" % v)
    return float(v)


def check(kind, data):
    om = kind == "om"
    problems, samples = [], []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e], samples
    if not text.endswith("\n"):
        problems.append("does not end with a newline")
    lines = text.split("\n")[:-1]
    if om:
        if not lines or lines[-1] != "# EOF":
            problems.append('"# EOF" is not the last line')
        else:
            lines = lines[:-1]
        if "# EOF" in lines:
            problems.append('"# EOF" before the end')
    fams = {}           # name -> {"type", "unit", "help", "meta" order, "samples" seen}
    done = set()        # families finished (another began after them)
    cur = None
    seen = set()        # (sample name, label set)
    for n, line in enumerate(lines, 1):
        try:
            if line.startswith("#"):
                m = re.fullmatch(r"# (TYPE|UNIT|HELP) (\S+)(?: (.*))?", line)
                if not m:
                    raise Bad("bad comment line %r" % line[:60])
                what, name, rest = m.group(1), m.group(2), m.group(3) or ""
                if not NAME.match(name) or not name.startswith("memtop_"):
                    raise Bad("bad family name %r" % name)
                if not om and what == "UNIT":
                    raise Bad("UNIT in the text format")
                if name != cur:
                    if name in fams:
                        raise Bad("family %s interleaved with another" % name)
                    if cur:
                        done.add(cur)
                    cur = name
                    fams[name] = {"meta": [], "samples": 0}
                f = fams[name]
                if f["samples"]:
                    raise Bad("%s: %s after samples" % (name, what))
                if what in f["meta"]:
                    raise Bad("%s: %s twice" % (name, what))
                f["meta"].append(what)
                if om and f["meta"] != [w for w in ("TYPE", "UNIT", "HELP") if w in f["meta"]]:
                    raise Bad("%s: metadata out of order %s" % (name, f["meta"]))
                if what == "TYPE":
                    if rest not in TYPES:
                        raise Bad("%s: type %r" % (name, rest))
                    f["type"] = rest
                    if not om and rest == "counter" and not name.endswith("_total"):
                        raise Bad("%s: a counter's name ends in _total" % name)
                    if om and rest == "counter" and name.endswith("_total"):
                        raise Bad("%s: an OpenMetrics counter family does not end in _total" % name)
                elif what == "UNIT":
                    if not re.fullmatch(r"[a-zA-Z0-9_:]+", rest) or not name.endswith("_" + rest):
                        raise Bad("%s: unit %r is not its suffix" % (name, rest))
                    f["unit"] = rest
                elif what == "HELP":
                    if re.search(r'\\[^\\n"]' if om else r"\\[^\\n]", rest):
                        raise Bad("%s: bad escape in HELP" % name)
                continue
            m = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
            if not m:
                raise Bad("bad sample line %r" % line[:60])
            sname, pos = m.group(0), m.end()
            labels = {}
            if pos < len(line) and line[pos] == "{":
                labels, pos = parse_labels(line, pos)
            if line[pos:pos + 1] != " ":
                raise Bad("%s: expected a space before the value" % sname)
            parts = line[pos + 1:].split(" ")
            if len(parts) not in (1, 2):
                raise Bad("%s: bad value part %r" % (sname, line[pos:]))
            value = parse_value(parts[0], om)
            if cur is None:
                raise Bad("sample %s without metadata" % sname)
            f = fams[cur]
            if "TYPE" not in f["meta"] or "HELP" not in f["meta"]:
                raise Bad("%s: sample before TYPE and HELP" % cur)
            want = cur + "_total" if om and f["type"] == "counter" else cur
            if sname != want:
                raise Bad("sample %s in family %s (want %s)" % (sname, cur, want))
            if f["type"] == "counter" and (math.isnan(value) or value < 0):
                raise Bad("%s: counter value %r" % (sname, value))
            key = (sname, tuple(sorted(labels.items())))
            if key in seen:
                raise Bad("%s%s: the same series twice" % (sname, labels))
            seen.add(key)
            f["samples"] += 1
            samples.append({"name": sname, "labels": labels, "value": value})
        except Bad as e:
            problems.append("line %d: %s" % (n, e))
        except IndexError:
            problems.append("line %d: truncated %r" % (n, line[:60]))
        if len(problems) >= 20:
            break
    for name, f in fams.items():
        if "TYPE" not in f["meta"]:
            problems.append("%s: no TYPE" % name)
    return problems, samples


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("om", "text"):
        sys.exit(__doc__)
    with open(sys.argv[2], "rb") as fh:
        data = fh.read()
    problems, samples = check(sys.argv[1], data)
    for p in problems:
        print(p, file=sys.stderr)
    if "--json" in sys.argv[3:]:
        for s in samples:
            v = s["value"]
            if v == v and abs(v) < 2 ** 53 and v == int(v):
                s["value"] = int(v)  # integers as integers: "1048576", not "1048576.0"
            print(json.dumps(s, ensure_ascii=False))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
