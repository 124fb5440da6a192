"""Plain-TCP peers for the tests that look at the exact bytes the dataplane sends: a backend that
records what it receives, and a client that sends a captured ClientHello in pieces."""

import json
import socket
import threading
import time
from pathlib import Path

CAPTURES = Path(__file__).resolve().parents[1] / "data" / "client_hellos"


def capture(name: str) -> tuple[bytes, str | None]:
    """A real ClientHello and the SNI it carries (tests/data/client_hellos/manifest.json)."""
    manifest = json.loads((CAPTURES / "manifest.json").read_text())
    entry = next(c for c in manifest["captures"] if c["file"] == name)
    return (CAPTURES / name).read_bytes(), entry["sni"]


class RecordingBackend:
    """Accepts connections and hands each one to `serve(sock)` in a thread; by default it reads
    until end of stream, records the bytes, answers how many it got, and closes."""

    def __init__(self, serve=None):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        self.serve = serve or self._read_all_then_answer
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._run, args=(sock,), daemon=True).start()

    def _run(self, sock):
        with sock:
            sock.settimeout(20)
            try:
                self.serve(sock)
            except OSError:
                pass

    def _read_all_then_answer(self, sock):
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        self.received.append(data)
        sock.sendall(f"got {len(data)} bytes".encode())

    def wait_for_connections(self, count: int, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, f"backend saw {len(self.received)} of {count} connections"

    def close(self):
        self.listener.close()


def send_in_pieces(sock: socket.socket, data: bytes, piece: int, pause: float = 0.0):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for offset in range(0, len(data), piece):
        sock.sendall(data[offset:offset + piece])
        if pause:
            time.sleep(pause)


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data
