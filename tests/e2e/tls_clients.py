"""Real TLS clients: Python's ssl module, openssl s_client, curl, and a Go crypto/tls client."""

import re
import socket
import ssl
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def python_connect(port: int, server_name: str | None, host: str = "127.0.0.1", alpn=None, timeout: float = 10,
                   source: str | None = None):
    """A verified-off TLS connection through the proxy, from `source` (another loopback address,
    say) when given; returns the SSLSocket."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if alpn:
        context.set_alpn_protocols(alpn)
    raw = socket.create_connection((host, port), timeout=timeout, source_address=(source, 0) if source else None)
    try:
        return context.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


def peer_common_name(tls: ssl.SSLSocket) -> str:
    der = tls.getpeercert(binary_form=True)
    text = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject"], input=der,
                          capture_output=True, check=True).stdout.decode()
    return re.search(r"CN\s*=\s*([^,\s/]+)", text).group(1)


def ask(tls: ssl.SSLSocket, line: str) -> str:
    tls.sendall(line.encode() + b"\n")
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = tls.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer.decode().strip()


def openssl_subject(port: int, server_name: str, host: str = "127.0.0.1") -> tuple[str, str]:
    """Runs openssl s_client; returns (certificate subject CN or "", full output)."""
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    result = subprocess.run(["openssl", "s_client", "-connect", address, "-servername", server_name],
                            input=b"", capture_output=True, timeout=20)
    output = (result.stdout + result.stderr).decode(errors="replace")
    match = re.search(r"subject=.*?CN\s*=\s*([^,\s/]+)", output)
    return (match.group(1) if match else ""), output


def curl_body(port: int, server_name: str, cacert: Path) -> str:
    result = subprocess.run(
        ["curl", "--silent", "--show-error", "--max-time", "20", "--cacert", str(cacert),
         "--resolve", f"{server_name}:{port}:127.0.0.1", f"https://{server_name}:{port}/"],
        capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode(errors="replace")


def go_client(build_dir: Path) -> Path:
    """Builds tests/e2e/goclient once; it prints the peer certificate's CN."""
    binary = build_dir / "snigate-e2e-goclient"
    if not binary.exists():
        subprocess.run(["go", "build", "-o", str(binary), "."], cwd=HERE / "goclient", check=True,
                       capture_output=True, timeout=300)
    return binary
