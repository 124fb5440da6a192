"""The dataplane's acknowledgements as snigate-controller sees them, read from its log as they are
written: each "snapshot pushed" line is one ack (the dataplane applied the snapshot and answered).

The controller writes its log into a FIFO that a thread here reads line by line, so an ack is timed
when the controller logs it, without polling anything: polling the dataplane's /metrics every
millisecond would take CPU from the two processes being measured. Every line is copied to a file
too, for reading after the run."""

import json
import os
import threading
import time


class PushAcks:
    def __init__(self, fifo_path: str, copy_path: str):
        self.fifo_path = fifo_path
        os.mkfifo(fifo_path)
        self._copy_path = copy_path
        self._changed = threading.Condition()
        self._acks = []  # (monotonic time the line was read, generation, routes)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        # Opening a FIFO for reading blocks until the controller opens it for writing.
        with open(self.fifo_path, "rb") as lines, open(self._copy_path, "ab") as copy:
            for line in lines:
                seen = time.monotonic()
                copy.write(line)
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("msg") != "snapshot pushed":
                    continue
                with self._changed:
                    self._acks.append((seen, int(entry["generation"]), int(entry["routes"])))
                    self._changed.notify_all()
            copy.flush()

    def latest_generation(self) -> int:
        with self._changed:
            return self._acks[-1][1] if self._acks else 0

    def wait_for(self, condition, deadline: float):
        """Waits for an ack that satisfies condition(generation, routes); returns the first such
        (monotonic time its line was read, generation, routes), or None at the deadline."""
        with self._changed:
            checked = 0
            while True:
                for ack in self._acks[checked:]:
                    if condition(ack[1], ack[2]):
                        return ack
                checked = len(self._acks)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
