"""Which device a command runs on: ``--device auto`` (a GPU when there is one), cpu, cuda or cuda:K.

Beside tinyscore.config and tinyscore.errors at the bottom of the house, so that every layer that
runs a model (training, the analyses, the study, the public API) can read it without importing
another; torch is imported only when a device is picked, so the command line's ``--help`` stays fast.
"""
from __future__ import annotations

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
