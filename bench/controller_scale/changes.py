"""Sequential changes through the API, each timed until the dataplane acknowledged a snapshot that
holds it: after each ack the controller logs, the dataplane's snapshot is read from the control
socket; once it shows the change, the time is that of the ack of the generation it carries. A change
may name further moments (milestones) it reaches, such as a status the controller writes; each is
timed from the same write, and the next change starts only once the change reached all of them."""

import time
from dataclasses import dataclass, field
from typing import Callable

from .dataplane_probe import DataplaneProbe, routes_of
from .push_acks import PushAcks
from .report import summarize_latencies


@dataclass
class Change:
    write: Callable[[], None]          # sends the change to the API and returns when it answered
    held: Callable[[dict], bool]        # whether the dataplane's routes show it
    # name -> wait(deadline): the monotonic time the change reached that moment (perhaps before the
    # wait began), or None if not by the deadline. Awaited in turn once the change is held.
    milestones: dict = field(default_factory=dict)


def measure_changes(probe: DataplaneProbe, acks: PushAcks, changes, requested: int, time_limit_s: float,
                    change_timeout_s: float, log: Callable[[str], None]) -> dict:
    """Runs up to `requested` changes from the iterator `changes`, one at a time, until the count or the
    phase's time limit is reached, or one change is not held (or misses a milestone) within change_timeout_s."""
    from_send, from_return = [], []
    milestones = {}  # name -> (from send, from return) samples
    timeouts = 0
    phase_deadline = time.monotonic() + time_limit_s
    stopped_by_time_limit = False
    for number in range(requested):
        if time.monotonic() > phase_deadline:
            stopped_by_time_limit = True
            break
        change = next(changes)
        generation = acks.latest_generation()
        sent = time.monotonic()
        change.write()
        returned = time.monotonic()
        deadline = returned + change_timeout_s
        held_at = None
        while held_at is None:
            ack = acks.wait_for(lambda acked, _routes, after=generation: acked > after, deadline)
            if ack is None:
                break
            generation = ack[1]
            document = probe.snapshot_document()
            if change.held(routes_of(document)):
                # The dataplane may already hold a later generation than the ack that woke us.
                held = acks.wait_for(lambda acked, _routes, wanted=document["generation"]: acked >= wanted, deadline)
                held_at = held[0] if held else None
                break
        if held_at is None:
            timeouts += 1
            log(f"change {number + 1} not held within {change_timeout_s} s; stopping this phase")
            break
        reached = {name: wait(deadline) for name, wait in change.milestones.items()}
        missed = [name for name, at in reached.items() if at is None]
        if missed:
            timeouts += 1
            log(f"change {number + 1}: {', '.join(missed)} not reached within {change_timeout_s} s; stopping this phase")
            break
        from_send.append((held_at - sent) * 1000)
        from_return.append((held_at - returned) * 1000)
        for name, at in reached.items():
            samples = milestones.setdefault(name, ([], []))
            samples[0].append((at - sent) * 1000)
            samples[1].append((at - returned) * 1000)
        if (number + 1) % max(1, requested // 10) == 0 or held_at - sent > 2:
            also = "".join(f", {name} {(at - returned) * 1000:.1f} ms" for name, at in reached.items())
            log(f"change {number + 1}/{requested}: held {from_return[-1]:.1f} ms after the write returned{also}")
    phase = {
        "requested": requested, "done": len(from_send), "timeouts": timeouts,
        "stopped_by_time_limit": stopped_by_time_limit, "time_limit_s": time_limit_s, "change_timeout_s": change_timeout_s,
        **_latencies(from_send, from_return),
    }
    if milestones:
        phase["milestones"] = {name: _latencies(*samples) for name, samples in milestones.items()}
    return phase


def _latencies(from_send: list, from_return: list) -> dict:
    return {
        "from_write_return_ms": summarize_latencies(from_return), "from_send_ms": summarize_latencies(from_send),
        "samples_from_write_return_ms": [round(value, 2) for value in from_return],
        "samples_from_send_ms": [round(value, 2) for value in from_send],
    }
