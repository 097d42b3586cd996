"""Sizes a user's file declares are checked against this machine before anything is allocated.

A header can claim 10^15 bytes; a mixture can claim 300,000 dimensions (a 720 GB covariance).
Reading such a claim must end in one line ("needs 7.3 TiB, this machine has 23 GiB available"),
not in a MemoryError half-way through, so every reader calls :func:`check_fits` with the bytes it
is about to allocate before it allocates them.
"""
from __future__ import annotations

import os

from tinyscore.errors import TinyscoreError


def available_memory() -> int:
    """Bytes of memory available to a new allocation (MemAvailable on Linux, else physical memory)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - exotic platforms
        return 1 << 40


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} EiB"  # pragma: no cover


def check_fits(nbytes: float, what: str, fraction: float = 0.8) -> None:
    """Refuse ``what`` with one line when ``nbytes`` exceed ``fraction`` of the available memory."""
    avail = available_memory()
    if nbytes > fraction * avail:
        raise TinyscoreError(f"{what} needs {human_bytes(nbytes)}, this machine has {human_bytes(avail)} available")
