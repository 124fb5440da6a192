"""Starts a program in a process group of its own, measures the group through /proc, stops it."""

import os
import signal
import subprocess
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def pinned(command: list, cpus: str | None) -> list:
    return ["taskset", "-c", cpus, *command] if cpus else command


class ProcessGroup:
    def __init__(self, command: list, cpus: str | None, cwd: str, env: dict | None = None, log_path: str | None = None):
        log = open(log_path or os.devnull, "ab")
        self.process = subprocess.Popen(pinned(command, cpus), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=log, start_new_session=True)
        log.close()
        self.pgid = self.process.pid
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def pids(self) -> list:
        """Every live process of the group: an nginx master and its workers, old HAProxy workers."""
        members = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.pgid and fields[0] != "Z":
                members.append(int(entry))
        return members

    def cpu_seconds(self) -> float:
        """User plus system time of the live members (all their threads)."""
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                continue
        return total / CLOCK_TICKS

    def rss_bytes(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/statm") as statm:
                    total += int(statm.read().split()[1]) * PAGE_BYTES
            except OSError:
                continue
        return total

    def open_files(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                total += len(os.listdir(f"/proc/{pid}/fd"))
            except OSError:
                continue
        return total

    def stop(self, grace_s: float = 5.0) -> None:
        for signum, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, grace_s)):
            try:
                os.killpg(self.pgid, signum)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait_s
            while time.monotonic() < deadline and (self.alive() or self.pids()):
                time.sleep(0.02)
            if not self.alive() and not self.pids():
                break
        if self.alive():
            self.process.wait(timeout=grace_s)
