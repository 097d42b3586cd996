"""Trajectory files: the HDF5 contract between ``trajectories`` and ``diverge`` (docs/design.md, section 6).

Schema version 1, readable with plain h5py::

    /                 attrs: format = "tinyscore.trajectories", version = 1, variant, dataset,
                             n_train, half, seed, checkpoint_sha256, probes_digest, created, tinyscore_version
                      (and, beyond the schema: data, the --data spec that reloads the dataset; resolution,
                       0 for native; data_seed; probe_seed)
    /sigmas           (S,)  float64, descending
    /probes/x0        (P, *shape) float32   clean probe points (held out from training)
    /probes/z         (P, *shape) float32   the unit noise added at every sigma
    /onestep/denoised (S, P, *shape) float32   D(x0 + sigma z, sigma)
    /path/sigmas      (T,)  float64   sigma at each recorded step
    /path/states      (T, P, *shape) float32   the iterate at each step
    /path/denoised    (T, P, *shape) float32   D(state, sigma) at each step

``probes_digest`` is a SHA-256 over x0, z and sigmas: two files can be compared only when they
share it, and a reader recomputes it, so a damaged or edited probe is caught. Files are written
under a temporary name in the destination folder and renamed when complete, so a crash never
leaves a half-written file under the real name.

Reading trusts nothing in the file (it may have been crafted): :func:`open_trajectories` opens it
through :mod:`tinyscore.storage.h5safe` and checks every dataset's links, storage, dtype and shape, the
shapes against each other, the sigmas (finite, positive, strictly descending) and the types of
the attributes readers use; later reads are checked the same way.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re

import numpy as np

from tinyscore.storage import h5safe
from tinyscore.errors import TinyscoreError, one_line
from tinyscore.storage.files import atomic_h5

FORMAT = "tinyscore.trajectories"
VERSION = 1
DATASETS = ("sigmas", "probes/x0", "probes/z", "onestep/denoised", "path/sigmas", "path/states", "path/denoised")


def probes_digest(x0: np.ndarray, z: np.ndarray, sigmas: np.ndarray) -> str:
    """SHA-256 over the probe points, their noise and the analysis sigmas (shape included)."""
    h = hashlib.sha256()
    for a, dtype in ((x0, np.float32), (z, np.float32), (sigmas, np.float64)):
        a = np.ascontiguousarray(a, dtype=dtype)
        h.update(repr(a.shape).encode())
        h.update(a.reshape(-1).view(np.uint8))        # the raw bytes, without a copy
    return h.hexdigest()


def _created() -> str:
    """The ``created`` attribute: empty, so that the same command gives the same bytes, unless
    SOURCE_DATE_EPOCH (the reproducible-builds convention) supplies a time to record."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return ""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).isoformat(timespec="seconds")


def trajectory_bytes(P: int, dim: int, S: int, T: int) -> int:
    """Bytes of the float32 arrays of a trajectory file of P probes of ``dim`` numbers, S sigmas
    and T path rungs: x0, z, the one-step outputs and the path's states and outputs."""
    return 4 * int(P) * int(dim) * (2 + int(S) + 2 * int(T))


