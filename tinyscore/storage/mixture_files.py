r"""Mixture files: a Gaussian mixture as JSON, checked field by field, and the six benchmarks.

A file is ``{"format": "tinyscore.mixture", "name", "description", "weights", "means", "covs"}``
(docs/design.md, section 3). Each covariance keeps the form it is written in
(``tinyscore.core.mixtures``): a number c (c I), a list of D numbers (a diagonal), a D x D matrix,
or ``{"factor": F, "iso": c}`` meaning F F^T + c I (F a D x r matrix, either key may be left out).

A user's file is checked field by field before anything is computed: every number must be a JSON
number (not a string, a boolean or null) and finite, the lists must have the lengths K and D that
``means`` sets, weights must be non-negative with a positive sum (they are relative: [1, 3] means
[0.25, 0.75]), covariances symmetric and positive semi-definite. The memory the mixture will take
is checked against this machine before it is built (c I costs D numbers; every other form needs
its D x D eigenbasis to draw points), so a file declaring 300,000 dimensions of a diagonal is one
line, not a MemoryError. Every problem is one :class:`TinyscoreError` line naming the file and the
field (``means[2][1]``, ``covs[0].factor``).

The six benchmark mixtures of the study are built by :func:`make_benchmark` from one documented
seed and checked in as ``tinyscore/benchmarks/NAME.json``; :func:`load_mixture` reads those or any
user file of the same format.
"""
from __future__ import annotations

import importlib.resources
import json
import logging
import math
from pathlib import Path

import numpy as np

from tinyscore.core.mixtures import Diagonal, Full, GaussianMixture, Isotropic, LowRank
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import write_text
from tinyscore.storage.limits import check_fits

#: the seed from which the benchmark mixtures were drawn (see tinyscore/benchmarks/generate.py)
BENCHMARK_SEED = 20250609
BENCHMARKS = ("uniform", "sharpcov", "spiral", "hd-uniform", "hd-sharpcov", "thinmanifold")
#: where the checked-in mixture definitions live: package data, so an installed wheel has them too
MIXTURE_DIR = Path(str(importlib.resources.files("tinyscore") / "benchmarks"))
log = logging.getLogger("tinyscore")
#: bytes per covariance entry of a form other than c I: the matrix, its eigenvectors and the
#: temporaries of the symmetric eigendecomposition, all float64
COV_BYTES_PER_ENTRY = 4 * 8


def check_mixture_fits(K: int, D: int, dense: int, where: str) -> None:
    """Refuse (one line) a mixture whose means and ``dense`` D x D covariances would not fit in memory."""
    check_fits(COV_BYTES_PER_ENTRY * (dense * D * D + K * D),
               f"{where}: {K} component{'s' if K != 1 else ''} in {D} dimensions"
               + (f" ({dense} x {D} x {D} covariances)" if dense else ""))


def mixture_from_dict(d: dict, name: str = "mixture", source=None) -> GaussianMixture:
    """A mixture from a dict with ``weights`` (K), ``means`` (K x D) and ``covs`` (K entries), as
    the module docstring spells them. ``source`` (the file) is named in error messages, with the field."""
    where = f"mixture file {source}" if source is not None else f"mixture {name!r}"
    if not isinstance(d, dict):
        raise TinyscoreError(f"{where}: expected a JSON object, got {_kind(d)}")
    missing = [k for k in ("weights", "means", "covs") if k not in d]
    if missing:
        raise TinyscoreError(f"{where}: missing field(s) {', '.join(missing)}")
    fmt = d.get("format", "tinyscore.mixture")
    if fmt != "tinyscore.mixture":
        raise TinyscoreError(f"{where}: format is {fmt!r}, not 'tinyscore.mixture'")
    name = d["name"] if isinstance(d.get("name"), str) else name
    try:
        means, weights, total = _means_and_weights(d, where)
        K, D = means.shape
        covs = [_cov_from_json(c, D, f"covs[{k}]") for k, c in enumerate(d["covs"])]
    except _FieldError as e:
        raise TinyscoreError(f"{where}: {e.field} {e.problem}") from None
    if abs(total - 1) > 1e-6:
        log.info("%s: weights sum to %g; normalised to 1", where, total)
    desc = d.get("description", "")
    return GaussianMixture(weights, means, covs, name=name, description=desc if isinstance(desc, str) else "",
                           source=source)


