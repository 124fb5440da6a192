#!/usr/bin/env python3
"""Starts a TLS handshake with Python's ssl module defaults, so capture.py can record its hello.

Usage: python_client.py HOST PORT SERVER_NAME [ALPN_PROTOCOL...]
"""

import socket
import ssl
import sys


def main():
    host, port, server_name, *alpn = sys.argv[1:]
    context = ssl.create_default_context()
    if alpn:
        context.set_alpn_protocols(alpn)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        try:
            context.wrap_socket(connection, server_hostname=server_name).close()
        except (ssl.SSLError, OSError) as error:
            print(f"python_client.py: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
