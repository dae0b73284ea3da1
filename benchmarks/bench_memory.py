"""A process's own memory, from /proc/self (Linux): current RSS and its peak since a reset."""

from __future__ import annotations

from pathlib import Path


def status_kib(field: str) -> int:
    """A `VmRSS`-style field of /proc/self/status in KiB (0 where there is none)."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:  # not Linux
        return 0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    """Start VmHWM again from the current RSS; False where the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or /proc/self is root's (a non-dumpable process, not root)
        return False
    return True
