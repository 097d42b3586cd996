r"""Several workers on one grid: cell claims with leases, worker registration, local and Slurm workers.

The cells of ``reproduce`` (one dataset, N and variant each) are independent, so any number of
workers -- local processes, Slurm array tasks, machines that share the study's folder -- can run
one grid together. They coordinate through small files under ``OUT/.steps``:

    claims/KEY.G.claim      generation G of the claim on cell KEY (host, pid, lease, token)
    workers/WORKER.json     one per running worker: who, which study (its digest), until when
    log/WORKER.jsonl        what each worker did: claims, takeovers, steps started and done

**Claims.** A worker claims a cell by creating ``KEY.1.claim`` exclusively: the claim is written
under a temporary name and published with ``os.link``, which fails when the name exists (atomic on
a local file system and on NFSv3+; where hard links are refused, ``O_CREAT | O_EXCL``). So the
file appears whole, and at most one worker creates each generation. The holder renews its lease
from a heartbeat thread (every lease / 5) by rewriting its own generation file; it marks the file
``released`` when it is done with the cell.

A claim is *free* when it is released or its holder is gone: on the same machine (same host name,
boot id and pid namespace) when its process no longer runs (pid and process start time), from
another machine when its lease ran out (so the machines' clocks must agree to well within a
lease, as NTP keeps them). Taking over generation G is creating G + 1 exclusively, and only after
reading G and finding it free: two workers racing for one stale claim both try to create the
same G + 1 and exactly one succeeds. Generations are never deleted while a study runs, so a
worker finds the current one by walking G = 1, 2, ... by name (no directory listing, which NFS
caches). A holder whose claim was taken over (its lease ran out while it was alive: a stalled
machine) sees G + 1 at its next heartbeat, stops the cell before writing another result, and
moves on; the cell's outputs are deterministic and written atomically, so a step finished twice
in that window writes the same bytes twice.

**One study per folder.** Every worker registers ``workers/WORKER.json`` with a digest of the
study (scale, settings, cells) and then reads the others' registrations: a live worker of another
study in the same folder makes it refuse at once with one line naming that worker (a second
``reproduce`` with other settings cannot undo the first one's steps under it), while a worker of
the same study simply joins: its cells are claimed like everyone's. Registration then reading
means that of two conflicting workers starting together at least one sees the other.

**Which worker did what** is in ``log/WORKER.jsonl``: one JSON line per event (``claim``,
``takeover``, ``start`` and ``done`` of a step, ``lost``, ``failed``, ``abandoned``, ``release``,
``report``, ``worker-start``, ``worker-end``), which is how a test (or a person) checks that no
cell was trained twice.

**SIGTERM** (Slurm preempting or cancelling a job, ``kill``, a launcher stopping its workers)
stops a worker cleanly: while a worker runs, the signal raises :class:`Terminated` in its main
thread, so every ``finally`` on the way out runs. The claim in hand is released with the note
``abandoned: terminated by SIGTERM`` -- free at once for any worker, on any machine, without
waiting for its lease --, the step's temporaries are removed (a model being trained keeps its
resumable ``.RUN.tinyscore-partial``, as after a kill), and the process prints one line naming
the signal and exits with status 143 (128 + 15). Slurm sends it to every process of the job at
once: a ``--jobs N`` launcher and each of its workers leave so, each releasing its own. Only the
first SIGTERM acts, and one that arrives while the worker registers, releases a claim or
unregisters waits until that is done (Slurm's SIGKILL after its grace period still ends
everything). SIGINT (Ctrl-C) is left as it was.

**Launchers.** :func:`run_local` starts N worker processes on this machine (fresh interpreters,
``python -m tinyscore.training.workers``, one torch thread each by default); :func:`submit` submits N workers as one job array
through submitit (``pip install -e ".[slurm]"``), to Slurm or to submitit's local executor. Each
worker runs the function it is given (the study's is :func:`tinyscore.study.run.run_worker`) on the
same study; the worker that finds every cell done writes the report. The function travels by name
(``module:function``), so this module depends on no study: the study imports it, not the reverse.
"""
from __future__ import annotations