def _means_and_weights(d: dict, where: str):
    """The means (K x D), the weights and their sum, checked in that order, and the memory the
    covariances will take checked before any of them is read."""
    means = _matrix(d["means"], "means")
    K, D = means.shape
    if K == 0:
        raise _FieldError("means", "is empty: a mixture needs at least one component")
    if D == 0:
        raise _FieldError("means[0]", "is empty: points need at least one dimension")
    covs = d["covs"]
    dense = sum(type(c) not in (int, float) for c in covs) if isinstance(covs, list) else K
    check_mixture_fits(K, D, dense, where)                      # before any D x D matrix exists
    weights = _vector(d["weights"], "weights")
    if len(weights) != K:
        raise _FieldError("weights", f"must have one entry per component: {len(weights)} weights for {K} means")
    if (weights < 0).any():
        i = int(np.flatnonzero(weights < 0)[0])
        raise _FieldError(f"weights[{i}]", f"is negative ({weights[i]:g}); weights must be >= 0")
    total = weights.sum()
    if not total > 0:
        raise _FieldError("weights", "sum to 0; at least one must be positive")
    if not math.isfinite(total):
        raise _FieldError("weights", "sum to infinity")
    if not isinstance(covs, list) or len(covs) != K:
        raise _FieldError("covs", f"must be a list of {K} entries, one per component; got {_kind(covs)}")
    return means, weights, total


def mixture_to_dict(mixture: GaussianMixture) -> dict:
    """The JSON dict of a mixture, each covariance in its form (the inverse of :func:`mixture_from_dict`)."""
    def cov(f):
        if isinstance(f, Isotropic):
            return f.c
        if isinstance(f, LowRank):
            return {"factor": f.factor.tolist(), "iso": f.c}
        return (f.d if isinstance(f, Diagonal) else f.S).tolist()
    return {"format": "tinyscore.mixture", "name": mixture.name, "description": mixture.description,
            "weights": mixture.weights.tolist(), "means": mixture.means.tolist(),
            "covs": [cov(f) for f in mixture.forms]}


def save_mixture(mixture: GaussianMixture, path) -> None:
    """Write the JSON definition atomically (temporary name, then rename)."""
    write_text(path, json.dumps(mixture_to_dict(mixture)))


class _FieldError(ValueError):
    """A problem with one field of a mixture file: ``field`` (e.g. "means[2][1]") and what is wrong."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field} {problem}")
        self.field, self.problem = field, problem


def _kind(v) -> str:
    """What a JSON value is, for messages: 'a string ("x")', 'null', 'a list of 3', ..."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return f"a boolean ({str(v).lower()})"
    if isinstance(v, str):
        return f"a string ({v[:20]!r})"
    if isinstance(v, (int, float)):
        return f"the number {v:g}" if isinstance(v, float) else "a number"
    if isinstance(v, list):
        return f"a list of {len(v)}"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _number(v, field: str) -> float:
    """A finite JSON number (int or float; not a boolean, a string or null)."""
    if type(v) not in (int, float):
        raise _FieldError(field, f"must be a number, got {_kind(v)}")
    try:
        f = float(v)
    except OverflowError:
        raise _FieldError(field, "is too large for a float") from None
    if not math.isfinite(f):
        raise _FieldError(field, f"must be finite, got {f}")
    return f


def _vector(v, field: str, n: int | None = None) -> np.ndarray:
    """A list of finite numbers (of length n when given) as float64."""
    if not isinstance(v, list):
        raise _FieldError(field, f"must be a list of numbers, got {_kind(v)}")
    if n is not None and len(v) != n:
        raise _FieldError(field, f"must have {n} numbers, got {len(v)}")
    for i, x in enumerate(v):
        if type(x) not in (int, float):
            raise _FieldError(f"{field}[{i}]", f"must be a number, got {_kind(x)}")
    try:
        a = np.array(v, dtype=np.float64)
    except OverflowError:                       # an integer beyond float64: name it
        for i, x in enumerate(v):
            _number(x, f"{field}[{i}]")
        raise                                   # pragma: no cover - the loop above raises
    bad = ~np.isfinite(a)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _FieldError(f"{field}[{i}]", f"must be finite, got {v[i]}")
    return a


