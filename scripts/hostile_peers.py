#!/usr/bin/env python3
"""Hostile peers for the soak (scripts/soak.py) and for trying attacks by hand.

Clients that attack an exporter (CRLF floods, idle TCP connections, slowloris, malformed
requests, pipelining floods) and fake exporters that attack the fleet's poller (100 Continue
forever, 1-byte chunks with huge extensions). Each runs in its own thread until `stop` is set
and counts what it did in `stats`.

By hand:  python3 scripts/hostile_peers.py ATTACK --port PORT [--seconds 30] [--cert crt.pem --key key.pem]
"""
import argparse
import socket
import ssl
import threading
import time

# Requests no server should accept; some carry a token inside a malformed header, so a log
# that echoes raw bytes would leak it. {token} is replaced by the caller's token.
MALFORMED_REQUESTS = [
    b"GARBAGE\r\n\r\n",
    b"GET /\x1b[2J\x1b]0;owned\x07 HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: Bearer {token}\r\n\r\n",
    b"GET / HTTP/1.1\r\nTransfer-Encoding: {token}\x1b[31m\r\n\r\n",
    b"PROPFIND / HTTP/1.1\r\nAuthorization: Bearer {token}\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Bad: a\x00\x07\r\n\r\n",
    b"GET / HTTP/1.1\rINFO forged line\r\n\r\n",
    b"GET / HTTP/7.0\r\n\r\n",
    b"GET /v1/metadata HTTP/1.1\r\nAuthorization: Bearer wrong-{token}\r\n\r\n",
    b"\x16\x03\x01\x00\x05hello\r\n\r\n",
]


class Stats:
    """Thread-safe counters by name."""

    def __init__(self):
        self._lock = threading.Lock()
        self.counts = {}

    def add(self, name, n=1):
        with self._lock:
            self.counts[name] = self.counts.get(name, 0) + n

    def snapshot(self):
        with self._lock:
            return dict(self.counts)


def client_context():
    # The attacker does not care who the server is.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def tls_connect(host, port, timeout=5.0):
    raw = socket.create_connection((host, port), timeout=timeout)
    try:
        return client_context().wrap_socket(raw)
    except Exception:
        raw.close()
        raise


class Attack(threading.Thread):
    """One attacking loop; reconnects after every failure, pacing itself with `pause`."""

    name_ = "attack"

    def __init__(self, host, port, stop, stats, token="token", pause=0.05):
        super().__init__(daemon=True)
        self.host, self.port, self.stop, self.stats, self.token, self.pause = host, port, stop, stats, token, pause

    def run(self):
        while not self.stop.is_set():
            try:
                self.once()
            except (OSError, ssl.SSLError, ValueError):
                self.stats.add(self.name_ + ".closed")
            self.stop.wait(self.pause)

    def once(self):
        raise NotImplementedError


class CRLFFlood(Attack):
    """Streams blank lines after the TLS handshake: a parser that skips them forever starves others."""

    name_ = "crlf-flood"

    def once(self):
        with tls_connect(self.host, self.port) as s:
            self.stats.add(self.name_ + ".connections")
            chunk = b"\r\n" * 8192
            while not self.stop.is_set():
                s.sendall(chunk)
                self.stats.add(self.name_ + ".bytes", len(chunk))
                time.sleep(0.001)


class PipelineFlood(Attack):
    """Writes thousands of valid pipelined requests, then reads whatever comes back."""

    name_ = "pipeline-flood"

    def once(self):
        with tls_connect(self.host, self.port, timeout=10) as s:
            self.stats.add(self.name_ + ".connections")
            request = b"GET /v1/metadata/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.token.encode() + b"\r\n\r\n"
            burst = request * 2000
            while not self.stop.is_set():
                s.sendall(burst)
                self.stats.add(self.name_ + ".requests", 2000)
                s.settimeout(0.5)
                try:
                    while s.recv(1 << 20):
                        pass
                except (socket.timeout, TimeoutError):
                    pass


class Slowloris(Attack):
    """Completes the handshake, then trickles one byte of a request head per second."""

    name_ = "slowloris"

    def once(self):
        with tls_connect(self.host, self.port) as s:
            self.stats.add(self.name_ + ".connections")
            for b in b"GET /v1/metadata HTTP/1.1\r\nX-Slow: " + b"a" * 100000:
                if self.stop.is_set():
                    return
                s.sendall(bytes([b]))
                self.stats.add(self.name_ + ".bytes")
                self.stop.wait(1.0)


