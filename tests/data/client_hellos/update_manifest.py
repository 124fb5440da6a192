#!/usr/bin/env python3
"""Adds or replaces one capture's entry in manifest.json, after checking the capture holds what
its client was asked to send (SNI and ALPN).

Usage: update_manifest.py CAPTURE.bin --client NAME --version TEXT --sni NAME|"" --alpn A,B|""
                          [--scratch DIR] -- CLIENT ARGS...
The client command is stored as run by capture.py: "{port}" stands for the ephemeral port and
"{scratch}" for the temporary directory given with --scratch.
"""

import argparse
import json
import os
import shlex
import sys

from capture import split_at_double_dash
from hello_inspect import inspect

MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.json")


def load_entries():
    if not os.path.exists(MANIFEST):
        return {}
    with open(MANIFEST) as manifest:
        return {entry["file"]: entry for entry in json.load(manifest)["captures"]}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="After '--': the client command as given to capture.py.")
    parser.add_argument("capture")
    parser.add_argument("--client", required=True, help="client program, e.g. 'openssl s_client'")
    parser.add_argument("--version", required=True, help="the client's version line")
    parser.add_argument("--sni", required=True, help="expected SNI host name, empty for none")
    parser.add_argument("--alpn", required=True, help="expected ALPN protocols, comma-separated")
    parser.add_argument("--scratch", help="temporary directory to show as {scratch} in the command")
    own_arguments, client_command = split_at_double_dash(sys.argv[1:])
    arguments = parser.parse_args(own_arguments)
    command = shlex.join(client_command)
    if arguments.scratch:
        command = command.replace(arguments.scratch, "{scratch}")

    with open(arguments.capture, "rb") as capture:
        found = inspect(capture.read())
    expected_sni = arguments.sni or None
    expected_alpn = arguments.alpn.split(",") if arguments.alpn else []
    if found["sni"] != expected_sni or found["alpn"] != expected_alpn:
        print(f"update_manifest.py: {arguments.capture}: holds SNI {found['sni']!r} and ALPN "
              f"{found['alpn']}, expected {expected_sni!r} and {expected_alpn}", file=sys.stderr)
        return 1

    name = os.path.basename(arguments.capture)
    entries = load_entries()
    entries[name] = {
        "file": name,
        "client": arguments.client,
        "version": arguments.version,
        "command": command,
        "sni": expected_sni,
        "alpn": expected_alpn,
        "bytes": found["bytes"],
        "records": found["records"],
        "record_body_lengths": found["record_body_lengths"],
        "handshake_bytes": found["handshake_bytes"],
        "key_share_groups": found["key_share_groups"],
    }
    with open(MANIFEST + ".new", "w") as manifest:
        json.dump({"captures": [entries[key] for key in sorted(entries)]}, manifest, indent=2)
        manifest.write("\n")
    os.replace(MANIFEST + ".new", MANIFEST)
    return 0


if __name__ == "__main__":
    sys.exit(main())
