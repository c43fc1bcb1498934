#!/usr/bin/python3
"""Checks memtop's output for the hardening tests (hostile.bats, churn.bats, perms.bats).

  check-output.py term FILE [--ascii]   text safe for a terminal: valid UTF-8 (ASCII with
                                        --ascii) with no control, C1, bidi or invisible
                                        characters besides the newlines
  check-output.py json FILE             every line one strictly valid JSON document, UTF-8,
                                        with no raw control bytes either
  check-output.py names FILE PID...     each PID's comm, cmdline and mapping paths in the
                                        JSON equal what /proc/PID holds, invalid bytes
                                        replaced by U+FFFD one for one
  check-output.py strings FILE TEXT...  each TEXT (raw bytes), U+FFFD-replaced, is inside
                                        some string of the JSON
  check-output.py rows FILE             no row of garbage: pid > 0, a comm, sizes
                                        non-negative integers, uss <= pss <= rss

Standard library only, and run as /usr/bin/python3: pyenv's python3 may be first on PATH.
Exit status 0 when the check passes; otherwise the reason on stderr and status 1.
"""
import codecs
import json
import os
import sys

# One U+FFFD per invalid byte, as memtop's JSON writer does (Python's own "replace" handler
# folds a truncated sequence into a single U+FFFD).
codecs.register_error("perbyte", lambda e: ("\ufffd", e.start + 1))

# What must never reach a terminal raw: C0 but newline, DEL, C1, and the characters that
# reorder or hide text (bidi controls, zero-width characters, separators, BOM).
BAD = set(range(0x00, 0x20)) - {0x0A}
BAD |= {0x7F} | set(range(0x80, 0xA0))
BAD |= set(range(0x200B, 0x2010)) | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
BAD |= {0x2028, 0x2029, 0xFEFF}


def fail(msg):
    sys.stderr.write("check-output: %s\n" % msg)
    sys.exit(1)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check_text(data, where, ascii_only=False):
    if ascii_only and any(b >= 0x80 for b in data):
        off = next(i for i, b in enumerate(data) if b >= 0x80)
        fail("%s: non-ASCII byte 0x%02x at offset %d: %r" % (where, data[off], off, data[max(0, off - 20):off + 20]))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("%s: not valid UTF-8: %s: %r" % (where, e, data[max(0, e.start - 20):e.end + 20]))
    for i, ch in enumerate(text):
        if ord(ch) in BAD:
            fail("%s: raw U+%04X at character %d: %r" % (where, ord(ch), i, text[max(0, i - 30):i + 30]))
    return text


def cmd_term(args):
    check_text(read(args[0]), args[0], ascii_only="--ascii" in args[1:])


def json_lines(path):
    data = read(path)
    text = check_text(data, path)
    docs = []
    for n, line in enumerate(text.split("\n")[:-1], 1):
        try:
            docs.append(json.loads(line, parse_constant=lambda c: fail("%s:%d: %s" % (path, n, c))))
        except json.JSONDecodeError as e:
            fail("%s:%d: invalid JSON: %s" % (path, n, e))
    if not text.endswith("\n") or not docs:
        fail("%s: no complete JSON line" % path)
    return docs


def cmd_json(args):
    json_lines(args[0])


def decoded(raw):
    return raw.decode("utf-8", "perbyte")


def expected_cmdline(pid):
    raw = read("/proc/%d/cmdline" % pid)
    if raw.endswith(b"\0"):
        raw = raw[:-1]
    # memtop reads cmdline itself: libproc2 4.0.2's PIDS_CMDLINE_V splits arguments at
    # newlines too (procps #429), which would turn a newline inside one into a space
    return decoded(raw.replace(b"\0", b" "))


def mapping_paths(pid):
    """Paths of the file mappings, from map_files: the real names, newlines included."""
    paths = set()
    d = "/proc/%d/map_files" % pid
    for entry in os.listdir(d):
        try:
            target = os.readlink(os.path.join(d, entry).encode())
        except OSError:
            continue
        # memtop reports " (deleted)" as a flag beside the path, not in it
        if target.endswith(b" (deleted)"):
            target = target[:-len(b" (deleted)")]
        paths.add(decoded(target))
    return paths


