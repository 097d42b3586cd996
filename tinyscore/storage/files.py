"""Writing files so that no user file is ever lost or half-written.

Every output of tinyscore (checkpoints, run directories, trajectory files, prepared images, JSON,
figures) follows four rules:

1. **Atomic.** It is written under a temporary name in the destination folder and renamed into
   place only when complete (``os.replace`` within one folder is atomic), so a reader sees the old
   file or the new one, never half of one.
2. **Owned temporaries.** A temporary is named ``.NAME.tinyscore-HOST-PID-RANDOM.tmp``: the
   destination's name, tinyscore's tag, the host and the process that made it. A writer removes
   the temporaries of *its own destination* whose process is gone (killed by -9), and nothing
   else: never a pattern over the user's tree, never a file whose name it did not make.
3. **No silent replacement.** An existing destination is replaced only with ``force`` (the CLI's
   ``--force``), and this is checked at the moment of the final rename, not only at the start:
   a file is published with ``os.link`` (which fails if the name exists), a folder with
   ``os.rename`` (which fails onto a non-empty folder), so a second writer that finished first is
   never overwritten.
4. **One writer per destination.** :func:`destination_lock` takes an ``flock`` on
   ``.NAME.tinyscore-lock`` beside the destination; a second writer fails at once with one line
   naming the holder (host, pid, command). The kernel drops the lock when its process dies, so a
   lock is never stale, whatever killed its holder.
"""
from __future__ import annotations

import contextlib
import contextvars
import errno
import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from pathlib import Path

from tinyscore.errors import TinyscoreError

TAG = "tinyscore"
_REPLACE = contextvars.ContextVar("tinyscore_replace", default=False)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"


_TMP_RE = re.compile(r"^\.(?P<name>.+)\.tinyscore-(?P<host>[A-Za-z0-9]+)-(?P<pid>\d+)-[0-9a-f]+\.tmp$")


