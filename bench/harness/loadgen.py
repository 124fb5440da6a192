"""Runs snigate-loadgen and returns its JSON result."""

import json
import subprocess
from contextlib import contextmanager

from .process_group import pinned


class LoadgenError(RuntimeError):
    pass


class Loadgen:
    def __init__(self, binary: str, cpus: str | None):
        self.binary = binary
        self.cpus = cpus

    def _command(self, workload: str, target: str, sni: str, options: dict) -> list:
        command = [self.binary, "--workload", workload, "--target", target, "--sni", sni]
        for name, value in options.items():
            command += [f"--{name}", str(value)]
        return pinned(command, self.cpus)

    def run(self, workload: str, target: str, sni: str, timeout_s: float, **options) -> dict:
        command = self._command(workload, target, sni, options)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as expired:
            raise LoadgenError(f"snigate-loadgen {workload} did not finish in {timeout_s:.0f} s") from expired
        if done.returncode != 0:
            raise LoadgenError(f"snigate-loadgen {workload} exited {done.returncode}: {done.stderr.strip()[:300]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    @contextmanager
    def holding(self, target: str, sni: str, timeout_s: float, **options):
        """Idle workload: yields the 'ready' line while the connections are held open."""
        command = self._command("idle", target, sni, options)
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            ready_line = process.stdout.readline()
            if not ready_line:
                raise LoadgenError(f"snigate-loadgen idle ended early: {process.stderr.read().strip()[:300]}")
            yield json.loads(ready_line)
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
