"""Writing files so that no user file is ever lost, half-written or written through a link.

Every output of tinyscore (checkpoints, run directories, trajectory files, prepared images, JSON,
figures) and every file it keeps beside them (locks, temporaries, unfinished runs, study claims,
worker registrations and logs) follows five rules:

1. **Atomic.** It is written under a temporary name in the destination folder and renamed into
   place only when complete (``os.replace`` within one folder is atomic), so a reader sees the old
   file or the new one, never half of one.
2. **Owned temporaries.** A temporary is named ``.NAME.tinyscore-HOST-PID-RANDOM.tmp``: the
   destination's name, tinyscore's tag, the host and the process that made it. A writer removes
   the temporaries of *its own destination* whose process is gone (killed by -9), and nothing
   else: never a pattern over the user's tree, never a file whose name it did not make.
3. **No silent replacement.** An existing destination is replaced only with ``--force``, and this
   is checked at the moment of the final rename, not only at the start: a file is published with
   ``os.link`` (which fails if the name exists), a folder with ``os.rename`` (which fails onto a
   non-empty folder), so a second writer that finished first is never overwritten.
4. **One writer per destination.** :func:`destination_lock` takes an ``flock`` on
   ``.NAME.tinyscore-lock`` beside the destination; a second writer fails at once with one line
   naming the holder (host, pid, command). The kernel drops the lock when its process dies, so a
   lock is never stale, whatever killed its holder.
5. **Never through a link.** In a shared folder anyone who can write there can put a symbolic or
   a hard link at a name tinyscore is about to use, pointing at a file of yours. So a new file is
   created only by :func:`create_new` (``O_CREAT | O_EXCL | O_NOFOLLOW``: any existing name, a
   dangling link included, makes it fail), and a file tinyscore finds already there and writes
   again (a lock left by a killed process, the statistics of an unfinished run, a worker's log) is
   opened only by :func:`open_own`: not through a symbolic link, and only a regular file with one
   name (no hard link to another file) -- owned by this user where its contents are trusted. A
   temporary is reopened only by :func:`reopen`, which checks that it is still the very file
   created; and it is checked again before it is published. Anything else is refused with one
   line before a byte is written. Replacing a name (``os.replace``, ``os.rename``, ``os.link``)
   never writes through it, so a link planted at a destination is, with ``--force``, replaced as
   a name and its target left alone. (Folders the user names on the way to an output are followed
   as given: a link there is the user's own choice, not a planted name.)

**Who may replace (--force): one mechanism.** Whether an existing output may be replaced is a
property of the command the user typed, not of each function on the way, so it travels one way:
the command line sets :func:`allow_replace` once, around the whole command (``cli.py``'s
``_writes``, for every command), and the writers here read it (:func:`replacing`) at the moment
they check and publish a destination. The library's entry points that take a ``force`` argument
(``tinyscore.api.train``, ``tinyscore.training.loop.train``) do nothing with it but set the same
context for their block. ``force=True`` given to a writer here is for a file that is the caller's
own by construction (a file inside its own unfinished run), never for a user's output.
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
import stat
import sys
import time
from pathlib import Path

from tinyscore.errors import TinyscoreError

TAG = "tinyscore"
_REPLACE = contextvars.ContextVar("tinyscore_replace", default=False)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


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


# --------------------------------------------------------------------- never through a link
def kind_of(st) -> str:
    """What a file-system entry is, in words (for messages): 'a folder', 'a symbolic link', ..."""
    mode = st.st_mode
    for test, words in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISREG, "a file"),
                        (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "a special file"


def what_is(path) -> str:
    """What is true of ``path``, as the end of a sentence about it: 'does not exist', 'is a folder',
    'is a character device, not a regular file', 'cannot be read (permission denied)', 'is a file'."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "does not exist"
    except NotADirectoryError:
        return "does not exist (a part of its path is a file, not a folder)"
    except OSError as e:
        return f"cannot be looked at ({e.strerror or e})"
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError:
            return "is a symbolic link to nothing (its target does not exist)"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder" if os.access(path, os.R_OK | os.X_OK) else "is a folder that cannot be read"
    if not stat.S_ISREG(st.st_mode):
        return f"is {kind_of(st)}, not a regular file"
    return "is a file" if os.access(path, os.R_OK) else "cannot be read (permission denied)"