import contextlib
import datetime
import errno
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import threading
import time
from pathlib import Path

from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import _host, create_new, is_alive, open_append, temp_name

log = logging.getLogger("tinyscore")

#: seconds a claim stays valid without renewal; another machine takes a cell over after this
LEASE = 300.0


# ------------------------------------------------------------------------------ who we are
def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _process_start(pid: int):
    """The start time of process ``pid`` in clock ticks since boot (Linux), or None."""
    text = _read(f"/proc/{pid}/stat")
    try:
        return int(text.rsplit(")", 1)[1].split()[19])
    except (IndexError, ValueError):
        return None


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return ""


def identity() -> dict:
    """This process as the other workers see it: the machine (host, boot, pid namespace) and the process."""
    return {"host": socket.gethostname(), "boot": _read("/proc/sys/kernel/random/boot_id").strip(),
            "pidns": _pid_namespace(), "pid": os.getpid(), "start": _process_start(os.getpid())}


def same_machine(rec: dict, me: dict) -> bool:
    """Can a pid in ``rec`` be checked here? Same host name, boot and pid namespace."""
    return all(rec.get(k) == me[k] for k in ("host", "boot", "pidns"))


def holder_alive(rec: dict, me: dict, now: float | None = None) -> bool:
    """Is the worker that wrote ``rec`` still there? Its process on this machine; its lease elsewhere."""
    now = time.time() if now is None else now
    if same_machine(rec, me):
        try:
            pid = int(rec["pid"])
        except (KeyError, TypeError, ValueError):
            return float(rec.get("lease_until", 0)) > now
        if not is_alive(pid):
            return False
        start = rec.get("start")
        return start is None or _process_start(pid) in (None, start)    # a reused pid is not the holder
    try:
        return float(rec.get("lease_until", 0)) > now
    except (TypeError, ValueError):
        return False


def describe(rec: dict) -> str:
    """'pid 123 on node7 (since 12:00:01)' for messages."""
    since = f", since {rec['since']}" if rec.get("since") else ""
    return f"pid {rec.get('pid', '?')} on {rec.get('host', '?')}{since}"


def _now_iso(timespec: str = "seconds") -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec=timespec)


