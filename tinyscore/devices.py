"""Which device a command runs on: ``--device auto`` (a GPU when there is one), cpu, cuda or cuda:K.

Beside tinyscore.config and tinyscore.errors at the bottom of the house, so that every layer that
runs a model (training, the analyses, the study, the public API) can read it without importing
another; torch is imported only when a device is picked, so the command line's ``--help`` stays fast.
"""
from __future__ import annotations

import contextlib

from tinyscore.errors import TinyscoreError


def pick_device(device: str):
    """The ``torch.device`` named by ``device`` ('auto': cuda when available, else cpu); one line when it
    names no device, or asks for CUDA on a machine without it."""
    import torch
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise TinyscoreError(f"device {device!r} asked for, but no CUDA device is available")
    try:
        return torch.device(device)
    except RuntimeError:
        raise TinyscoreError(f"unknown device {device!r}") from None


@contextlib.contextmanager
def cpu_threads(threads: int | None, device=None):
    """Run the body with torch's intra-op threads and NumPy's BLAS on ``threads`` CPU threads (None or 0: as
    they are; on a ``device`` that is not the CPU, torch's are left alone). One thread is the library's
    default everywhere (training, the analysis commands, the study's workers): a small MLP gains nothing
    from intra-op threads, and on a shared machine OpenMP threads spin-wait each other (measured: a 40x40
    conv step took 4x longer with 2 threads than with 1 on a busy 2-core box; trajectories and attractors
    4-8x slower)."""
    import torch
    before = torch.get_num_threads()
    on_cpu = device is None or torch.device(device).type == "cpu"
    if threads and on_cpu:
        torch.set_num_threads(int(threads))
    try:
        with blas_threads(threads):
            yield
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def blas_threads(threads: int | None):
    """Run the body with NumPy's BLAS on ``threads`` threads (None or 0: as it is), as ``--threads``
    does for torch: the exact mixture's products go through NumPy's BLAS, whose threads spin-wait
    on a shared machine as torch's do. Only an OpenBLAS found loaded is told; another BLAS is left alone."""
    libs = _openblas_threads() if threads else []
    before = [get() for get, _ in libs]
    for _, set_threads in libs:
        set_threads(int(threads))
    try:
        yield
    finally:
        for (_, set_threads), n in zip(libs, before):
            set_threads(n)


def _openblas_threads() -> list:
    """(get, set) of the thread count of every OpenBLAS this process has loaded (Linux; else none)."""
    import ctypes
    import numpy  # noqa: F401  (loads NumPy's BLAS)
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line})
    except OSError:
        return []
    out = []
    for path in paths:
        lib = ctypes.CDLL(path)
        for name in ("openblas_{}_num_threads", "openblas_{}_num_threads64_", "scipy_openblas_{}_num_threads64_"):
            get, put = (getattr(lib, name.format(v), None) for v in ("get", "set"))
            if get is not None and put is not None:
                put.argtypes, get.restype = [ctypes.c_int], ctypes.c_int
                out.append((get, put))
                break
    return out
