r"""Gaussian mixtures: the analytic benchmarks, exact at every noise level (NumPy, float64).

A mixture has weights w_k, means mu_k and covariances Sigma_k. Adding Gaussian noise of size
sigma convolves every component with N(0, sigma^2 I), so everything stays closed-form:

    log p_sigma(y) = logsumexp_k [ log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) ]        (1)
    r_k(y)         = softmax_k  [ log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) ]        (2)
    s(y, sigma)    = grad_y log p_sigma(y)
                   = sum_k r_k(y) (Sigma_k + sigma^2 I)^{-1} (mu_k - y)                 (3)
    D*(y, sigma)   = E[x | y] = y + sigma^2 s(y, sigma)          (Tweedie)               (4)

Each covariance is diagonalised once, Sigma_k = U_k diag(lambda_k) U_k^T, so the noised inverse
is U_k diag(1 / (lambda_k + sigma^2)) U_k^T and the log-determinant is sum log(lambda_k + sigma^2):
no matrix is ever inverted, and near-singular components (lambda ~ 1e-6) stay finite. The
responsibilities (2) use logsumexp, so points far from every component still get a finite
score (that of the nearest component, in the Mahalanobis sense).

The six benchmark mixtures of the study are built by :func:`make_benchmark` from one documented
seed and checked in as ``tinyscore/benchmarks/NAME.json``; :func:`load_mixture` reads those or any
user file of the same format (see :func:`GaussianMixture.from_dict`).

A user's file is checked field by field before anything is computed: every number must be a JSON
number (not a string, a boolean or null) and finite, the lists must have the lengths K and D that
``means`` sets, weights must be non-negative with a positive sum (they are relative: [1, 3] means
[0.25, 0.75]), covariances symmetric and positive semi-definite. The memory the K covariance
matrices of D x D will take is checked against this machine before they are built, so a file
declaring 300,000 dimensions is one line, not a MemoryError. Every problem is one
:class:`TinyscoreError` line naming the file and the field (``means[2][1]``, ``covs[0].factor``).
"""
from __future__ import annotations

import json
import importlib.resources
import logging
import math
from pathlib import Path

import numpy as np

from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import write_text
from tinyscore.storage.limits import check_fits

#: the seed from which the benchmark mixtures were drawn (see tinyscore/benchmarks/generate.py)
BENCHMARK_SEED = 20250609
BENCHMARKS = ("uniform", "sharpcov", "spiral", "hd-uniform", "hd-sharpcov", "thinmanifold")
#: where the checked-in mixture definitions live: package data, so an installed wheel has them too
MIXTURE_DIR = Path(str(importlib.resources.files("tinyscore") / "benchmarks"))
#: eigenvalues are floored here so that sigma = 0 on an exactly singular component stays finite
EIG_FLOOR = 1e-12
log = logging.getLogger("tinyscore")
#: bytes per covariance entry while a mixture is built: the matrices, their eigenvectors and the
#: temporaries of the symmetric eigendecomposition, all float64
COV_BYTES_PER_ENTRY = 4 * 8


def check_mixture_fits(K: int, D: int, where: str) -> None:
    """Refuse (one line) a mixture whose K covariance matrices of D x D would not fit in memory."""
    check_fits(COV_BYTES_PER_ENTRY * K * D * D,
               f"{where}: {K} component{'s' if K != 1 else ''} in {D} dimensions ({K} x {D} x {D} covariances)")


