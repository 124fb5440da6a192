"""bench/controller-scale's ack reader: acks are the controller's "snapshot pushed" lines, read as
they are written into the FIFO, everything else copied but ignored."""

import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from controller_scale.push_acks import PushAcks  # noqa: E402


def line(message: str, **fields) -> bytes:
    return (json.dumps({"level": "info", "msg": message, **fields}) + "\n").encode()


def test_acks_are_the_pushed_lines_and_wait_for_returns_when_one_matches():
    folder = tempfile.mkdtemp()
    acks = PushAcks(os.path.join(folder, "log.fifo"), os.path.join(folder, "log"))
    writer = open(acks.fifo_path, "wb", buffering=0)
    writer.write(line("connected to the dataplane", generation=0))
    writer.write(line("snapshot pushed", generation=1, routes=10))
    assert acks.wait_for(lambda generation, routes: generation == 1, time.monotonic() + 5)[1:] == (1, 10)
    assert acks.latest_generation() == 1

    later = threading.Timer(0.2, lambda: writer.write(b"not json\n" + line("snapshot pushed", generation=2, routes=12)))
    later.start()
    started = time.monotonic()
    seen, generation, routes = acks.wait_for(lambda generation, routes: routes >= 12, started + 5)
    assert (generation, routes) == (2, 12)
    assert 0.15 < seen - started < 2, "the ack is timed when its line arrives"
    assert acks.wait_for(lambda generation, routes: generation > 2, time.monotonic() + 0.1) is None
    writer.close()
    time.sleep(0.1)
    assert open(os.path.join(folder, "log"), "rb").read().count(b"\n") == 4, "every line is copied"
