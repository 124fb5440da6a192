#!/usr/bin/env python3
"""Reads a captured ClientHello and reports what it holds: records, SNI, ALPN, key share groups.

An independent check on the captures (and on the manifest written from them), written for
clarity over speed: it trusts nothing and fails loudly on any inconsistency.

Usage: hello_inspect.py CAPTURE.bin...   (prints one JSON object per file)
"""

import json
import sys

EXTENSION_SERVER_NAME = 0
EXTENSION_ALPN = 16
EXTENSION_KEY_SHARE = 51


class MalformedHello(Exception):
    pass


class Reader:
    def __init__(self, data, what):
        self.data = data
        self.offset = 0
        self.what = what

    def take(self, count):
        if self.offset + count > len(self.data):
            raise MalformedHello(f"{self.what}: needs {count} bytes at offset {self.offset}, "
                                 f"has {len(self.data) - self.offset}")
        chunk = self.data[self.offset:self.offset + count]
        self.offset += count
        return chunk

    def number(self, width):
        return int.from_bytes(self.take(width), "big")

    def vector(self, length_width, what):
        return Reader(self.take(self.number(length_width)), what)

    def at_end(self):
        return self.offset == len(self.data)

    def expect_end(self):
        if not self.at_end():
            raise MalformedHello(f"{self.what}: {len(self.data) - self.offset} trailing bytes")


def split_records(capture):
    """Returns the record bodies; the capture must be whole records of handshake type."""
    reader = Reader(capture, "records")
    bodies = []
    while not reader.at_end():
        content_type = reader.number(1)
        reader.number(2)
        body = reader.take(reader.number(2))
        if content_type != 22:
            raise MalformedHello(f"record {len(bodies)}: content type {content_type}")
        bodies.append(body)
    return bodies


def parse_extensions(extensions):
    found = {"sni": None, "alpn": [], "key_share_groups": [], "extension_types": []}
    while not extensions.at_end():
        extension_type = extensions.number(2)
        body = extensions.vector(2, f"extension {extension_type}")
        found["extension_types"].append(extension_type)
        if extension_type == EXTENSION_SERVER_NAME:
            names = body.vector(2, "server_name_list")
            name_type = names.number(1)
            if name_type != 0:
                raise MalformedHello(f"server name of type {name_type}")
            found["sni"] = names.vector(2, "host_name").data.decode("ascii")
        elif extension_type == EXTENSION_ALPN:
            protocols = body.vector(2, "protocol_name_list")
            while not protocols.at_end():
                found["alpn"].append(protocols.vector(1, "protocol_name").data.decode("ascii"))
        elif extension_type == EXTENSION_KEY_SHARE:
            shares = body.vector(2, "client_shares")
            while not shares.at_end():
                found["key_share_groups"].append(shares.number(2))
                shares.vector(2, "key_exchange")
    return found


def inspect(capture):
    bodies = split_records(capture)
    handshake = Reader(b"".join(bodies), "handshake")
    if handshake.number(1) != 1:
        raise MalformedHello("first handshake message is not a ClientHello")
    hello = handshake.vector(3, "ClientHello")
    handshake.expect_end()
    hello.take(2 + 32)  # legacy_version, random
    hello.vector(1, "legacy_session_id")
    hello.vector(2, "cipher_suites")
    hello.vector(1, "legacy_compression_methods")
    found = parse_extensions(hello.vector(2, "extensions"))
    hello.expect_end()
    return {"bytes": len(capture), "records": len(bodies),
            "record_body_lengths": [len(body) for body in bodies],
            "handshake_bytes": 4 + len(hello.data), **found}


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as capture:
            print(json.dumps({"file": path, **inspect(capture.read())}))


if __name__ == "__main__":
    main()