class GaussianMixture:
    """A mixture of K Gaussians in R^D with exact noisy scores (equations (1) to (4))."""

    def __init__(self, weights, means, covs, name: str = "mixture", description: str = "", source=None):
        """``source``: the file the parameters came from, named in error messages."""
        where = f"mixture file {source}" if source is not None else f"mixture {name!r}"
        w = np.asarray(weights, dtype=np.float64)
        mu = np.asarray(means, dtype=np.float64)
        cov = np.asarray(covs, dtype=np.float64)
        if mu.ndim != 2:
            raise TinyscoreError(f"{where}: means must be a K x D list, got shape {mu.shape}")
        K, D = mu.shape
        if K < 1 or D < 1:
            raise TinyscoreError(f"{where}: needs at least one component in at least one dimension, "
                                 f"got means of shape {mu.shape}")
        check_mixture_fits(K, D, f"{where}")
        if w.shape != (K,):
            raise TinyscoreError(f"{where}: {w.size} weights for {K} means")
        if cov.shape != (K, D, D):
            raise TinyscoreError(f"{where}: covariances have shape {cov.shape}, expected {(K, D, D)}")
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(mu)) and np.all(np.isfinite(cov))):
            raise TinyscoreError(f"{where}: weights, means and covariances must be finite")
        if np.any(w < 0) or w.sum() <= 0:
            raise TinyscoreError(f"{where}: weights must be non-negative with a positive sum")
        for k in range(K):
            c = cov[k]
            if not np.allclose(c, c.T, atol=1e-10 * max(1.0, np.abs(c).max())):
                i, j = np.unravel_index(np.abs(c - c.T).argmax(), c.shape)
                raise TinyscoreError(f"{where}: covariances must be symmetric; covs[{k}] has "
                                     f"[{i}][{j}] = {c[i, j]:g} but [{j}][{i}] = {c[j, i]:g}")
        lam, U = np.linalg.eigh(0.5 * (cov + cov.transpose(0, 2, 1)))
        bad = lam.min(axis=1) < -1e-9 * np.maximum(1.0, lam.max(axis=1))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise TinyscoreError(f"{where}: covariances must be positive semi-definite; covs[{k}] has "
                                 f"the eigenvalue {lam[k].min():.3g}")
        self.name, self.description, self.source = name, description, source
        self.weights = w / w.sum()
        self.means, self.covs = mu, cov
        self.eigvals, self.eigvecs = np.maximum(lam, EIG_FLOOR), U  # (K, D), (K, D, D)
        self.K, self.D = K, D

    # ---------------------------------------------------------------- the exact quantities
    def _noised(self, y, sigma):
        """Component log-densities (B, K) and whitened offsets for y under p_sigma."""
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 2 or y.shape[1] != self.D:
            raise TinyscoreError(f"points must have shape (B, {self.D}), got {y.shape}")
        s2 = np.asarray(sigma, dtype=np.float64) ** 2
        if np.any(s2 < 0) or not np.all(np.isfinite(s2)):
            raise TinyscoreError("sigma must be finite and >= 0")
        s2 = s2.reshape(-1, 1, 1) if s2.ndim else s2            # per-point sigma: (B, 1, 1)
        var = self.eigvals[None] + s2                             # (B or 1, K, D)
        # offsets in each component's eigenbasis: r[b, k] = U_k^T (y_b - mu_k)
        r = np.einsum("bkd,kde->bke", y[:, None, :] - self.means[None], self.eigvecs)
        log_n = -0.5 * (self.D * math.log(2 * math.pi) + np.log(var).sum(-1) + (r * r / var).sum(-1))
        logits = np.log(np.maximum(self.weights, 1e-300))[None] + log_n
        return logits, r, var

    def log_prob(self, y, sigma=0.0):
        """log p_sigma(y), equation (1); y (B, D), sigma a number or (B,) array."""
        logits, _, _ = self._noised(y, sigma)
        return _logsumexp(logits)

    def responsibilities(self, y, sigma=0.0):
        """Posterior component probabilities r_k(y), equation (2): (B, K)."""
        logits, _, _ = self._noised(y, sigma)
        return np.exp(logits - _logsumexp(logits)[:, None])

    def score(self, y, sigma=0.0):
        """The exact score grad_y log p_sigma(y), equation (3): (B, D)."""
        logits, r, var = self._noised(y, sigma)
        resp = np.exp(logits - _logsumexp(logits)[:, None])       # (B, K)
        # (Sigma_k + s^2 I)^{-1} (mu_k - y) = U_k diag(1/var) U_k^T (mu_k - y) = -U_k (r / var)
        per_comp = -np.einsum("bke,kde->bkd", r / var, self.eigvecs)
        return np.einsum("bk,bkd->bd", resp, per_comp)

    def denoise(self, y, sigma):
        """The optimal (MMSE) denoiser D*(y, sigma) = y + sigma^2 s(y, sigma), equation (4)."""
        s2 = np.asarray(sigma, dtype=np.float64) ** 2
        s2 = s2.reshape(-1, 1) if s2.ndim else s2
        return np.asarray(y, dtype=np.float64) + s2 * self.score(y, sigma)

    def sample(self, n: int, seed=0) -> np.ndarray:
        """n exact samples (n, D), float64, from a seed (an int or a numpy SeedSequence)."""
        rng = np.random.default_rng(seed)
        comp = rng.choice(self.K, size=n, p=self.weights)
        z = rng.standard_normal((n, self.D))
        out = np.empty((n, self.D))
        for k in np.unique(comp):                 # one component at a time: memory O(n D + D^2), not O(n D^2)
            rows = comp == k
            scaled = self.eigvecs[k] * np.sqrt(self.eigvals[k])[None, :]       # U diag(sqrt lambda)
            out[rows] = self.means[k] + np.einsum("de,ne->nd", scaled, z[rows])
        return out

    def spread(self) -> float:
        """Root-mean-square per-coordinate standard deviation of the mixture (for sigma_max)."""
        mean = self.weights @ self.means
        second = sum(w * (np.trace(c) + m @ m) for w, m, c in zip(self.weights, self.means, self.covs))
        return float(math.sqrt(max(second - mean @ mean, 0.0) / self.D))

    # ---------------------------------------------------------------- the JSON format
    def to_dict(self) -> dict:
        return {"format": "tinyscore.mixture", "name": self.name, "description": self.description,
                "weights": self.weights.tolist(), "means": self.means.tolist(), "covs": self.covs.tolist()}

    @classmethod
    def from_dict(cls, d: dict, name: str = "mixture", source=None) -> "GaussianMixture":
        """Build from a dict with ``weights`` (K), ``means`` (K x D) and ``covs`` (K entries).

        Each covariance may be a number c (c I), a list of D numbers (a diagonal), a D x D
        matrix, or ``{"factor": D x r matrix F, "iso": c}`` meaning F F^T + c I (low rank plus
        isotropic: how the 100-dimensional benchmarks stay small on disk). Weights are relative
        (normalised to sum to 1). ``source`` (the file) is named in error messages, with the field.
        """
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
            means = _matrix(d["means"], "means")
            K, D = means.shape
            if K == 0:
                raise _FieldError("means", "is empty: a mixture needs at least one component")
            if D == 0:
                raise _FieldError("means[0]", "is empty: points need at least one dimension")
            check_mixture_fits(K, D, where)                      # before any D x D matrix exists
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
            covs = d["covs"]
            if not isinstance(covs, list) or len(covs) != K:
                got = _kind(covs)
                raise _FieldError("covs", f"must be a list of {K} entries, one per component; got {got}")
            cov = np.empty((K, D, D))
            for k, c in enumerate(covs):
                cov[k] = _cov_from_json(c, D, f"covs[{k}]")
        except _FieldError as e:
            raise TinyscoreError(f"{where}: {e.field} {e.problem}") from None
        if abs(total - 1) > 1e-6:
            log.info("%s: weights sum to %g; normalised to 1", where, total)
        desc = d.get("description", "")
        return cls(weights, means, cov, name=name, description=desc if isinstance(desc, str) else "",
                   source=source)

    def save(self, path) -> None:
        """Write the JSON definition atomically (temporary name, then rename)."""
        write_text(path, json.dumps(self.to_dict()))


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