def temp_name(path: Path) -> Path:
    """``.NAME.tinyscore-HOST-PID-RANDOM.tmp`` beside ``path``: unmistakably ours, with its maker."""
    return path.with_name(f".{path.name}.{TAG}-{_host()}-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def is_alive(pid: int) -> bool:
    """Is process ``pid`` running on this host?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def remove_stale_temporaries(path) -> int:
    """Remove this host's temporaries of destination ``path`` whose process is gone; returns how many."""
    path = Path(path)
    count = 0
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return 0
    for p in entries:
        m = _TMP_RE.match(p.name)
        if m and m["name"] == path.name and m["host"] == _host() and not is_alive(int(m["pid"])):
            _remove(p)
            count += 1
    return count


# ------------------------------------------------------------------------ replacement
@contextlib.contextmanager
def allow_replace(force: bool = True):
    """Within this block, writers may replace existing destinations (the CLI's ``--force``)."""
    token = _REPLACE.set(bool(force))
    try:
        yield
    finally:
        _REPLACE.reset(token)


def replacing() -> bool:
    return _REPLACE.get()


def exists_error(path: Path) -> TinyscoreError:
    kind = "folder" if path.is_dir() else "file"
    return TinyscoreError(f"{path} exists already ({kind}); pass --force to replace it, or choose another name")


def check_destination(path, force: bool | None = None, folder: bool = False, owned=None) -> Path:
    """Refuse early a destination that exists (unless forced) or has the wrong kind or no parent, or
    that names no new entry ('.', '..', '/'). A folder is replaced (with force) only when it holds
    nothing but entries named in ``owned``: what the command itself writes there (see
    :func:`check_owned`)."""
    path = Path(path)
    force = replacing() if force is None else force
    if path.name in ("", ".", ".."):
        raise TinyscoreError(f"{path} names no new {'folder' if folder else 'file'}: give the output a name "
                             "of its own")
    if path.exists() or path.is_symlink():
        if folder and not path.is_dir():
            raise TinyscoreError(f"{path} exists and is not a folder")
        if not folder and path.is_dir():
            raise TinyscoreError(f"{path} is a folder, expected a file name")
        if not force:
            raise exists_error(path)
        if folder and owned is not None:
            check_owned(path, owned)
    return path


def check_owned(path: Path, owned) -> None:
    """Refuse to replace folder ``path`` when it holds anything not named in ``owned``: --force
    replaces what tinyscore wrote, never a user's folder (a data folder, a project) by mistake."""
    if path.is_symlink():
        raise TinyscoreError(f"{path} is a link to a folder; --force replaces only a folder tinyscore wrote")
    try:
        foreign = sorted(e for e in os.listdir(path) if e not in owned)
    except OSError as e:
        raise TinyscoreError(f"{path} cannot be read ({e.strerror or e})") from None
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise TinyscoreError(f"{path} holds files tinyscore did not write there ({shown}); --force replaces "
                             "only such a folder: choose another name, or move them out")


def check_not_input(path: Path, inputs) -> None:
    """Refuse an output that is one of the command's inputs, or that exists inside an input folder
    (replacing it, even with --force, would destroy what the command reads)."""
    try:
        out = Path(os.path.abspath(path))
        exists = out.exists()
    except (OSError, ValueError):
        return                                  # check_destination names what is wrong with it
    for given in inputs:
        inp = Path(os.path.abspath(given))
        try:
            same = out == inp or (exists and inp.exists() and os.path.samefile(out, inp))
            inside = exists and inp.is_dir() and any(os.path.samefile(q, inp) for q in out.parents)
        except OSError:
            continue
        if same:
            raise TinyscoreError(f"{path} is also an input of this command; write the output elsewhere")
        if inside:
            raise TinyscoreError(f"{path} is inside {given}, an input of this command; write the output elsewhere")


def publish_file(tmp: Path, path: Path, force: bool) -> None:
    """Move the finished ``tmp`` to ``path``; without ``force`` fail if ``path`` appeared meanwhile."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)                 # atomic: fails if the name exists, whoever made it
    except FileExistsError:
        raise exists_error(path) from None
    except OSError as e:                   # a file system without hard links: check, then rename
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():
            raise exists_error(path) from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


def publish_folder(tmp: Path, path: Path, force: bool, owned=None) -> None:
    """Move the finished folder ``tmp`` to ``path``; an existing ``path`` is replaced only with ``force``
    (and, given ``owned``, only when it holds nothing else: :func:`check_owned`)."""
    if path.exists() and force:
        if owned is not None:
            check_owned(path, owned)
        old = temp_name(path)
        os.rename(path, old)               # aside first, so the swap cannot lose both
        try:
            os.rename(tmp, path)
        except BaseException:
            os.rename(old, path)
            raise
        _remove(old)
        return
    try:
        os.rename(tmp, path)               # fails onto a non-empty folder or a file
    except OSError as e:
        if e.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise exists_error(path) from None
        raise


# ----------------------------------------------------------------------------- locks
def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{TAG}-lock")


_HELD: set = set()     # locks this process holds: taking one again (a command, then its writer) is a no-op


@contextlib.contextmanager
def destination_lock(path):
    """Hold an exclusive lock on destination ``path``; a second holder fails at once, naming the first."""
    import fcntl
    path = Path(path)
    lp = lock_path(path)
    key = os.path.abspath(lp)
    if key in _HELD:
        yield lp
        return
    while True:
        fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
                who = f"pid {holder['pid']} on {holder['host']}, since {holder['since']}: {holder['command']}"
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                who = "another process"
            os.close(fd)
            raise TinyscoreError(f"{path} is being written by another tinyscore process ({who}); "
                                 "wait for it to finish or choose another name") from None
        except BaseException:
            os.close(fd)
            raise
        try:                               # the file we locked must still be the one at lp
            same = os.path.samestat(os.fstat(fd), os.stat(lp))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)                       # its holder removed it as we opened it: try again
    try:
        info = {"host": socket.gethostname(), "pid": os.getpid(),
                "since": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join(sys.argv[:8])[:300]}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        _HELD.add(key)
        yield lp
    finally:
        _HELD.discard(key)
        with contextlib.suppress(OSError):
            os.unlink(lp)
        os.close(fd)


# ---------------------------------------------------------------------------- writers
@contextlib.contextmanager
def atomic_path(path, make_parents: bool = False, force: bool | None = None, lock: bool = True):
    """Yield a temporary path beside ``path``; publish it as ``path`` only if the block succeeds.

    ``force`` (default: the enclosing :func:`allow_replace`) allows replacing an existing ``path``;
    otherwise an existing one is refused both now and at the final rename.
    """
    path = Path(path)
    force = replacing() if force is None else force
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise TinyscoreError(f"folder {path.parent} does not exist")
    check_destination(path, force)
    with destination_lock(path) if lock else contextlib.nullcontext():
        remove_stale_temporaries(path)
        tmp = temp_name(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the umask applies
        os.close(fd)
        try:
            yield tmp
            publish_file(tmp, path, force)
        finally:
            tmp.unlink(missing_ok=True)


#: HDF5 files up to this size are built in memory and then written like any other bytes: HDF5
#: itself meets a full disk badly (errors while closing, then a crash); our own write turns it
#: into one OSError. Larger files are written in place after a check of the free space, through
#: a Python file object as well, so a failed write is a Python OSError there too, and the bytes
#: are those the file would have had in memory. Kept small, so that a writer that streams its
#: data (tinyscore.storage.store.trajectory_writer) holds little of it.
H5_IN_MEMORY = 64 << 20


@contextlib.contextmanager
def atomic_h5(path, expected_bytes: int = 0, force: bool | None = None):
    """Yield a writable ``h5py.File`` that becomes ``path`` atomically when the block succeeds.

    HDF5 writes through h5py's file-object driver in both cases: into memory up to
    :data:`H5_IN_MEMORY` bytes (``expected_bytes``), into the owned temporary beyond (after a
    check of the free space), so the same content gives the same bytes whatever its size.
    """
    import io

    import h5py
    path = Path(path)
    if expected_bytes <= H5_IN_MEMORY:
        check_destination(path, force)
        buf = io.BytesIO()
        with h5py.File(buf, "w", track_order=False) as f:
            yield f
        with buf.getbuffer() as view:          # the bytes without a copy of them
            write_bytes(path, view, force=force)
        return
    with atomic_path(path, force=force) as tmp:
        check_free_space(path.parent, expected_bytes)
        with open(tmp, "r+b") as fo:
            with h5py.File(fo, "w", track_order=False) as f:
                yield f
            fo.flush()
            os.fsync(fo.fileno())


def check_free_space(folder, nbytes: int) -> None:
    """Refuse with one line to write ``nbytes`` into ``folder`` when its disk has less room."""
    from tinyscore.storage.limits import human_bytes
    free = shutil.disk_usage(folder).free
    if nbytes > free:
        raise TinyscoreError(f"writing {human_bytes(nbytes)} into {folder} needs more room than the "
                             f"{human_bytes(free)} free on its disk")


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes, read a MiB at a time."""
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_bytes(path, data: bytes, make_parents: bool = False, force: bool | None = None) -> None:
    """Write a file atomically (flushed to disk before it is published)."""
    with atomic_path(path, make_parents, force) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def write_text(path, text: str, make_parents: bool = False, force: bool | None = None) -> None:
    """Write a text file atomically."""
    write_bytes(path, text.encode(), make_parents, force)
