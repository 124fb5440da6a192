#!/usr/bin/env python3
"""Captures the raw bytes of one real TLS ClientHello, exactly as a client sent them.

Listens on 127.0.0.1 (ephemeral port), accepts one connection, reads whole TLS records until the
ClientHello handshake message is complete, writes those records to OUTPUT and closes. The hello
may span several TCP segments and several records; nothing after its last record is read.

Usage:
  capture.py OUTPUT [--timeout SECONDS] [-- CLIENT ARGS...]

The port is printed on stdout. When a client command is given, capture.py runs it with every
"{port}" in its arguments replaced by the port, and stops it (its whole process group) once the
capture is written: clients fail their handshake when the connection closes, which is expected.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time

RECORD_HEADER_BYTES = 5
HANDSHAKE_HEADER_BYTES = 4
CONTENT_TYPE_HANDSHAKE = 22
HANDSHAKE_TYPE_CLIENT_HELLO = 1
MAX_RECORD_BODY_BYTES = 16384  # a ClientHello travels in plaintext records (RFC 8446, 5.1)

CLIENT_EXIT_GRACE_SECONDS = 3
ACCEPT_POLL_SECONDS = 0.2


class CaptureError(Exception):
    pass


def receive_exactly(connection, count, deadline):
    received = bytearray()
    while len(received) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CaptureError(f"timed out after {len(received)} of {count} bytes")
        connection.settimeout(remaining)
        chunk = connection.recv(count - len(received))
        if not chunk:
            raise CaptureError(f"connection closed after {len(received)} of {count} bytes")
        received += chunk
    return bytes(received)


def read_client_hello_records(connection, deadline):
    """Returns every record that carries part of the ClientHello, headers included."""
    records = bytearray()
    handshake = bytearray()
    while True:
        header = receive_exactly(connection, RECORD_HEADER_BYTES, deadline)
        content_type = header[0]
        body_length = int.from_bytes(header[3:5], "big")
        if content_type != CONTENT_TYPE_HANDSHAKE:
            raise CaptureError(f"record of content type {content_type}, expected a handshake record")
        if body_length == 0 or body_length > MAX_RECORD_BODY_BYTES:
            raise CaptureError(f"record body length {body_length} out of range")
        body = receive_exactly(connection, body_length, deadline)
        records += header + body
        handshake += body
        if len(handshake) >= HANDSHAKE_HEADER_BYTES:
            if handshake[0] != HANDSHAKE_TYPE_CLIENT_HELLO:
                raise CaptureError(f"handshake message of type {handshake[0]}, expected ClientHello")
            message_length = int.from_bytes(handshake[1:4], "big")
            if len(handshake) >= HANDSHAKE_HEADER_BYTES + message_length:
                return bytes(records)


def accept_client(listener, client, deadline):
    """Waits for the connection, giving up early when the client has already exited."""
    while time.monotonic() < deadline:
        listener.settimeout(min(ACCEPT_POLL_SECONDS, max(deadline - time.monotonic(), 0.001)))
        try:
            return listener.accept()[0]
        except socket.timeout:
            if client and client.poll() is not None:
                raise CaptureError(f"client exited with status {client.returncode} "
                                   "without connecting") from None
    raise CaptureError("no client connected before the timeout")


def capture(listener, client, output_path, deadline):
    with accept_client(listener, client, deadline) as connection:
        records = read_client_hello_records(connection, deadline)
    with open(output_path, "wb") as output:
        output.write(records)
    return records


def start_client(command, port):
    arguments = [argument.replace("{port}", str(port)) for argument in command]
    # A session of its own lets us stop the client together with any helpers it spawned.
    return subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            start_new_session=True)


def stop_client(client):
    try:
        client.wait(timeout=CLIENT_EXIT_GRACE_SECONDS)
        return
    except subprocess.TimeoutExpired:
        pass
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(client.pid, stop_signal)
        except ProcessLookupError:
            return
        try:
            client.wait(timeout=CLIENT_EXIT_GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def split_at_double_dash(argv):
    """Splits off the client command by hand: argparse would take the client's options as ours."""
    if "--" not in argv:
        return argv, []
    split = argv.index("--")
    return argv[:split], argv[split + 1:]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        usage="%(prog)s OUTPUT [--timeout SECONDS] [-- CLIENT ARGS...]",
        epilog="After '--': a client command to run, with '{port}' replaced by the port.")
    parser.add_argument("output", help="file to write the captured records to")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for the connection and the whole hello (default 30)")
    own_arguments, command = split_at_double_dash(sys.argv[1:])
    arguments = parser.parse_args(own_arguments)

    deadline = time.monotonic() + arguments.timeout
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        print(port, flush=True)
        client = start_client(command, port) if command else None
        try:
            records = capture(listener, client, arguments.output, deadline)
        except (CaptureError, OSError) as error:
            print(f"capture.py: {arguments.output}: {error}", file=sys.stderr)
            return 1
        finally:
            listener.close()
            if client:
                stop_client(client)
    print(f"capture.py: {arguments.output}: {len(records)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
