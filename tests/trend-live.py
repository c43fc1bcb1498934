#!/usr/bin/python3
"""Live checks of memtop's time to OOM that need timing finer than a shell gives (trend.bats).

  trend-live.py cgroup MEMTOP MEMHOG   a leaker in a memory cgroup with a limit, made here
                                       (v1 or v2, whichever holds the memory controller): the
                                       kill memtop predicts against the one the kernel makes
                                       (the cgroup's oom_kill counter, the leaker's SIGKILL)
  trend-live.py machine MEMTOP MEMHOG  a process eating MemAvailable at a known rate, for
                                       24 s (1.6 GiB at most, with 8 GiB available at least):
                                       memtop's machine trend against the rate and against
                                       MemAvailable + SwapFree sampled here meanwhile

A prediction counts when memtop had fitted 4 samples or more and the kill was 5 s or more
away; each must be within 10 % of the time that was left. Times are taken when memtop's
lines arrive (each is flushed as soon as its sample is written).

Standard library only, and run as /usr/bin/python3. Exit status 0 when the check passes,
1 with the reason on stderr, 77 with the reason on stdout when it cannot be made here.
"""
import json
import os
import subprocess
import sys
import threading
import time

MIB = 1 << 20
SKIP = 77


def skip(why):
    print(why)
    sys.exit(SKIP)