def not_ours(path, st, folder: bool = False) -> TinyscoreError:
    """The one line that refuses to write to ``path`` (whose ``lstat`` is ``st``), a file or, with
    ``folder``, a folder tinyscore would reuse."""
    if stat.S_ISLNK(st.st_mode):
        what = "is a symbolic link"
    elif folder != stat.S_ISDIR(st.st_mode) or not (folder or stat.S_ISREG(st.st_mode)):
        what = f"is {kind_of(st)}, not {'a folder' if folder else 'a regular file'}"
    elif not folder and st.st_nlink != 1:
        what = f"has {st.st_nlink} names (a hard link to another file)"
    else:
        what = f"belongs to another user (uid {st.st_uid})"
    return TinyscoreError(f"{path} {what}; tinyscore writes only to {'folders' if folder else 'files'} of its own, "
                          "never through a link (someone may have put it there): remove it, or choose another name")


def create_new(path, mode: int = 0o666) -> int:
    """Create ``path`` as a new, empty file and return a descriptor open for reading and writing.

    ``O_CREAT | O_EXCL`` fails on any name that exists, a symbolic link (even a dangling one)
    included, and ``O_NOFOLLOW`` says the same a second time: the file is always a new one of
    ours. The umask applies to ``mode``."""
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)


def open_own(path, flags: int = os.O_RDWR, create: bool = True, owner: bool = True, mode: int = 0o644) -> int:
    """Open ``path`` for writing where tinyscore may find it already there and write it again (a lock
    left by a killed process, the statistics of an unfinished run, a worker's log).

    Never through a symbolic link (``O_NOFOLLOW``), and only a regular file with one name (a hard
    link would write into another file); with ``owner``, only one of this user. Anything else is
    refused with one line, before a byte is written. Returns the descriptor."""
    path = Path(path)
    flags |= (os.O_CREAT if create else 0) | _NOFOLLOW | _CLOEXEC | _NONBLOCK    # a FIFO must not block us
    try:
        fd = os.open(path, flags, mode)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO, errno.EISDIR, errno.EWOULDBLOCK):
            st = _lstat(path)
            if st is not None:
                raise not_ours(path, st) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or (owner and st.st_uid != os.geteuid()):
            raise not_ours(path, st)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lstat(path):
    try:
        return os.lstat(path)
    except OSError:
        return None


def open_append(path, create: bool = True):
    """A text file of ours opened for appending (see :func:`open_own`)."""
    return os.fdopen(open_own(path, os.O_WRONLY | os.O_APPEND, create=create, mode=0o666), "a")


def check_own_folder(path) -> None:
    """Refuse to reuse folder ``path`` (an unfinished run) unless it is a real folder of this user:
    not a symbolic link to one, not another user's (whose files would be trusted and written)."""
    st = _lstat(path)
    if st is not None and not (stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid()):
        raise not_ours(path, st, folder=True)


#: the temporaries this process created: absolute path -> (device, inode)
_CREATED: dict = {}


def _new_temp(path: Path) -> Path:
    """Create a new temporary beside ``path`` (another name if a file sits at the one drawn)."""
    for _ in range(8):
        tmp = temp_name(path)
        try:
            fd = create_new(tmp)
        except FileExistsError:
            continue                       # someone's file at our name: leave it, draw another
        st = os.fstat(fd)
        os.close(fd)
        _CREATED[os.path.abspath(tmp)] = (st.st_dev, st.st_ino)
        return tmp
    raise TinyscoreError(f"no free temporary name beside {path}: the folder holds files at every name drawn")