def _cov_from_json(c, D: int, field: str = "covs[k]") -> np.ndarray:
    """One covariance entry of a mixture file as a D x D matrix (see :meth:`GaussianMixture.from_dict`)."""
    if isinstance(c, dict):
        unknown = sorted(set(c) - {"factor", "iso"})
        if unknown:
            raise _FieldError(field, f"has unknown key(s) {', '.join(map(repr, unknown))}; expected 'factor' and 'iso'")
        F = _matrix(c["factor"], f"{field}.factor", rows=D) if "factor" in c else np.zeros((D, 0))
        iso = _number(c.get("iso", 0.0), f"{field}.iso")
        out = F @ F.T
        out[np.diag_indices(D)] += iso
        return out
    if type(c) in (int, float):
        return _number(c, field) * np.eye(D)
    if isinstance(c, list) and c and isinstance(c[0], list):
        return _matrix(c, field, rows=D, cols=D)
    if isinstance(c, list):
        return np.diag(_vector(c, field, D))
    raise _FieldError(field, f"must be a number, a list of {D} numbers, a {D} x {D} matrix or "
                             f"{{\"factor\": ..., \"iso\": ...}}; got {_kind(c)}")


def _logsumexp(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=-1)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(np.exp(a - m[..., None]).sum(-1))


def load_mixture(spec: str) -> GaussianMixture:
    """A benchmark by name (``uniform``, ...) or a JSON file of the :meth:`from_dict` format."""
    path = Path(spec)
    if spec in BENCHMARKS:
        path = MIXTURE_DIR / f"{spec}.json"
        if not path.exists():
            raise TinyscoreError(f"benchmark mixture file {path.name} is missing from the installed package "
                                 f"({MIXTURE_DIR}); reinstall tinyscore")
    elif not spec.lower().endswith(".json"):
        raise TinyscoreError(f"unknown dataset {spec!r}: expected one of {', '.join(BENCHMARKS)} or a FILE.json")
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
    return GaussianMixture.from_dict(d, name=path.stem, source=spec)


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