# ------------------------------------------------------------------------------ small files
def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data``, whole, only if no such name exists; False when it does."""
    tmp = temp_name(path)
    try:
        with os.fdopen(create_new(tmp), "wb") as f:     # a new file, never through a link
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
        except OSError as e:           # no hard links here: an exclusive create, then the bytes
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
        try:
            fd = create_new(path, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _rewrite(path: Path, data: bytes) -> None:
    """Replace our own small file atomically (readers see the old bytes or the new)."""
    tmp = temp_name(path)
    try:
        with os.fdopen(create_new(tmp), "wb") as f:     # a new file; the rename replaces a name
            f.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _load(path: Path):
    try:
        rec = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError):
        return {"unreadable": True}
    return rec if isinstance(rec, dict) else {"unreadable": True}


def _dump(rec: dict) -> bytes:
    return (json.dumps(rec, sort_keys=True) + "\n").encode()


# ------------------------------------------------------------------------------ claims
class ClaimLost(Exception):
    """Our claim on a cell was taken over (our lease ran out while we were alive)."""


class Claim:
    """Generation ``gen`` of the claim on ``key``, held by this worker (``path`` is its file)."""

    def __init__(self, key: str, gen: int, path: Path, record: dict, next_path: Path):
        self.key, self.gen, self.path, self.record, self.next_path = key, gen, path, record, next_path
        self.lost = False

    def check(self) -> None:
        """Raise :class:`ClaimLost` when another worker has taken the cell over (a newer generation exists)."""
        if not self.lost and self.next_path.exists():
            self.lost = True
        if self.lost:
            raise ClaimLost(self.key)


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]", "_", key.replace("/", "__"))


class Claims:
    """The claims of one worker in a study folder: try, renew, release."""

    def __init__(self, folder, me: dict, worker: str, lease: float = LEASE):
        self.folder = Path(folder)
        self.me, self.worker, self.lease = me, worker, float(lease)
        self.held: dict = {}
        self._mutex = threading.Lock()

    def path(self, key: str, gen: int) -> Path:
        return self.folder / f"{_safe(key)}.{gen}.claim"

    def current(self, key: str):
        """(G, record of generation G) for the newest generation; (0, None) when never claimed."""
        g = 0
        while self.path(key, g + 1).exists():
            g += 1
        return g, (_load(self.path(key, g)) if g else None)

    def is_free(self, rec, path: Path) -> bool:
        if rec is None:                          # vanished between the walk and the read: not ours to judge
            return False
        if rec.get("unreadable"):                # only a create without hard links can be half-written
            try:
                return time.time() - path.stat().st_mtime > self.lease
            except FileNotFoundError:
                return False
        return bool(rec.get("released")) or not holder_alive(rec, self.me)

    def holder(self, key: str):
        """The live holder's record of ``key``, or None when the claim is free."""
        g, rec = self.current(key)
        if g and not self.is_free(rec, self.path(key, g)):
            return rec
        return None

    def try_acquire(self, key: str):
        """Claim ``key`` (a cell, the report, a dataset) now, or return None when a live worker holds it."""
        g, rec = self.current(key)
        if g and not self.is_free(rec, self.path(key, g)):
            return None
        took = None
        if g and not rec.get("released"):
            took = {k: rec.get(k) for k in ("worker", "host", "pid", "gen", "since")}
            took["why"] = ("its process is gone" if same_machine(rec, self.me) and not rec.get("unreadable")
                           else "its lease ran out")
        now = time.time()
        record = {**self.me, "key": key, "gen": g + 1, "worker": self.worker, "token": secrets.token_hex(8),
                  "since": _now_iso(), "lease": self.lease, "lease_until": now + self.lease, "released": False,
                  "took_over": took}
        path = self.path(key, g + 1)
        self.folder.mkdir(parents=True, exist_ok=True)
        if not _create_exclusive(path, _dump(record)):
            return None                          # another worker took this generation first
        claim = Claim(key, g + 1, path, record, self.path(key, g + 2))
        with self._mutex:
            self.held[key] = claim
        return claim

    def renew(self) -> None:
        """Extend the lease of every claim held; mark a claim lost when a newer generation exists."""
        with self._mutex:
            claims = list(self.held.values())
        for c in claims:
            with self._mutex:                    # not while the same claim is being released
                if c.lost or self.held.get(c.key) is not c:
                    continue
                if self.path(c.key, c.gen + 1).exists():
                    c.lost = True
                    log.warning("the claim on %s was taken over by another worker (this worker's lease ran out)",
                                c.key)
                    continue
                c.record = {**c.record, "lease_until": time.time() + self.lease}
                _rewrite(c.path, _dump(c.record))

    def release(self, claim: Claim, note: str | None = None) -> None:
        with self._mutex:
            self.held.pop(claim.key, None)
            if claim.lost or self.path(claim.key, claim.gen + 1).exists():
                return
            claim.record = {**claim.record, "released": True, "released_at": _now_iso(), "note": note}
            with contextlib.suppress(OSError):
                _rewrite(claim.path, _dump(claim.record))