def _still_ours(tmp: Path) -> None:
    """Refuse when the temporary ``tmp`` is no longer the file created (replaced by a link meanwhile)."""
    st = _lstat(tmp)
    if st is None or (st.st_dev, st.st_ino) != _CREATED.get(os.path.abspath(tmp)) or not stat.S_ISREG(st.st_mode):
        raise TinyscoreError(f"{tmp} was replaced while tinyscore wrote it (by {kind_of(st) if st else 'nothing'}); "
                             "nothing was published: is another program writing in this folder?")


def reopen(tmp, mode: str = "r+b"):
    """Open a temporary that :func:`atomic_path` created, as a file object, never through a link:
    it must still be the very file created (the same device and inode, reached without a link)."""
    fd = os.open(tmp, os.O_RDWR | _NOFOLLOW | _CLOEXEC)
    st = os.fstat(fd)
    if (st.st_dev, st.st_ino) != _CREATED.get(os.path.abspath(tmp)):
        os.close(fd)
        raise TinyscoreError(f"{tmp} is not the temporary tinyscore created there; nothing was written")
    return os.fdopen(fd, mode)


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
    """May the command being run replace existing outputs (its ``--force``)?"""
    return _REPLACE.get()


def exists_error(path: Path) -> TinyscoreError:
    st = _lstat(path)
    kind = "folder" if path.is_dir() else kind_of(st).split(" ", 1)[1] if st is not None else "file"
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
    """Move the finished ``tmp`` to ``path``; without ``force`` fail if ``path`` appeared meanwhile.
    A name at ``path`` (a link included) is replaced as a name, never written through."""
    if os.path.abspath(tmp) in _CREATED:
        _still_ours(tmp)
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
        if path.exists() or path.is_symlink():
            raise exists_error(path) from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


def publish_folder(tmp: Path, path: Path, force: bool | None = None, owned=None) -> None:
    """Move the finished folder ``tmp`` to ``path``; an existing ``path`` is replaced only with ``force``
    (default: :func:`replacing`) and, given ``owned``, only when it holds nothing else (:func:`check_owned`)."""
    force = replacing() if force is None else force
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
    """Hold an exclusive lock on destination ``path``; a second holder fails at once, naming the first.

    The lock file is opened by :func:`open_own` (no link, one name; of any user, as a lock left by
    a killed process of a colleague in a shared folder may be)."""
    import fcntl
    path = Path(path)
    lp = lock_path(path)
    key = os.path.abspath(lp)
    if key in _HELD:
        yield lp
        return
    while True:
        fd = open_own(lp, os.O_RDWR, owner=False)
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
        st = _lstat(lp)                    # the file we locked must still be the one at lp
        if st is not None and os.path.samestat(os.fstat(fd), st):
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
    """Yield a new temporary path beside ``path``; publish it as ``path`` only if the block succeeds.

    ``force`` (default: the enclosing :func:`allow_replace`) allows replacing an existing ``path``;
    otherwise an existing one is refused both now and at the final rename. The temporary exists,
    empty, when the block starts: open it only through :func:`reopen` (or write with
    :func:`atomic_file`), never by its name, which could meanwhile be a link.
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
        tmp = _new_temp(path)
        try:
            yield tmp
            publish_file(tmp, path, force)
        finally:
            _CREATED.pop(os.path.abspath(tmp), None)
            with contextlib.suppress(OSError):
                if _lstat(tmp) is not None:
                    tmp.unlink()


@contextlib.contextmanager
def atomic_file(path, make_parents: bool = False, force: bool | None = None, lock: bool = True):
    """Yield a binary file object that becomes ``path`` atomically when the block succeeds (flushed
    to disk first); see :func:`atomic_path`."""
    with atomic_path(path, make_parents, force, lock) as tmp, reopen(tmp) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())


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
        with reopen(tmp) as fo:
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
    with atomic_file(path, make_parents, force) as f:
        f.write(data)


def write_text(path, text: str, make_parents: bool = False, force: bool | None = None) -> None:
    """Write a text file atomically."""
    write_bytes(path, text.encode(), make_parents, force)
