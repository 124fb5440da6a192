"""Sequential changes through the API, each timed until the dataplane holds it: a new generation seen
on /metrics (polled every millisecond), then its content checked once from the control socket."""

import time
from dataclasses import dataclass
from typing import Callable

from .dataplane_probe import DataplaneProbe
from .report import summarize_latencies


@dataclass
class Change:
    write: Callable[[], None]          # sends the change to the API and returns when it answered
    held: Callable[[dict], bool]        # whether the dataplane's routes show it


def measure_changes(probe: DataplaneProbe, changes, requested: int, time_limit_s: float, change_timeout_s: float,
                    interval_s: float, log: Callable[[str], None]) -> dict:
    """Runs up to `requested` changes from the iterator `changes`, one at a time, until the count or the
    phase's time limit is reached, or one change is not held within change_timeout_s."""
    from_send, from_return = [], []
    timeouts = 0
    phase_deadline = time.monotonic() + time_limit_s
    stopped_by_time_limit = False
    for number in range(requested):
        if time.monotonic() > phase_deadline:
            stopped_by_time_limit = True
            break
        change = next(changes)
        generation = probe.generation()
        sent = time.monotonic()
        change.write()
        returned = time.monotonic()
        deadline = returned + change_timeout_s
        held_at = None
        while held_at is None:
            seen, metrics = probe.wait_for(lambda m: m.get("snigate_snapshot_generation", 0) > generation, deadline,
                                            interval_s)
            if seen is None:
                break
            generation = metrics["snigate_snapshot_generation"]
            if change.held(probe.routes()):
                held_at = seen
        if held_at is None:
            timeouts += 1
            log(f"change {number + 1} not held within {change_timeout_s} s; stopping this phase")
            break
        from_send.append((held_at - sent) * 1000)
        from_return.append((held_at - returned) * 1000)
        if (number + 1) % max(1, requested // 10) == 0 or held_at - sent > 2:
            log(f"change {number + 1}/{requested}: held {from_return[-1]:.1f} ms after the write returned")
    return {
        "requested": requested, "done": len(from_send), "timeouts": timeouts,
        "stopped_by_time_limit": stopped_by_time_limit, "time_limit_s": time_limit_s, "change_timeout_s": change_timeout_s,
        "from_write_return_ms": summarize_latencies(from_return), "from_send_ms": summarize_latencies(from_send),
        "samples_from_write_return_ms": [round(value, 2) for value in from_return],
        "samples_from_send_ms": [round(value, 2) for value in from_send],
    }