def fail(why):
    print(why, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def memory_hierarchy():
    """(version, mount point) of the hierarchy holding the memory controller."""
    v2 = None
    for line in read("/proc/self/mountinfo").splitlines():
        pre, _, post = line.partition(" - ")
        fstype, _, opts = (post.split(" ") + ["", "", ""])[:3]
        mount = pre.split(" ")[4].replace("\\040", " ")
        if fstype == "cgroup" and "memory" in opts.split(","):
            return 1, mount
        if fstype == "cgroup2" and v2 is None:
            v2 = mount
    if v2 and "memory" in read(os.path.join(v2, "cgroup.subtree_control")).split():
        return 2, v2
    return None, None


def oom_kills(v, cg):
    name = "memory.oom_control" if v == 1 else "memory.events"
    for line in read(os.path.join(cg, name)).splitlines():
        key, _, val = line.partition(" ")
        if key == "oom_kill":
            return int(val)
    return None


class Lines(threading.Thread):
    """memtop's JSON lines with the monotonic time each arrived."""

    def __init__(self, proc):
        super().__init__(daemon=True)
        self.proc, self.docs = proc, []

    def run(self):
        for line in self.proc.stdout:
            self.docs.append((time.monotonic(), json.loads(line)))


def start_hog(memhog, args, preexec=None):
    hog = subprocess.Popen([memhog] + args, stdout=subprocess.PIPE, preexec_fn=preexec)
    if hog.stdout.readline() != b"ready\n":
        hog.kill()
        hog.wait()
        fail("memhog %s did not become ready" % " ".join(args))
    return hog


def stop(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def cgroup_check(memtop, memhog):
    limit, rate_kib = 128 * MIB, 6 * 1024
    if os.geteuid() != 0:
        skip("not root: cannot make a memory cgroup")
    v, mount = memory_hierarchy()
    if not v:
        skip("no memory cgroup hierarchy this test may use (no v1 memory controller, and v2's "
             "root does not enable memory for its children)")
    cg = os.path.join(mount, "memtop-test-%d" % os.getpid())
    try:
        os.mkdir(cg)
    except OSError as e:
        skip("cannot make %s: %s" % (cg, e.strerror))
    hog = memtop_p = None
    try:
        if v == 1:
            write(os.path.join(cg, "memory.limit_in_bytes"), str(limit))
            if os.path.exists(os.path.join(cg, "memory.memsw.limit_in_bytes")):
                write(os.path.join(cg, "memory.memsw.limit_in_bytes"), str(limit))  # no swap
        else:
            write(os.path.join(cg, "memory.max"), str(limit))
            if os.path.exists(os.path.join(cg, "memory.swap.max")):
                write(os.path.join(cg, "memory.swap.max"), "0")
        before = oom_kills(v, cg)
        if before is None:
            skip("this kernel does not count OOM kills per cgroup (no oom_kill in %s)" %
                 ("memory.oom_control" if v == 1 else "memory.events"))
        procs = os.path.join(cg, "cgroup.procs")
        # in the cgroup before it runs memhog: everything it charges is charged there
        hog = start_hog(memhog, ["leak", str(rate_kib), "4096"],
                        preexec=lambda: write(procs, str(os.getpid())))
        memtop_p = subprocess.Popen([memtop, "-bJ", "-n", "90", "-d", "1", "-p", str(hog.pid),
                                     "-o", "pid,anon,growth,leak,oom_eta"], stdout=subprocess.PIPE, text=True)
        lines = Lines(memtop_p)
        lines.start()
        try:
            hog.wait(timeout=120)
        except subprocess.TimeoutExpired:
            fail("the leaker was not killed within 120 s (limit %d MiB, %d KiB/s)" % (limit // MIB, rate_kib))
        killed = time.monotonic()
        after = oom_kills(v, cg)
        stop(memtop_p)
        lines.join(5)
        if hog.returncode != -9 or after != before + 1:
            fail("the leaker ended with %s, the cgroup's oom_kill went from %s to %s: not one OOM kill"
                 % (hog.returncode, before, after))
        checked, bad, table, worst = 0, [], [], 0
        for at, doc in lines.docs:
            for p in doc["processes"]:
                t = p.get("trend") or {}
                if p["pid"] != hog.pid or t.get("oom_eta") is None:
                    continue
                left = killed - at
                table.append("  %5.1f s before the kill: oom_eta %6.1f s, limit %s, %d samples, growth %.0f B/s"
                             % (left, t["oom_eta"], t["limit"], t["samples"], t["growth"]))
                if t["samples"] < 4 or left < 5:
                    continue
                checked += 1
                worst = max(worst, abs(at + t["oom_eta"] - killed) / left)
                if t["limit"] != "cgroup" or abs(at + t["oom_eta"] - killed) > 0.10 * left:
                    bad.append(table[-1])
        if checked < 3 or bad:
            fail("predictions of the kill (%d checked, %d off by more than 10 %% or not the cgroup's):\n%s"
                 % (checked, len(bad), "\n".join(table)))
        print("%d predictions within 10 %% of the kill (the worst %.1f %% off), %.1f s after memtop started"
              % (checked, worst * 100, killed - lines.docs[0][0]))
    finally:
        for p in (hog, memtop_p):
            if p:
                stop(p)
        for _ in range(50):  # the last task may take a moment to leave
            try:
                os.rmdir(cg)
                break
            except OSError:
                time.sleep(0.1)


def headroom():
    m = {}
    for line in read("/proc/meminfo").splitlines():
        k, _, v = line.partition(":")
        m[k] = int(v.split()[0]) * 1024
    return m["MemAvailable"] + m.get("SwapFree", 0)


def theil_sen(pts):
    s = sorted((b[1] - a[1]) / (b[0] - a[0]) for i, a in enumerate(pts) for b in pts[i + 1:] if b[0] > a[0])
    n = len(s)
    return (s[n // 2] + s[(n - 1) // 2]) / 2


def r2_ols(pts):
    n = len(pts)
    mt = sum(t for t, _ in pts) / n
    mv = sum(v for _, v in pts) / n
    stt = sum((t - mt) ** 2 for t, _ in pts)
    svv = sum((v - mv) ** 2 for _, v in pts)
    stv = sum((t - mt) * (v - mv) for t, v in pts)
    return stv * stv / (stt * svv) if stt > 0 and svv > 0 else 0


def machine_check(memtop, memhog):
    rate = 64 * MIB
    if headroom() < 8192 * MIB:
        skip("less than 8 GiB of MemAvailable + SwapFree: the test eats up to 1.6 GiB and stays far from danger")
    seen, done = [], threading.Event()

    def watch():
        while not done.is_set():
            seen.append((time.monotonic(), headroom()))
            time.sleep(0.25)

    watcher = threading.Thread(target=watch, daemon=True)
    hog = start_hog(memhog, ["leak", str(rate // 1024), "1600"])
    memtop_p = None
    try:
        watcher.start()
        memtop_p = subprocess.Popen([memtop, "-bJ", "-n", "24", "-d", "1", "-p", str(hog.pid), "-o", "pid,growth"],
                                    stdout=subprocess.PIPE, text=True)
        lines = Lines(memtop_p)
        lines.start()
        memtop_p.wait(timeout=120)
        lines.join(5)
    finally:
        stop(hog)
        if memtop_p:
            stop(memtop_p)
        done.set()
    watcher.join(2)
    at, doc = lines.docs[-1]
    t = doc["system"]["trend"]
    if t["available_rate"] is None or t["window"] is None:
        fail("no machine trend after %d samples: %s" % (len(lines.docs), t))
    ours = [(s, v) for s, v in seen if at - t["window"] - 1 <= s <= at]
    measured = theil_sen(ours)
    room = doc["system"]["mem"]["available"] + doc["system"]["swap"]["free"]
    report = ("memtop: %.1f MiB/s over %.1f s (r2 %.2f, falling %s, oom_eta %s s); measured here: %.1f MiB/s "
              "(r2 %.2f); eaten: %.1f MiB/s" % (t["available_rate"] / MIB, t["window"], t["r2"], t["falling"],
                                                  t["oom_eta"], measured / MIB, r2_ols(ours), -rate / MIB))
    if t["oom_eta"] is None or abs(t["oom_eta"] - room / -t["available_rate"]) > 0.02 * t["oom_eta"]:
        fail("oom_eta is not MemAvailable + SwapFree over the rate: " + report)
    if abs(t["available_rate"] - measured) > 0.10 * abs(measured) + MIB:
        fail("memtop's rate is not the one measured here: " + report)
    if abs(measured + rate) > 0.10 * rate:
        skip("the machine moved on its own (%s): the eater's rate cannot be told apart" % report)
    if abs(t["available_rate"] + rate) > 0.15 * rate:
        fail("memtop's rate is not the eater's: " + report)
    if r2_ols(ours) >= 0.95 and not t["falling"]:
        fail("a steady fall not said to be one: " + report)
    print(report)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("cgroup", "machine"):
        fail(__doc__)
    (cgroup_check if sys.argv[1] == "cgroup" else machine_check)(sys.argv[2], sys.argv[3])


main()