def _matrix(v, field: str, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """A list of equal-length lists of finite numbers as a float64 (rows, cols) array."""
    if not isinstance(v, list):
        raise _FieldError(field, f"must be a list of lists of numbers, got {_kind(v)}")
    if rows is not None and len(v) != rows:
        raise _FieldError(field, f"must have {rows} rows, got {len(v)}")
    for i, r in enumerate(v):
        if not isinstance(r, list):
            raise _FieldError(f"{field}[{i}]", f"must be a list of numbers, got {_kind(r)}")
    if cols is None:
        cols = len(v[0]) if v else 0
    out = np.empty((len(v), cols))
    for i, r in enumerate(v):
        out[i] = _vector(r, f"{field}[{i}]", cols)
    return out


def _cov_from_json(c, D: int, field: str = "covs[k]"):
    """One covariance entry of a mixture file as its form (:mod:`tinyscore.core.mixtures`)."""
    if isinstance(c, dict):
        unknown = sorted(set(c) - {"factor", "iso"})
        if unknown:
            raise _FieldError(field, f"has unknown key(s) {', '.join(map(repr, unknown))}; expected 'factor' and 'iso'")
        F = _matrix(c["factor"], f"{field}.factor", rows=D) if "factor" in c else np.zeros((D, 0))
        return LowRank(F, _number(c.get("iso", 0.0), f"{field}.iso"))
    if type(c) in (int, float):
        return Isotropic(_number(c, field))
    if isinstance(c, list) and c and isinstance(c[0], list):
        return Full(_matrix(c, field, rows=D, cols=D))
    if isinstance(c, list):
        return Diagonal(_vector(c, field, D))
    raise _FieldError(field, f"must be a number, a list of {D} numbers, a {D} x {D} matrix or "
                             f"{{\"factor\": ..., \"iso\": ...}}; got {_kind(c)}")


def load_mixture(spec: str) -> GaussianMixture:
    """A benchmark by name (``uniform``, ...) or a JSON file of the :func:`mixture_from_dict` format (a leading
    ``~`` is the home folder, as for every other path the library takes)."""
    from tinyscore.storage.paths import expand_path
    if spec in BENCHMARKS:
        path = MIXTURE_DIR / f"{spec}.json"
        if not path.exists():
            raise TinyscoreError(f"benchmark mixture file {path.name} is missing from the installed package "
                                 f"({MIXTURE_DIR}); reinstall tinyscore")
    elif not spec.lower().endswith(".json"):
        raise TinyscoreError(f"unknown dataset {spec!r}: expected one of {', '.join(BENCHMARKS)} or a FILE.json")
    else:
        path = expand_path(spec, "--data")
    if not path.exists():
        raise TinyscoreError(f"mixture file {spec} does not exist")
    if not path.is_file():
        raise TinyscoreError(f"mixture file {spec} is not a file")
    try:
        # parsed JSON takes several times its text (a Python float and a list slot per number)
        check_fits(8 * path.stat().st_size, f"reading mixture file {spec}")
        text = path.read_text(encoding="utf-8")
        d = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise TinyscoreError(f"mixture file {spec} is not valid JSON ({e.__class__.__name__}: {e})") from None
    except ValueError as e:            # an integer of over 4,300 digits: Python refuses to convert it
        raise TinyscoreError(f"mixture file {spec} is not a mixture: {str(e).splitlines()[0]}") from None
    except RecursionError:
        raise TinyscoreError(f"mixture file {spec} is not a mixture: its JSON is nested too deeply") from None
    except OSError as e:
        raise TinyscoreError(f"cannot read mixture file {spec}: {e.strerror or e}") from None
    return mixture_from_dict(d, name=path.stem, source=spec)


# -------------------------------------------------------------------- the six benchmarks
def _rotation(rng, D):
    """A Haar-random rotation (QR of a Gaussian matrix with the sign fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((D, D)))
    return q * np.sign(np.diag(r))


def _spiral_components(normal_var: float):
    """Means and 2x2 covariances of the spiral: 10 components along r = 3.5 (1 - t / 2 pi)."""
    t = np.linspace(0, 1.9 * np.pi, 10)
    r = 3.5 * (1 - t / (2 * np.pi))
    means = np.stack([r * np.cos(t), r * np.sin(t)], 1)
    dr = -3.5 / (2 * np.pi)                                   # r'(t)
    tangent = np.stack([dr * np.cos(t) - r * np.sin(t), dr * np.sin(t) + r * np.cos(t)], 1)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1)
    scale = np.maximum(0.1, r / 3.5)
    covs = np.stack([s * (0.5 * np.outer(T, T) + normal_var * np.outer(N, N)) + 1e-6 * np.eye(2)
                     for s, T, N in zip(scale, tangent, normal)])
    return means, covs


def make_benchmark(name: str, seed: int = BENCHMARK_SEED) -> dict:
    """The JSON dict of one benchmark mixture of docs/design.md, section 3, drawn from ``seed``."""
    if name not in BENCHMARKS:
        raise TinyscoreError(f"unknown benchmark mixture {name!r}")
    rng = np.random.default_rng([seed, BENCHMARKS.index(name)])
    D, K = (100, 10) if name.startswith("hd-") or name == "thinmanifold" else (2, 3)
    if name in ("uniform", "hd-uniform", "sharpcov", "hd-sharpcov"):
        means = rng.uniform(-3, 3, size=(K, D))
        weights = rng.dirichlet(np.ones(K))
        if name.endswith("uniform"):
            covs = [0.5] * K
            desc = f"{K} components, means ~ U(-3, 3)^{D}, weights ~ Dirichlet(1), Sigma = 0.5 I"
        else:
            rate, floor = (3.0, 0.0) if name == "sharpcov" else (1.0, 1e-6)
            lam = np.maximum(0.5 * np.exp(-rate * np.arange(D)), floor)
            covs = []
            for _ in range(K):
                Q = _rotation(rng, D)
                if floor == 0:
                    covs.append((Q * lam) @ Q.T)
                else:   # low rank plus isotropic: Q diag(lam - floor) Q^T + floor I
                    keep = lam > floor
                    covs.append({"factor": (Q[:, keep] * np.sqrt(lam[keep] - floor)).tolist(), "iso": floor})
            covs = [c.tolist() if isinstance(c, np.ndarray) else c for c in covs]
            desc = (f"{K} components, means ~ U(-3, 3)^{D}, weights ~ Dirichlet(1), Sigma_k = Q_k diag(0.5 "
                    f"exp(-{rate:g} j){', floored at 1e-6' if floor else ''}) Q_k^T, Q_k random rotations")
    else:
        means2, covs2 = _spiral_components(0.05 if name == "spiral" else 0.005)
        weights = np.full(10, 0.1)
        if name == "spiral":
            means, covs = means2, covs2.tolist()
            desc = "10 equal components along a spiral, elongated along its tangent"
        else:   # embed the thin spiral in 100-D: F C F^T + 1e-4 (I - F F^T) = F (C - 1e-4 I) F^T + 1e-4 I
            F = np.linalg.qr(rng.standard_normal((D, 2)))[0]
            means = means2 @ F.T
            covs = []
            for c in covs2:
                lam, V = np.linalg.eigh(c - 1e-4 * np.eye(2))
                covs.append({"factor": (F @ V * np.sqrt(lam)).tolist(), "iso": 1e-4})
            desc = ("the spiral with its normal variance shrunk 10x, embedded in 100-D by a random "
                    "orthonormal frame, plus 1e-4 I off the plane")
    return {"format": "tinyscore.mixture", "name": name, "description": desc, "seed": seed,
            "weights": np.asarray(weights).tolist(), "means": np.asarray(means).tolist(), "covs": covs}