class TrajectoryWriter:
    """A trajectory file being filled batch by batch of probes (see :func:`trajectory_writer`).

    ``onestep(a, out)`` stores the one-step outputs of probes a .. a+b-1 at every sigma (``out``:
    (S, b, *shape)); ``path(t, a, states, denoised)`` stores rung t of the path of probes a .. a+b-1
    (each (b, *shape)). Each is written into the file at once, so nothing of the outputs is kept
    here. The datasets are created at their first write, in the order of the schema, so the file
    has the same bytes as one written whole (the same layout: contiguous, allocated in that order).
    """

    def __init__(self, f, P: int, shape, S: int, path_sigmas):
        self._f, self.P, self.shape, self.S = f, int(P), tuple(shape), int(S)
        self.path_sigmas = np.asarray(path_sigmas, dtype=np.float64)
        self.T = len(self.path_sigmas)
        self._ds: dict = {}
        self._done = {"onestep": np.zeros(self.P, bool), "path": np.zeros((self.T, self.P), bool)}

    def _rows(self, a: int, block: np.ndarray, lead: tuple, what: str) -> slice:
        b = block.shape[len(lead)] if block.ndim > len(lead) else -1
        if block.shape != (*lead, b, *self.shape) or not 0 <= a <= a + b <= self.P or b < 1:
            raise ValueError(f"{what}: a block of shape {block.shape} at probe {a} does not fit "
                             f"{(*lead, self.P, *self.shape)}")
        return slice(a, a + b)

    def _write(self, name: str, lead: int, where: tuple, block: np.ndarray) -> None:
        """Write ``block`` at ``where`` of dataset ``name``. A dataset is made on its first write
        the way h5py makes ``f[name] = array``: created unnamed, written, then linked as ``name``
        (with its group), which fixes where HDF5 puts it and so the bytes of the file."""
        ds = self._ds.get(name)
        if ds is None:
            ds = self._f.create_dataset(None, (lead, self.P, *self.shape), np.float32)
        ds[where] = block
        if name not in self._ds:
            self._f[name] = self._ds[name] = ds

    def onestep(self, a: int, out) -> None:
        out = np.asarray(out, dtype=np.float32)
        rows = self._rows(a, out, (self.S,), "one-step outputs")
        self._write("onestep/denoised", self.S, (slice(None), rows), out)
        self._done["onestep"][rows] = True

    def path(self, t: int, a: int, states, denoised) -> None:
        states, denoised = np.asarray(states, dtype=np.float32), np.asarray(denoised, dtype=np.float32)
        rows = self._rows(a, states, (), "path states")
        self._rows(a, denoised, (), "path outputs")
        if not 0 <= t < self.T:
            raise ValueError(f"path rung {t} is not one of the {self.T} rungs")
        if "path/states" not in self._ds:
            self._f["path/sigmas"] = self.path_sigmas
        self._write("path/states", self.T, (t, rows), states)
        self._write("path/denoised", self.T, (t, rows), denoised)
        self._done["path"][t, rows] = True

    def check_complete(self) -> None:
        for what, done in self._done.items():
            if not done.all():
                raise ValueError(f"the trajectory file lacks {what} outputs of {int((~done).sum())} probe-rungs")


@contextlib.contextmanager
def trajectory_writer(path, attrs: dict, sigmas, x0, z, path_sigmas):
    """Yield a :class:`TrajectoryWriter` for a new trajectory file; the file appears at ``path``
    (atomically) when the block ends with every output written, and not at all otherwise.

    x0 and z (P probes each) are written at once; the outputs, the bulk of the file, come batch by
    batch. Up to ``tinyscore.storage.files.H5_IN_MEMORY`` bytes the file is built in memory, beyond that in
    an owned temporary beside ``path`` after a check of the free space (tinyscore.storage.files.atomic_h5);
    the bytes are the same either way, and the same as :func:`write_trajectories` writes.
    """
    from tinyscore.version import __version__
    sigmas = np.asarray(sigmas, dtype=np.float64)
    x0, z = np.asarray(x0, dtype=np.float32), np.asarray(z, dtype=np.float32)
    if x0.shape != z.shape or x0.ndim < 2:
        raise ValueError(f"x0 {x0.shape} and z {z.shape} must be (P, *shape) alike")
    P, shape = x0.shape[0], x0.shape[1:]
    root_attrs = {"format": FORMAT, "version": VERSION, "probes_digest": probes_digest(x0, z, sigmas),
                  "created": _created(),
                  "tinyscore_version": __version__}
    nbytes = trajectory_bytes(P, int(np.prod(shape)), len(sigmas), len(np.atleast_1d(path_sigmas)))
    with atomic_h5(path, nbytes) as f:
        for k, v in {**attrs, **root_attrs}.items():
            f.attrs[k] = "" if v is None else v
        f["sigmas"] = sigmas
        f["probes/x0"] = x0
        f["probes/z"] = z
        w = TrajectoryWriter(f, P, shape, len(sigmas), path_sigmas)
        yield w
        w.check_complete()


def write_trajectories(path, attrs: dict, sigmas, x0, z, onestep, path_sigmas, states, denoised) -> None:
    """Write one complete trajectory file atomically, from whole arrays (see :func:`trajectory_writer`
    to write one batch of probes at a time)."""
    onestep, states, denoised = (np.asarray(a, dtype=np.float32) for a in (onestep, states, denoised))
    with trajectory_writer(path, attrs, sigmas, x0, z, path_sigmas) as w:
        w.onestep(0, onestep)
        for t in range(len(states)):
            w.path(t, 0, states[t], denoised[t])