class Malformed(Attack):
    """A new connection per malformed request, reading the answer (the server closes)."""

    name_ = "malformed"

    def once(self):
        for template in MALFORMED_REQUESTS:
            if self.stop.is_set():
                return
            with tls_connect(self.host, self.port) as s:
                s.sendall(template.replace(b"{token}", self.token.encode()))
                self.stats.add(self.name_ + ".requests")
                s.settimeout(2)
                try:
                    s.recv(4096)
                except (socket.timeout, TimeoutError, ssl.SSLError, OSError):
                    pass
            time.sleep(0.01)


class IdleConnections(threading.Thread):
    """Holds `count` plain TCP connections that never send a byte, re-opening any the server drops."""

    def __init__(self, host, port, stop, stats, count=200):
        super().__init__(daemon=True)
        self.host, self.port, self.stop, self.stats, self.count = host, port, stop, stats, count

    def run(self):
        conns = []
        try:
            while not self.stop.is_set():
                alive = []
                for c in conns:
                    try:
                        c.setblocking(False)
                        if c.recv(1, socket.MSG_PEEK) == b"":
                            c.close()
                            self.stats.add("idle.dropped")
                            continue
                    except BlockingIOError:
                        pass
                    except OSError:
                        c.close()
                        self.stats.add("idle.dropped")
                        continue
                    alive.append(c)
                conns = alive
                while len(conns) < self.count and not self.stop.is_set():
                    try:
                        conns.append(socket.create_connection((self.host, self.port), timeout=2))
                        self.stats.add("idle.opened")
                    except OSError:
                        self.stats.add("idle.refused")
                        break
                self.stop.wait(1.0)
        finally:
            for c in conns:
                c.close()


class FakeExporter(threading.Thread):
    """A TLS server with the fleet's own certificate that answers every request with a flood:
    `continue` sends `HTTP/1.1 100 Continue` forever; `chunks` sends 1-byte chunks, each with a
    4 KB chunk extension, forever."""

    def __init__(self, mode, cert, key, stop, stats, host="127.0.0.1", port=0):
        super().__init__(daemon=True)
        self.mode, self.stop, self.stats = mode, stop, stats
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.listener = socket.create_server((host, port))
        self.listener.settimeout(0.5)
        self.port = self.listener.getsockname()[1]

    def run(self):
        while not self.stop.is_set():
            try:
                raw, _ = self.listener.accept()
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                break
            threading.Thread(target=self.serve, args=(raw,), daemon=True).start()
        self.listener.close()

    def serve(self, raw):
        name = "fake-" + self.mode
        try:
            raw.settimeout(10)
            with self.ctx.wrap_socket(raw, server_side=True) as s:
                self.stats.add(name + ".connections")
                head = b""
                while b"\r\n\r\n" not in head:
                    data = s.recv(4096)
                    if not data:
                        return
                    head += data
                if self.mode == "continue":
                    piece = b"HTTP/1.1 100 Continue\r\n\r\n" * 256
                else:
                    s.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    piece = (b"1;" + b"x" * 4000 + b"\r\na\r\n") * 16
                while not self.stop.is_set():
                    s.sendall(piece)
                    self.stats.add(name + ".bytes", len(piece))
        except (OSError, ssl.SSLError):
            pass  # the poller gave up on us: that is the point


ATTACKS = {
    "crlf-flood": CRLFFlood,
    "pipeline-flood": PipelineFlood,
    "slowloris": Slowloris,
    "malformed": Malformed,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("attack", choices=sorted(list(ATTACKS) + ["idle", "fake-continue", "fake-chunks"]))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="target port (attacks) or listening port (fake exporters)")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--token", default="token")
    ap.add_argument("--cert", help="PEM certificate for fake exporters")
    ap.add_argument("--key", help="PEM key for fake exporters")
    a = ap.parse_args()
    stop, stats = threading.Event(), Stats()
    if a.attack.startswith("fake-"):
        if not (a.cert and a.key):
            ap.error("fake exporters need --cert and --key")
        t = FakeExporter(a.attack[5:], a.cert, a.key, stop, stats, a.host, a.port)
        print(f"listening on {a.host}:{t.port}", flush=True)
    elif a.attack == "idle":
        t = IdleConnections(a.host, a.port, stop, stats)
    else:
        t = ATTACKS[a.attack](a.host, a.port, stop, stats, token=a.token)
    t.start()
    try:
        time.sleep(a.seconds)
    except KeyboardInterrupt:
        pass
    stop.set()
    t.join(timeout=5)
    print(stats.snapshot())


if __name__ == "__main__":
    main()