# ------------------------------------------------------------------------------ SIGTERM
class Terminated(SystemExit):
    """SIGTERM reached a worker: raised in its main thread so that the claim, the temporaries and
    the registration are tidied on the way out, and the process then exits with 128 + the signal
    number (143), the status a shell reports for a process that SIGTERM ended. A subclass of
    SystemExit: no ``except Exception`` on the way swallows it, and nothing prints a traceback."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum
        self.signal = signal.Signals(signum).name

    def __str__(self) -> str:
        return f"terminated by {self.signal}"


# ------------------------------------------------------------------------------ one worker
class Worker:
    """A registered worker of one study: its claims, its heartbeat, its event log.

    ``with Worker(...) as w:`` registers, refuses when a live worker of another study uses the
    folder, starts the heartbeat and (in the main thread) turns SIGTERM into :class:`Terminated`;
    leaving releases what is still held, unregisters and stops the heartbeat."""

    def __init__(self, steps_folder, digest: str, command: str = "", lease: float = LEASE, role: str = "worker"):
        self.root = Path(steps_folder)
        self.me = identity()
        self.id = f"{_host()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.digest, self.command, self.role = digest, command, role
        self.lease = float(lease)
        self.claims = Claims(self.root / "claims", self.me, self.id, self.lease)
        self.reg_path = self.root / "workers" / f"{self.id}.json"
        self.log_path = self.root / "log" / f"{self.id}.jsonl"
        self._stop = threading.Event()
        self._thread = None
        self._log = None
        self._log_lock = threading.Lock()
        self.joined: list = []
        self.signalled = None                # the number of the SIGTERM received, if one was
        self._handling = False               # True while this worker handles SIGTERM ...
        self._previous_handler = None        # ... instead of this handler
        self._tidying = False                # a SIGTERM now waits until the tidying is done ...
        self._deferred = False               # ... and this says one is waiting

    # -- registration
    def _record(self) -> dict:
        return {**self.me, "worker": self.id, "role": self.role, "study": self.digest, "command": self.command,
                "since": self._since, "lease": self.lease, "lease_until": time.time() + self.lease}

    def others(self) -> list:
        """Live registrations of other workers in this folder (stale ones are removed)."""
        live = []
        folder = self.root / "workers"
        try:
            entries = sorted(folder.iterdir())
        except FileNotFoundError:
            return live
        for p in entries:
            if p == self.reg_path or p.suffix != ".json" or p.name.startswith("."):
                continue
            rec = _load(p)
            if rec is None:
                continue
            if rec.get("unreadable") or not holder_alive(rec, self.me):
                with contextlib.suppress(OSError):
                    if rec.get("unreadable") and time.time() - p.stat().st_mtime <= self.lease:
                        continue
                    p.unlink()           # a registration of a worker that is gone: ours to tidy
                continue
            live.append(rec)
        return live

    def __enter__(self):
        self._since = _now_iso()
        # SIGTERM is caught first and held while the worker registers (Python's default action would
        # end the process there and leave the registration behind); it acts once the worker is whole
        self._tidying = True
        if threading.current_thread() is threading.main_thread():   # only there can Python handle signals
            self._previous_handler = signal.signal(signal.SIGTERM, self._on_sigterm)
            self._handling = True
        registered = False
        try:
            (self.root / "workers").mkdir(parents=True, exist_ok=True)
            _rewrite(self.reg_path, _dump(self._record()))
            registered = True
            others = self.others()
            foreign = [r for r in others if r.get("study") != self.digest]
            if foreign:
                r = foreign[0]
                raise TinyscoreError(
                    f"{self.root.parent} is being used by another reproduce with other settings ({describe(r)}: "
                    f"{r.get('command') or 'unknown command'}); wait for it to finish, give the same settings to "
                    "join it, or choose another --out")
            self.joined = others
            for sub in ("claims", "log"):
                (self.root / sub).mkdir(exist_ok=True)
            self._log = open_append(self.log_path)     # never through a link planted at its name
        except BaseException:
            if registered:
                self.reg_path.unlink(missing_ok=True)
            self._put_back_handler()
            raise
        self.event("worker-start", role=self.role, study=self.digest, joined=[r.get("worker") for r in others])
        self._thread = threading.Thread(target=self._beat, name="tinyscore-heartbeat", daemon=True)
        self._thread.start()
        self._tidying = False
        if self._deferred:                   # a SIGTERM came meanwhile: leave as from anywhere else
            self._deferred = False
            self.__exit__(None, None, None)  # raises Terminated
        return self

    def __exit__(self, exc_type, exc, tb):
        self._tidying = True                 # a SIGTERM from here on waits for the end of this
        stop = Terminated(self.signalled) if self.signalled else None
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for c in list(self.claims.held.values()):
            self.claims.release(c, note=f"abandoned: {stop}" if stop else "worker stopped")
        self.event("worker-end", **({"signal": stop.signal} if stop else {}))
        if self._log is not None:
            self._log.close()
        self.reg_path.unlink(missing_ok=True)
        self._put_back_handler()
        stop = stop or (Terminated(self.signalled) if self.signalled else None)    # or one that came meanwhile
        if stop:
            log.error("%s (pid %d) %s: its claims are released, so other workers may take its cells over now; "
                      "run the same command again to resume", self.role, os.getpid(), stop)
            if exc is None:                  # it came while this worker was ending normally
                raise stop
        return False

    # -- SIGTERM
    def _put_back_handler(self) -> None:
        """Put back the SIGTERM handler found on entering (None: one not set from Python)."""
        if self._handling:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if self._previous_handler is None
                          else self._previous_handler)
            self._handling = False

    def _on_sigterm(self, signum, frame) -> None:
        """The SIGTERM handler: stop the work in hand by raising :class:`Terminated` (the first
        SIGTERM only; one that arrives during :meth:`tidying` is raised at its end)."""
        if self.signalled is not None:       # a second one: the first is being acted on
            return
        self.signalled = signum
        if self._tidying:
            self._deferred = True
        else:
            raise Terminated(signum)

    @contextlib.contextmanager
    def tidying(self):
        """A block that a SIGTERM does not cut in two (releasing a claim): the signal acts after it."""
        outer, self._tidying = self._tidying, True
        try:
            yield
        finally:
            self._tidying = outer
        if self._deferred and not self._tidying:
            self._deferred = False
            raise Terminated(self.signalled)

    def release(self, claim: Claim, note: str | None = None) -> None:
        """Release ``claim`` (see :meth:`Claims.release`), whole even when a SIGTERM arrives meanwhile;
        after a SIGTERM the claim says ``abandoned`` (its cell was left unfinished)."""
        with self.tidying():
            if note is None and self.signalled:
                note = f"abandoned: {Terminated(self.signalled)}"
            self.claims.release(claim, note)

    # -- heartbeat
    def heartbeat(self) -> None:
        """One renewal: the registration and every claim held (the thread calls this every lease / 5)."""
        self.claims.renew()
        for c in list(self.claims.held.values()):
            if c.lost and not getattr(c, "told", False):
                c.told = True
                self.event("lost", cell=c.key, gen=c.gen)
        _rewrite(self.reg_path, _dump(self._record()))

    def _beat(self) -> None:
        while not self._stop.wait(self.lease / 5):
            try:
                self.heartbeat()
            except OSError as e:             # a file-system hiccup: try again at the next beat
                log.warning("heartbeat: %s", e)

    # -- the event log
    def event(self, what: str, **fields) -> None:
        if self._log is None:
            return
        rec = {"t": _now_iso("milliseconds"), "worker": self.id, "host": self.me["host"], "pid": self.me["pid"],
               "event": what, **fields}
        with self._log_lock:
            self._log.write(json.dumps(rec, default=str) + "\n")
            self._log.flush()

    @contextlib.contextmanager
    def hold(self, key: str, poll: float = 2.0, echo=None):
        """Hold claim ``key``, waiting while a live worker holds it (shared preparation, such as a dataset)."""
        told = False
        while True:
            claim = self.claims.try_acquire(key)
            if claim is not None:
                break
            if echo is not None and not told:
                rec = self.claims.holder(key) or {}
                echo(f"waiting for {describe(rec)}, which holds {key}")
                told = True
            time.sleep(poll)
        try:
            yield claim
        finally:
            self.release(claim)


def read_events(steps_folder) -> list:
    """Every worker's events in a study folder, in time order (for tests and for people)."""
    events = []
    for p in sorted((Path(steps_folder) / "log").glob("*.jsonl")):
        for line in p.read_text().splitlines():
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
    return sorted(events, key=lambda e: e.get("t", ""))


