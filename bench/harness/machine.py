"""What the results were measured on: CPU, kernel, memory, the kernel settings that matter."""

import os
import platform


def _read(path: str) -> str:
    try:
        with open(path) as source:
            return source.read().strip()
    except OSError:
        return ""


def describe_machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor())
    memory_kib = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                       if line.startswith("MemTotal")), 0)
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gib": round(memory_kib / (1 << 20), 1),
        "kernel": platform.release(),
        "os": _read("/etc/debian_version") and f"Debian {_read('/etc/debian_version')}",
        "sysctl": {name: _read(f"/proc/sys/net/{path}") for name, path in {
            "net.core.somaxconn": "core/somaxconn",
            "net.ipv4.ip_local_port_range": "ipv4/ip_local_port_range",
            "net.ipv4.tcp_tw_reuse": "ipv4/tcp_tw_reuse",
        }.items()},
        "load_average_at_start": _read("/proc/loadavg").split()[:3],
    }