def cmd_names(args):
    docs = json_lines(args[0])
    procs = {p["pid"]: p for p in docs[-1]["processes"]}
    for pid in map(int, args[1:]):
        if pid not in procs:
            fail("pid %d missing from the JSON" % pid)
        p = procs[pid]
        comm = decoded(read("/proc/%d/comm" % pid)[:-1])
        if p["comm"] != comm:
            fail("pid %d: comm %r, expected %r" % (pid, p["comm"], comm))
        cmdline = expected_cmdline(pid)
        if p["cmdline"] != cmdline:
            got = p["cmdline"] or ""
            at = next((i for i, (a, b) in enumerate(zip(got, cmdline)) if a != b), min(len(got), len(cmdline)))
            fail("pid %d: cmdline differs at %d (length %d, expected %d): %r vs %r" %
                 (pid, at, len(got), len(cmdline), got[at:at + 40], cmdline[at:at + 40]))
        if "maps" in p:
            want = mapping_paths(pid)
            got = {m["path"] for m in p["maps"] if m.get("path") and m["path"].startswith("/")
                   and not m["path"].startswith("/SYSV")}
            if want - got:
                fail("pid %d: mapping paths missing from the JSON: %r (have %r)" % (pid, want - got, got))


def all_strings(o):
    if isinstance(o, dict):
        for k, v in o.items():
            yield k
            yield from all_strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from all_strings(v)
    elif isinstance(o, str):
        yield o


def cmd_strings(args):
    docs = json_lines(args[0])
    have = list(all_strings(docs))
    for raw in args[1:]:
        want = decoded(os.fsencode(raw))
        if not any(want in s for s in have):
            fail("%r is in no string of the JSON" % want)


def ram_and_swap():
    kb = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            kb[k] = int(v.split()[0])
    return (kb.get("MemTotal", 0) + kb.get("SwapTotal", 0)) * 1024


def cmd_rows(args):
    docs = json_lines(args[0])
    limit = ram_and_swap()
    for n, doc in enumerate(docs, 1):
        if not isinstance(doc.get("processes"), list):
            fail("line %d: no processes array" % n)
        for p in doc["processes"]:
            where = "line %d, pid %r" % (n, p.get("pid"))
            if not isinstance(p.get("pid"), int) or isinstance(p["pid"], bool) or p["pid"] <= 0:
                fail("%s: bad pid" % where)
            if not isinstance(p.get("comm"), str) or not p["comm"]:
                fail("%s: no comm: %r" % (where, p.get("comm")))
            mem = p.get("mem") or {}
            for k, v in mem.items():
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    fail("%s: mem.%s = %r" % (where, k, v))
            uss, pss, rss = mem.get("uss"), mem.get("pss"), mem.get("rss")
            if uss is not None and pss is not None and uss > pss:
                fail("%s: uss %d > pss %d" % (where, uss, pss))
            # rss comes from status, pss from smaps_rollup read a moment later (or reused
            # from an earlier refresh): a process changing in between may show a little
            # more PSS than RSS, never much more.
            if pss is not None and rss is not None and pss > rss + max(16 << 20, rss // 4):
                fail("%s: pss %d > rss %d" % (where, pss, rss))
            # no resident figure beyond the machine's memory and swap
            for k in ("rss", "pss", "uss", "anon", "file", "shmem", "swap", "swap_pss"):
                if isinstance(mem.get(k), int) and mem[k] > limit:
                    fail("%s: mem.%s = %d, more than RAM + swap (%d)" % (where, k, mem[k], limit))


def main():
    cmds = {"term": cmd_term, "json": cmd_json, "names": cmd_names, "rows": cmd_rows,
            "strings": cmd_strings}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        fail("usage: check-output.py term|json|names|strings|rows FILE [ARG...]")
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