# ------------------------------------------------------------------------------ launchers
def worker_entry(entry, spec: dict):
    """What each launched worker runs: ``entry(spec, progress, echo)``, as (``"ok"``, its summary) or
    (``"error"``, one line) for a user error."""
    try:
        return "ok", entry(spec, progress=False, echo=_prefixed(spec.get("worker_index")))
    except TinyscoreError as e:
        return "error", str(e)
    except OSError as e:
        return "error", f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}"


def _prefixed(index):
    def echo(msg):
        print(f"[worker {index}] {msg}" if index is not None else msg, flush=True)
    return echo


def entry_name(entry) -> str:
    """'package.module:function': the name by which a worker process finds the function it runs."""
    return f"{entry.__module__}:{entry.__qualname__}"


def _entry(name: str):
    import importlib
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


def _child_main(argv=None) -> int:
    """``python -m tinyscore.training.workers RESULT_FD SPEC_JSON MODULE:FUNCTION``: one local worker running
    the named function; its outcome goes to RESULT_FD."""
    import sys
    argv = sys.argv[1:] if argv is None else argv
    fd, spec = int(argv[0]), json.loads(argv[1])
    logging.basicConfig(format="tinyscore: %(message)s", level=logging.INFO)
    status = 0
    try:
        outcome = worker_entry(_entry(argv[2]), spec)
    except KeyboardInterrupt:
        outcome = ("error", "interrupted")
    except Terminated as e:                  # its claim is released already (Worker.__exit__)
        outcome = ("error", f"worker {spec.get('worker_index')} (pid {os.getpid()}) was {e}; its cell is "
                            "free for another worker: run the same command again to resume it")
        status = e.code
    with contextlib.suppress(BrokenPipeError), os.fdopen(fd, "w") as f:   # broken: the launcher is gone
        json.dump(outcome, f, default=str)
    return status


