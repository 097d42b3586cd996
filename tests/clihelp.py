"""Running the command line in-process, and the contract every refused input must keep.

A refused input exits with status 2, prints exactly one stderr line starting ``error:``, shows no
traceback, leaves nothing behind (no new file anywhere under the watched folders) and leaves an
existing destination byte-for-byte untouched.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import cli


def run_cli(args, capsys):
    """Run ``cli.py ARGS`` in this process; returns (exit code, stdout, stderr)."""
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(*folders) -> dict:
    """Every file under ``folders`` (hidden ones included) with its SHA-256."""
    snap = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.exists():
            continue
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.is_symlink():
                snap[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif p.is_dir():
                snap[str(p)] = "dir"
    return snap


def assert_refused(args, capsys, watch=(), contains: str | None = None) -> str:
    """Run ARGS and check the refusal contract; returns the error line."""
    watch = [Path(w) for w in watch]
    before = snapshot(*watch)
    code, out, err = run_cli(args, capsys)
    lines = [shown for line in err.splitlines() if (shown := line.split("\r")[-1]).strip()]  # as a terminal shows
    assert "Traceback" not in err, err
    assert code == 2, f"exit {code}, stderr: {err!r}, stdout: {out!r}"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"stderr: {err!r}"
    if contains is not None:
        assert contains.lower() in lines[0].lower(), f"{contains!r} not in {lines[0]!r}"
    after = snapshot(*watch)
    assert after == before, f"files changed: {set(after.items()) ^ set(before.items())}"
    return lines[0]
