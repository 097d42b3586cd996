"""Trajectory files: the HDF5 contract between ``trajectories`` and ``diverge`` (DESIGN section 6).

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
share it. Files are written under a temporary name in the destination folder and renamed when
complete, so a crash never leaves a half-written file under the real name.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
from pathlib import Path

import h5py
import numpy as np

from .errors import TinyscoreError
from .files import atomic_path  # noqa: F401  (re-exported: plots, gallery, attractors use it)

FORMAT = "tinyscore.trajectories"
VERSION = 1
DATASETS = ("sigmas", "probes/x0", "probes/z", "onestep/denoised", "path/sigmas", "path/states", "path/denoised")


def probes_digest(x0: np.ndarray, z: np.ndarray, sigmas: np.ndarray) -> str:
    """SHA-256 over the probe points, their noise and the analysis sigmas (shape included)."""
    h = hashlib.sha256()
    for a, dtype in ((x0, np.float32), (z, np.float32), (sigmas, np.float64)):
        a = np.ascontiguousarray(a, dtype=dtype)
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _created() -> str:
    """The ``created`` attribute: empty, so that the same command gives the same bytes, unless
    SOURCE_DATE_EPOCH (the reproducible-builds convention) supplies a time to record."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return ""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).isoformat(timespec="seconds")


def write_trajectories(path, attrs: dict, sigmas, x0, z, onestep, path_sigmas, states, denoised) -> None:
    """Write one complete trajectory file atomically."""
    from . import __version__
    sigmas = np.asarray(sigmas, dtype=np.float64)
    root_attrs = {"format": FORMAT, "version": VERSION, "probes_digest": probes_digest(x0, z, sigmas),
                  "created": _created(),
                  "tinyscore_version": __version__}
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            for k, v in {**attrs, **root_attrs}.items():
                f.attrs[k] = "" if v is None else v
            f["sigmas"] = sigmas
            f["probes/x0"] = np.asarray(x0, dtype=np.float32)
            f["probes/z"] = np.asarray(z, dtype=np.float32)
            f["onestep/denoised"] = np.asarray(onestep, dtype=np.float32)
            f["path/sigmas"] = np.asarray(path_sigmas, dtype=np.float64)
            f["path/states"] = np.asarray(states, dtype=np.float32)
            f["path/denoised"] = np.asarray(denoised, dtype=np.float32)


@contextlib.contextmanager
def open_trajectories(path):
    """Open a trajectory file read-only, checking that it is ours and consistent."""
    path = Path(path)
    if not path.is_file():
        raise TinyscoreError(f"{path} does not exist")
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise TinyscoreError(f"{path} is not an HDF5 file") from None
    with f:
        if f.attrs.get("format") != FORMAT:
            raise TinyscoreError(f"{path} is not a tinyscore trajectory file")
        if int(f.attrs.get("version", -1)) != VERSION:
            raise TinyscoreError(f"{path} has trajectory schema version {f.attrs.get('version')}, expected {VERSION}")
        missing = [d for d in DATASETS if d not in f]
        if missing:
            raise TinyscoreError(f"{path} is incomplete: missing {', '.join(missing)}")
        S, P = f["sigmas"].shape[0], f["probes/x0"].shape[0]
        shape = f["probes/x0"].shape[1:]
        T = f["path/sigmas"].shape[0]
        expect = {"probes/z": (P, *shape), "onestep/denoised": (S, P, *shape),
                  "path/states": (T, P, *shape), "path/denoised": (T, P, *shape)}
        for name, shp in expect.items():
            if f[name].shape != shp:
                raise TinyscoreError(f"{path}: {name} has shape {f[name].shape}, expected {shp}")
        yield f


def check_comparable(fa, fb, name_a, name_b) -> None:
    """Refuse two trajectory files that do not share probes, sigmas and shapes."""
    if fa["probes/x0"].shape != fb["probes/x0"].shape:
        raise TinyscoreError(f"{name_a} and {name_b} hold probes of different shapes "
                             f"{fa['probes/x0'].shape} and {fb['probes/x0'].shape}")
    if not np.array_equal(fa["sigmas"][()], fb["sigmas"][()]):
        raise TinyscoreError(f"{name_a} and {name_b} were written at different sigmas")
    if not np.array_equal(fa["path/sigmas"][()], fb["path/sigmas"][()]):
        raise TinyscoreError(f"{name_a} and {name_b} have different path sigma ladders")
    if fa.attrs["probes_digest"] != fb.attrs["probes_digest"]:
        raise TinyscoreError(f"{name_a} and {name_b} do not share their probes (probes_digest differs): "
                             "write both with the same data, --probes and --probe-seed")