def worker_env() -> dict:
    """The environment of a local worker: this one, with the folder that holds the tinyscore package first on
    PYTHONPATH, so that the worker imports this very code from whatever folder the study was started."""
    root = str(Path(__file__).resolve().parents[2])          # tinyscore/training/workers.py -> the folder of tinyscore/
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}


def run_local(spec: dict, jobs: int, entry, echo=print) -> list:
    """Run ``jobs`` workers, each ``entry(spec, progress, echo)``, as processes of this machine; wait for them.

    Each is a fresh ``python -m tinyscore.training.workers`` (not a fork: no state of this process is
    shared, and a script that calls this needs no ``if __name__ == "__main__"`` guard). Returns
    their summaries; a worker's user error becomes this call's error (one line); a worker that died
    (a signal, the out-of-memory killer) is named, and the next run takes its cell over."""
    import subprocess
    import sys
    env = worker_env()
    procs = []
    try:
        for i in range(jobs):
            r, w = os.pipe()
            try:
                p = subprocess.Popen([sys.executable, "-m", "tinyscore.training.workers", str(w),
                                      json.dumps({**spec, "worker_index": i + 1}, default=str), entry_name(entry)],
                                     pass_fds=(w,), env=env)
            finally:
                os.close(w)
            procs.append((p, r))
        results, errors = [], []
        for i, (p, r) in enumerate(procs):
            with os.fdopen(r) as f:
                text = f.read()              # until the worker exits (or closes its end)
            p.wait()
            try:
                kind, value = json.loads(text)
            except ValueError:               # died without a word
                errors.append(f"worker {i + 1} (pid {p.pid}) died ({_exit_reason(p.returncode)}); run the same "
                              "command again to resume its cell")
                continue
            (results if kind == "ok" else errors).append(value)
    except BaseException:
        for p, _ in procs:
            if p.poll() is None:
                p.terminate()
        for p, _ in procs:
            with contextlib.suppress(Exception):
                p.wait(timeout=30)
        raise
    if errors:
        raise TinyscoreError(errors[0])
    return results