# ------------------------------------------------------------------------------ reading
# A trajectory file may come from anyone: it is opened through tinyscore.storage.h5safe (plain links only,
# no data from other files, declared sizes backed by stored bytes, every read checked against
# memory and any h5py failure turned into one line), and then checked against the schema above.

#: Root attributes a reader uses, with their type: text, an integer (with bounds), or one of a few values.
ATTR_TEXT = ("variant", "dataset", "data", "checkpoint_sha256")
ATTR_INT = {"n_train": (0, None), "data_seed": (0, None), "resolution": (0, None)}
HALF_VALUES = ("a", "b", "")
_DIGEST_CHUNK = 1 << 22          # bytes read at a time when checking probes_digest


class Trajectories:
    """A checked trajectory file, as :func:`open_trajectories` yields it.

    ``f[name]`` is a :class:`tinyscore.storage.h5safe.SafeDataset` (``f["probes/x0"][a:b]`` reads float32,
    ``f["sigmas"][()]`` float64); ``f.attrs`` holds the attributes readers use, already typed
    (text as ``str``, integers as ``int``); ``f.sigmas`` and ``f.path_sigmas`` are read and checked
    (finite, positive, strictly descending); ``f.P`` probes of shape ``f.shape`` (``f.dim`` numbers).
    """

    def __init__(self, h5, datasets: dict, attrs: dict, sigmas, path_sigmas):
        self.h5, self.path, self._ds, self.attrs = h5, h5.path, datasets, attrs
        self.sigmas, self.path_sigmas = sigmas, path_sigmas
        x0 = datasets["probes/x0"]
        self.P, self.shape = x0.shape[0], tuple(x0.shape[1:])
        self.dim = int(np.prod(self.shape))

    def __getitem__(self, name: str):
        return self._ds[name.strip("/")]

    def __contains__(self, name: str) -> bool:
        return name.strip("/") in self._ds

    def error(self, msg: str) -> TinyscoreError:
        return self.h5.error(msg)


def _attrs(h) -> dict:
    """The root attributes readers use, typed; a wrong type is refused in one line."""
    a = {"format": h.attr_str("format"), "version": h.attr_int("version")}
    for k in ATTR_TEXT:
        a[k] = h.attr_str(k)
    for k, (lo, hi) in ATTR_INT.items():
        a[k] = h.attr_int(k, lo=lo, hi=hi)
    a["half"] = h.attr_str("half")
    if a["half"] is not None and a["half"] not in HALF_VALUES:
        raise h.error(f"attribute 'half' is {a['half']!r}, expected 'a', 'b' or ''")
    a["probes_digest"] = h.attr_str("probes_digest")
    if a["probes_digest"] is not None and not re.fullmatch(r"[0-9a-f]{64}", a["probes_digest"]):
        raise h.error("attribute 'probes_digest' is not a SHA-256 in hex")
    return {k: v for k, v in a.items() if v is not None}


def _sigma_ladder(h, ds, what: str) -> np.ndarray:
    """Read a 1-D sigma dataset: at least one value, finite, positive, strictly descending."""
    s = ds.read((), finite=True)
    if len(s) < 1:
        raise h.error(f"{ds.name} is empty")
    if not (s > 0).all():
        raise h.error(f"{ds.name} holds a {what} that is not positive")
    if len(s) > 1 and not (np.diff(s) < 0).all():
        raise h.error(f"{ds.name} is not strictly descending")
    return s


