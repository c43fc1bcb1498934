#!/usr/bin/python3
"""A client that misbehaves, for memtop --listen's tests.

    http-client.py flood PORT N        N connections at once, each GET /metrics; prints
                                       "ok N closed N other N" (closed: refused, reset or
                                       closed without an answer)
    http-client.py malformed PORT      malformed requests, one per connection; prints one
                                       line per request: its name and the status (or "closed")
    http-client.py slow PORT SECONDS   sends half a request and waits: prints the seconds
                                       until the server closed the connection, or "open"
"""
import concurrent.futures
import selectors
import socket
import sys
import time

HOST = "127.0.0.1"
REQUEST = b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def status_of(data):
    if not data.startswith(b"HTTP/1."):
        return None
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def flood(port, n):
    sel = selectors.DefaultSelector()
    conns = {}
    closed = 0
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect_ex((HOST, port))
        except OSError:
            closed += 1
            s.close()
            continue
        conns[s] = [REQUEST, b""]
        sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
    ok = other = 0
    why = {}
    deadline = time.monotonic() + 120
    while conns and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s = key.fileobj
            out, got = conns[s]
            try:
                if ev & selectors.EVENT_WRITE and out:
                    sent = s.send(out)
                    conns[s][0] = out[sent:]
                    if not conns[s][0]:
                        sel.modify(s, selectors.EVENT_READ)
                    continue
                if ev & selectors.EVENT_READ:
                    chunk = s.recv(65536)
                    if chunk:
                        conns[s][1] += chunk
                        continue
            except (ConnectionError, OSError):
                pass
            st = status_of(conns[s][1])
            if st is None:
                closed += 1
            elif st == 200 and conns[s][1].rstrip().endswith(b"# EOF"):
                ok += 1
            else:
                other += 1
                k = str(st) if st != 200 else "200-cut"
                why[k] = why.get(k, 0) + 1
            sel.unregister(s)
            s.close()
            del conns[s]
    other += len(conns)  # no answer in 120 s
    if conns:
        why["timeout"] = len(conns)
    print("ok %d closed %d other %d" % (ok, closed, other))
    if why:
        print("other: " + " ".join("%s %d" % kv for kv in sorted(why.items())), file=sys.stderr)


MALFORMED = [
    ("garbage", b"\x00\xff\x1b[2J\r\n\r\n"),
    ("no-version", b"GET /metrics\r\n\r\n"),
    ("http-0.9", b"GET /metrics\n"),
    ("bad-method", b"G\x01T /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("post-body", b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
    ("bad-length", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
    ("huge-length", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
    ("chunked-junk", b"POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    ("no-colon", b"GET /metrics HTTP/1.1\r\nHost x\r\nAccept\r\n\r\n"),
    ("nul-header", b"GET /metrics HTTP/1.1\r\nHost: \x00x\r\n\r\n"),
    ("long-url", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("long-header", b"GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + b"b" * 70000 + b"\r\n\r\n"),
    ("many-headers", b"GET /metrics HTTP/1.1\r\n" + b"X-A: 1\r\n" * 5000 + b"\r\n"),
    ("hostile-accept", b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: ;;,,q=\xff,text/plain;q=1e999,*/*;version=\r\n\r\n"),
    ("dot-path", b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ("query", b"GET /metrics?x=%00 HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("http-2.0", b"GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n"),
    ("half-then-close", b"GET /metr"),
    ("pipelined", REQUEST.replace(b"Connection: close\r\n", b"") * 3),
]


def one_malformed(port, name, data):
    s = socket.create_connection((HOST, port), timeout=30)
    got = b""
    try:
        s.sendall(data)
        if name in ("garbage", "half-then-close"):
            s.shutdown(socket.SHUT_WR)  # libmicrohttpd still waits for its timeout
        while len(got) < 4096:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionError, OSError):
        pass
    s.close()
    st = status_of(got)
    return "%s %s" % (name, st if st is not None else "closed")


def malformed(port):
    """All at once: the ones the server drops only at its timeout do not add up."""
    with concurrent.futures.ThreadPoolExecutor(len(MALFORMED)) as pool:
        futures = [pool.submit(one_malformed, port, name, data) for name, data in MALFORMED]
        for f in futures:
            print(f.result())


def slow(port, seconds):
    s = socket.create_connection((HOST, port))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(seconds)
    start = time.monotonic()
    try:
        while s.recv(4096):
            pass
        print("%.1f" % (time.monotonic() - start))
    except socket.timeout:
        print("open")
    except (ConnectionError, OSError):
        print("%.1f" % (time.monotonic() - start))
    s.close()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    port = int(sys.argv[2])
    if sys.argv[1] == "flood":
        flood(port, int(sys.argv[3]))
    elif sys.argv[1] == "malformed":
        malformed(port)
    elif sys.argv[1] == "slow":
        slow(port, float(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