def _exit_reason(code) -> str:
    if code is None:
        return "still running"
    if code < 0:
        import signal
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def parse_time(text) -> int:
    """Slurm's time formats to whole minutes (rounded up): MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS,
    DAYS-HOURS, DAYS-HOURS:MINUTES, DAYS-HOURS:MINUTES:SECONDS."""
    m = re.fullmatch(r"(?:(\d+)-)?(\d+(?::\d+){0,2})", str(text).strip())
    if not m:
        raise TinyscoreError(f"--time must be minutes or [DAYS-]HOURS:MINUTES:SECONDS as Slurm writes it, got {text!r}")
    parts = [int(x) for x in m[2].split(":")]
    if m[1] is None:
        minutes, seconds = ((parts[0], 0) if len(parts) == 1 else (parts[0], parts[1]) if len(parts) == 2
                            else (parts[0] * 60 + parts[1], parts[2]))
    else:
        h, mm, ss = (parts + [0, 0])[:3]
        minutes, seconds = int(m[1]) * 1440 + h * 60 + mm, ss
    minutes += -(-seconds // 60)
    if minutes < 1:
        raise TinyscoreError(f"--time must be at least a minute, got {text!r}")
    return minutes


def check_executor(cluster: str) -> None:
    """Refuse early (before anything is written) an executor this machine cannot use."""
    try:
        import submitit  # noqa: F401
    except ImportError:
        raise TinyscoreError('this executor needs submitit: pip install -e ".[slurm]" (or pip install submitit)') \
            from None
    missing = [c for c in ("sbatch", "srun") if shutil.which(c) is None] if cluster == "slurm" else []
    if missing:
        raise TinyscoreError(f"--executor slurm: Slurm is not available on this machine (no {missing[0]} command); "
                             "run it on the cluster's login node, or use --jobs N for local workers")


def submit(spec: dict, array_size: int, entry, cluster: str = "slurm", partition: str | None = None,
           gpus_per_task: int = 1, time_min: int = 24 * 60, cpus_per_task: int | None = None, wait: bool = False,
           echo=print) -> dict:
    """Submit ``array_size`` workers, each ``entry(spec, progress, echo)``, as one job array through submitit
    (``cluster`` 'slurm' or 'local').

    Logs go to OUT/slurm-logs. With ``wait`` the call waits for every task and returns their summaries."""
    check_executor(cluster)
    import subprocess

    import submitit
    folder = Path(spec["out"]) / "slurm-logs"
    params = dict(name="tinyscore-reproduce", timeout_min=int(time_min), nodes=1, tasks_per_node=1,
                  gpus_per_node=int(gpus_per_task), slurm_array_parallelism=int(array_size))
    if cpus_per_task:
        params["cpus_per_task"] = int(cpus_per_task)
    if partition:
        params["slurm_partition"] = partition
    try:
        ex = submitit.AutoExecutor(folder=folder, cluster=cluster)
        ex.update_parameters(**params)
        with ex.batch():
            jobs = [ex.submit(worker_entry, entry, {**spec, "worker_index": i + 1}) for i in range(array_size)]
    except (RuntimeError, ValueError, OSError, subprocess.CalledProcessError) as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise TinyscoreError(f"submitting the workers ({cluster}) failed: {first[:300]}") from None
    ids = [j.job_id for j in jobs]
    array = ids[0].split("_")[0] if ids else "?"
    echo(f"submitted {len(jobs)} workers ({cluster}, job {array}); their logs: {folder}")
    if not wait:
        return {"jobs": ids, "results": None}
    results, errors = [], []
    for i, j in enumerate(jobs):
        try:
            kind, value = j.result()
        except Exception as e:               # the task failed outside our code (killed, timed out, ...)
            first = str(e).strip().splitlines()
            errors.append(f"worker {i + 1} (job {j.job_id}) failed: {first[0] if first else type(e).__name__}; "
                          f"its log is in {folder}; run the same command again to resume its cell")
            continue
        (results if kind == "ok" else errors).append(value)
    if errors:
        raise TinyscoreError(errors[0])
    return {"jobs": ids, "results": results}


if __name__ == "__main__":
    # through the package's own module: the study raises tinyscore.training.workers.Terminated, not __main__'s copy
    from tinyscore.training.workers import _child_main as main
    raise SystemExit(main())