def _check_digest(h, x0, z, sigmas, digest: str) -> None:
    """Recompute probes_digest from the stored probes (chunk by chunk, checking they are finite)."""
    d = hashlib.sha256()
    for ds in (x0, z):
        d.update(repr(ds.shape).encode())
        rows = max(1, _DIGEST_CHUNK // max(1, int(np.prod(ds.shape[1:])) * 4))
        for a in range(0, ds.shape[0], rows):
            d.update(np.ascontiguousarray(ds.read(slice(a, a + rows), finite=True), dtype=np.float32).tobytes())
    s = np.ascontiguousarray(sigmas, dtype=np.float64)
    d.update(repr(s.shape).encode())
    d.update(s.tobytes())
    if d.hexdigest() != digest:
        raise h.error("probes_digest does not match its probes and sigmas (damaged or edited file)")


@contextlib.contextmanager
def open_trajectories(path):
    """Open a trajectory file read-only, checking that it is ours, consistent and whole.

    Yields a :class:`Trajectories`; anything wrong with the file is one :class:`TinyscoreError`
    naming the file and the field, here or on any later read.
    """
    with h5safe.open_h5(path, "a tinyscore trajectory file (.h5)") as h:
        h.check_attributes()
        fmt = h.attr("format")
        if not isinstance(fmt, (str, np.str_, bytes, np.bytes_)) or h.attr_str("format") != FORMAT:
            raise h.error(f"is not a tinyscore trajectory file (attribute format is not {FORMAT!r})")
        attrs = _attrs(h)
        if attrs.get("version") != VERSION:
            raise h.error(f"has trajectory schema version {attrs.get('version', 'none')}, expected {VERSION}")
        missing = [d for d in DATASETS if not h.exists(d)]
        if missing:
            raise h.error(f"is incomplete: missing {', '.join(missing)}")
        ds = {name: h.dataset(name, "f", ndim=1 if name.endswith("sigmas") else None,
                              min_ndim=1 if name.endswith("sigmas") else 2,
                              as_dtype=np.float64 if name.endswith("sigmas") else np.float32)
              for name in DATASETS}
        S, T = ds["sigmas"].shape[0], ds["path/sigmas"].shape[0]
        P, shape = ds["probes/x0"].shape[0], ds["probes/x0"].shape[1:]
        if P < 1 or min(shape) < 1:
            raise h.error(f"/probes/x0 has shape {ds['probes/x0'].shape}: no probes to read")
        expect = {"probes/z": (P, *shape), "onestep/denoised": (S, P, *shape),
                  "path/states": (T, P, *shape), "path/denoised": (T, P, *shape)}
        for name, shp in expect.items():
            if ds[name].shape != shp:
                raise h.error(f"/{name} has shape {ds[name].shape}, expected {shp}")
        sigmas = _sigma_ladder(h, ds["sigmas"], "sigma")
        path_sigmas = _sigma_ladder(h, ds["path/sigmas"], "path sigma")
        if "probes_digest" in attrs:
            _check_digest(h, ds["probes/x0"], ds["probes/z"], sigmas, attrs["probes_digest"])
        yield Trajectories(h, ds, attrs, sigmas, path_sigmas)


def check_comparable(fa: Trajectories, fb: Trajectories, name_a, name_b) -> None:
    """Refuse two trajectory files that do not share probes, sigmas and shapes."""
    if fa.shape != fb.shape or fa.P != fb.P:
        raise TinyscoreError(one_line(f"{name_a} and {name_b} hold probes of different shapes "
                                             f"{(fa.P, *fa.shape)} and {(fb.P, *fb.shape)}", 400))
    if not np.array_equal(fa.sigmas, fb.sigmas):
        raise TinyscoreError(one_line(f"{name_a} and {name_b} were written at different sigmas", 400))
    if not np.array_equal(fa.path_sigmas, fb.path_sigmas):
        raise TinyscoreError(one_line(f"{name_a} and {name_b} have different path sigma ladders", 400))
    for f in (fa, fb):
        if "probes_digest" not in f.attrs:
            raise f.error("has no probes_digest, so nothing says its probes are those of the other file")
    if fa.attrs["probes_digest"] != fb.attrs["probes_digest"]:
        def origin(f):
            a = dict(f.attrs)
            try:
                seed = f.h5.attr_int("probe_seed", lo=0, hi=None)
            except TinyscoreError:
                seed = None
            if seed is not None:
                a["probe_seed"] = seed
            return ", ".join(f"{k} {a[k]}" for k in ("data", "data_seed", "probe_seed") if k in a
                             and a[k] != "") or "no record of its data"
        raise TinyscoreError(one_line(
            f"{name_a} and {name_b} do not share their probes (probes_digest differs; {name_a}: {origin(fa)}; "
            f"{name_b}: {origin(fb)}): write both with the same data, --probes and --probe-seed", 600))
