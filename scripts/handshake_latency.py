#!/usr/bin/env python3
"""Fresh TLS handshake + one GET per connection, sequentially; prints p50/p99 in ms.
usage: handshake_latency.py PORT PATH TOKEN CAFILE N"""
import socket, ssl, sys, time

port, path, token, cafile, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.load_verify_locations(cafile)
request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode()
samples = []
for _ in range(n):
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with ctx.wrap_socket(raw) as s:  # no session reuse: a full handshake each time
            s.sendall(request)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    samples.append((time.perf_counter() - t0) * 1000)
    if not data.startswith(b"HTTP/1.1 200"):
        sys.exit(f"unexpected response: {data[:60]!r}")
samples.sort()
print(f"{samples[len(samples) // 2]:.2f} {samples[min(len(samples) - 1, int(len(samples) * 0.99))]:.2f}")
