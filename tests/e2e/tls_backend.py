"""Real TLS servers for the end-to-end tests: each has its own certificate (CN = its name), so a
client knows which backend it reached from the certificate it was shown, and answers every line
with "<name>: <line>" so that a test can also tell over an open connection."""

import socket
import ssl
import subprocess
import threading
from pathlib import Path


def make_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
             "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"],
            check=True, capture_output=True)
    return cert, key


class TlsLineServer:
    """A threaded TLS server on loopback that answers each line with "<name>: <line>"."""

    def __init__(self, name: str, cert: Path, key: Path, host: str = "127.0.0.1"):
        self.name = name
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.context.set_alpn_protocols(["h2", "http/1.1"])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, 0))
        self.listener.listen(1024)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self._closing = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self):
        while not self._closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket):
        client.settimeout(30)
        try:
            with self.context.wrap_socket(client, server_side=True) as tls:
                reader = tls.makefile("rb")
                for line in reader:
                    tls.sendall(f"{self.name}: ".encode() + line)
        except (OSError, ssl.SSLError):
            pass

    def close(self):
        self._closing = True
        self.listener.close()
