"""What snigate-dataplane holds: its admin /metrics (to see it is up), and the whole snapshot from its
control socket (to check content)."""

import json
import socket
import struct

_REQUEST = b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
# The admin server closes each connection after answering. Closing ours with a reset (linger 0)
# leaves no TIME_WAIT on either end, so a thousand polls a second never run out of ports.
_LINGER_RESET = struct.pack("ii", 1, 0)


class DataplaneProbe:
    def __init__(self, admin_port: int, control_socket: str):
        self.admin_port = admin_port
        self.control_socket = control_socket

    def metrics(self) -> dict:
        """The unlabelled snigate_snapshot_* series, e.g. {'snigate_snapshot_generation': 3.0, ...}."""
        with socket.create_connection(("127.0.0.1", self.admin_port), timeout=2) as connection:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
            connection.sendall(_REQUEST)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        body = b"".join(chunks).split(b"\r\n\r\n", 1)[-1].decode()
        values = {}
        for line in body.splitlines():
            if line.startswith("snigate_snapshot_"):
                name, _, value = line.partition(" ")
                values[name] = float(value)
        return values

    def snapshot_text(self) -> bytes:
        """The snapshot document exactly as the dataplane holds it ({"get":"snapshot"})."""
        request = json.dumps({"get": "snapshot"}).encode()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(30)
            connection.connect(self.control_socket)
            connection.sendall(struct.pack(">I", len(request)) + request)
            length = struct.unpack(">I", _receive(connection, 4))[0]
            return _receive(connection, length)

    def snapshot_document(self) -> dict:
        return json.loads(self.snapshot_text())

    def routes(self) -> dict:
        """hostname -> sorted 'address:port' backends of the snapshot held now."""
        return routes_of(self.snapshot_document())


def routes_of(document: dict) -> dict:
    return {route["hostname"]: sorted(f"{b['address']}:{b['port']}" for b in route["backends"])
            for route in document.get("routes", [])}


def _receive(connection: socket.socket, count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = connection.recv(min(count - len(data), 1 << 20))
        if not chunk:
            raise ConnectionError("the dataplane closed its control socket mid-answer")
        data += chunk
    return bytes(data)
