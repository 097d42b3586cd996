r"""Gaussian mixtures: the analytic benchmarks, exact at every noise level (NumPy, float64).

A mixture has weights w_k, means mu_k and covariances Sigma_k. Adding Gaussian noise of size
sigma convolves every component with N(0, sigma^2 I), so everything stays closed-form:

    log p_sigma(y) = logsumexp_k [ log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) ]        (1)
    r_k(y)         = softmax_k  [ log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) ]        (2)
    s(y, sigma)    = grad_y log p_sigma(y)
                   = sum_k r_k(y) (Sigma_k + sigma^2 I)^{-1} (mu_k - y)                 (3)
    D*(y, sigma)   = E[x | y] = y + sigma^2 s(y, sigma)          (Tweedie)               (4)

Each covariance keeps the form it was given, and (1)-(3) cost what that form costs per point and
component; write v = c + sigma^2:

    Isotropic  c I          O(D)     (Sigma + sigma^2 I)^{-1} = I / v
    Diagonal   diag(d)      O(D)     1 / (d + sigma^2), coordinate by coordinate
    LowRank    F F^T + c I  O(D r)   F = Q S W^T (thin SVD): eigenvalues S^2 + c on the columns of
                                     Q, c off them, so (Sigma + sigma^2 I)^{-1} =
                                     I / v - Q diag(S^2 / (v (S^2 + v))) Q^T
    Full       Sigma        O(D^2)   Sigma = U diag(lambda) U^T once; the inverse is
                                     U diag(1 / (lambda + sigma^2)) U^T

Noise only shifts eigenvalues, so one decomposition per mixture serves every sigma (one per point
too); nothing is inverted. Eigenvalues are floored at EIG_FLOOR so that sigma = 0 on an exactly
singular component stays finite; the logsumexp keeps responsibilities finite far from every
component. c I is the low-rank form with r = 0: for both, the squared distances
||y - mu_k||^2 = ||y||^2 - 2 y.mu_k + ||mu_k||^2 and the projections Q_k^T y of all components
come from one matrix product (BLAS), and the sum (3) from one more. That expansion loses digits
when the variance is tiny and y sits near a mean far from the origin (its error is about
4 eps (||y||^2 + ||mu_k||^2) / v), so where that bound passes REFINE_ABOVE the components that
carry a point's responsibility are computed again from y - mu_k itself. Diagonal and full
components are always computed from y - mu_k.

Sampling draws x = mu_k + U_k diag(sqrt lambda_k) z, z ~ N(0, I), in the eigenbasis of the
component's D x D covariance, as it always has, so every run's data stay the same: for c I that
basis is I exactly (LAPACK returns it for a constant diagonal) and the draw costs O(D); the other
forms compute the basis once, on their first draw (O(D^3) once, O(D^2) per point through BLAS).

The JSON files, their field-by-field checks and the six benchmarks live in
``tinyscore.storage.mixture_files``; this module reads no file.
"""
from __future__ import annotations

import math

import numpy as np

from tinyscore.errors import TinyscoreError

#: eigenvalues are floored here so that sigma = 0 on an exactly singular component stays finite
EIG_FLOOR = 1e-12
#: a component within this of a point's largest log-term carries responsibility (e^-40 ~ 4e-18)
NEAR = 40.0
#: the error bound of the expanded distance above which such a component is recomputed from y - mu_k
REFINE_ABOVE = 1e-10
#: log-terms further below a point's largest are held here before exp (see :func:`_exp_floored`)
EXP_FLOOR = -700.0
_LOG_2PI = math.log(2 * math.pi)
_EPS = float(np.finfo(np.float64).eps)


# -------------------------------------------------------------------- one covariance, as given
class Isotropic:
    """Sigma = c I."""

    def __init__(self, c):
        self.c = float(c)

    def dense(self, D):
        return self.c * np.eye(D)

    def trace(self, D):
        return float(np.full(D, self.c).sum())          # summed as np.trace(c I) sums it

    def smallest_eigenvalue(self, D):
        return self.c, abs(self.c)


class Diagonal:
    """Sigma = diag(d)."""

    def __init__(self, d):
        self.d = np.asarray(d, dtype=np.float64)

    def dense(self, D):
        return np.diag(self.d)

    def trace(self, D):
        return float(self.d.sum())

    def smallest_eigenvalue(self, D):
        return float(self.d.min()), float(np.abs(self.d).max())


class LowRank:
    """Sigma = F F^T + c I, F a D x r factor (r < D: a factor as wide as D is a full matrix)."""

    def __init__(self, factor, c=0.0):
        self.factor, self.c = np.asarray(factor, dtype=np.float64), float(c)

    def dense(self, D):
        out = self.factor @ self.factor.T
        out[np.diag_indices(D)] += self.c
        return out

    def trace(self, D):
        """trace(F F^T) + D c, the diagonal taken from the products a dense F F^T would hold."""
        F, diag = self.factor, np.empty(D)
        for a in range(0, D, 512):
            diag[a:a + 512] = np.diagonal(F[a:a + 512] @ F[a:a + 512].T) + self.c
        return float(diag.sum())

    def spectrum(self):
        """(Q, S^2): the factor's left singular vectors and squared singular values."""
        Q, S, _ = np.linalg.svd(self.factor, full_matrices=False)
        return Q, S ** 2

    def smallest_eigenvalue(self, D):
        return self.c, abs(self.c) + float((self.factor ** 2).sum())


class Full:
    """Sigma, a symmetric positive semi-definite D x D matrix."""

    def __init__(self, S):
        self.S, self._eig = np.asarray(S, dtype=np.float64), None

    def dense(self, D):
        return self.S

    def trace(self, D):
        return float(np.trace(self.S))

    def eigh(self):
        """(lambda, U) of the symmetrised matrix, computed once."""
        if self._eig is None:
            self._eig = np.linalg.eigh(0.5 * (self.S + self.S.T))
        return self._eig

    def smallest_eigenvalue(self, D):
        lam = self.eigh()[0]
        return float(lam[0]), float(max(abs(lam[0]), abs(lam[-1])))


def as_covariance(c, D: int, where: str = "mixture", field: str = "covs[k]"):
    """One covariance as its form: a number c (c I), D numbers (a diagonal), a D x D matrix, or a
    form; checked (finite, symmetric, positive semi-definite) with one line naming ``field``."""
    if not isinstance(c, (Isotropic, Diagonal, LowRank, Full)):
        a = np.asarray(c, dtype=np.float64)
        if a.ndim > 2:
            raise TinyscoreError(f"{where}: {field} must be a number, {D} numbers or a {D} x {D} matrix, "
                                 f"got shape {a.shape}")
        c = (Isotropic, Diagonal, Full)[a.ndim](a)
    if isinstance(c, LowRank) and c.factor.ndim == 2 and c.factor.shape[0] == D:
        if c.factor.shape[1] == 0:
            c = Isotropic(c.c)
        elif c.factor.shape[1] >= D:                  # as wide as D: the full matrix it makes
            c = Full(c.dense(D))
    _check_form(c, D, where, field)
    return c


def _check_form(form, D: int, where: str, field: str) -> None:
    """Refuse (one line) a covariance of the wrong shape, non-finite, asymmetric or not PSD."""
    shape = {Diagonal: lambda f: f.d.shape == (D,), LowRank: lambda f: f.factor.ndim == 2 and f.factor.shape[0] == D,
             Full: lambda f: f.S.shape == (D, D)}.get(type(form), lambda f: True)
    if not shape(form):
        raise TinyscoreError(f"{where}: covariances must fit {D} dimensions; {field} does not")
    values = [getattr(form, n) for n in ("c", "d", "factor", "S") if hasattr(form, n)]
    if not all(np.all(np.isfinite(v)) for v in values):
        raise TinyscoreError(f"{where}: weights, means and covariances must be finite; {field} is not")
    if isinstance(form, Full):
        S = form.S
        if not np.allclose(S, S.T, atol=1e-10 * max(1.0, np.abs(S).max())):
            i, j = np.unravel_index(np.abs(S - S.T).argmax(), S.shape)
            raise TinyscoreError(f"{where}: covariances must be symmetric; {field} has "
                                 f"[{i}][{j}] = {S[i, j]:g} but [{j}][{i}] = {S[j, i]:g}")
    low, high = form.smallest_eigenvalue(D)
    if low < -1e-9 * max(1.0, high):
        raise TinyscoreError(f"{where}: covariances must be positive semi-definite; {field} has "
                             f"the eigenvalue {low:.3g}")


def _eig_basis(S: np.ndarray) -> np.ndarray:
    """U diag(sqrt lambda) of a symmetric S (eigenvalues floored): x = mu + basis @ z draws N(mu, S)."""
    lam, U = np.linalg.eigh(0.5 * (S + S.T))
    return U * np.sqrt(np.maximum(lam, EIG_FLOOR))[None, :]


# -------------------------------------------------------------------- the components of one form, stacked
class _Stack:
    """The components of one form: ``index`` (their places in the mixture), means, log-weights and the
    terms of (1)-(3); :meth:`terms` gives log w_k + log N(y; mu_k, Sigma_k + s2 I), (B, k)."""

    def __init__(self, index, means, forms, log_w):
        self.index, self.means, self.forms, self.log_w = np.asarray(index), means, forms, log_w
        self.D = means.shape[1]
        self._basis = {}

    def inexact(self, work) -> bool:
        """Whether :meth:`terms` may have lost digits that :meth:`refine` must restore (never here)."""
        return False

    def draw(self, j: int, z: np.ndarray) -> np.ndarray:
        """Offsets U diag(sqrt lambda) z of component j for standard normal rows z."""
        if j not in self._basis:
            self._basis[j] = _eig_basis(self.forms[j].dense(self.D))
        return z @ self._basis[j].T


class _LowRankStack(_Stack):
    """c_k I + Q_k diag(S_k^2) Q_k^T (Isotropic: r = 0; ranks padded with zero columns): O(D r)."""

    def __init__(self, index, means, forms, log_w):
        super().__init__(index, means, forms, log_w)
        k, D = means.shape
        spectra = [f.spectrum() if isinstance(f, LowRank) else (np.zeros((D, 0)), np.zeros(0)) for f in forms]
        r = max(q.shape[1] for q, _ in spectra)
        self.Q, self.S2, c = np.zeros((k, D, r)), np.zeros((k, r)), np.array([f.c for f in forms])
        for j, (q, s2) in enumerate(spectra):
            self.Q[j, :, :q.shape[1]] = q
            self.S2[j, :q.shape[1]] = np.maximum(s2 + c[j], EIG_FLOOR) - np.maximum(c[j], EIG_FLOOR)
        self.c, self.k, self.r = np.maximum(c, EIG_FLOOR), k, r
        # one product gives y.mu_k and Q_k^T y for every k (rows [mu_k, Q_k^T], k by k); its
        # transpose maps the coefficients back. Everything between the two products is laid out
        # component-major, (k, ..., B): a sum or max over the k components then runs along
        # contiguous rows of B points (a reduction along a short last axis costs ten times more)
        W = np.concatenate([means[:, :, None], self.Q], 2)                       # (k, D, 1 + r)
        self.WT = np.ascontiguousarray(W.transpose(0, 2, 1).reshape(k * (1 + r), D))
        self.mu2, self.Qmu = (means ** 2).sum(1), np.einsum("kdr,kd->kr", self.Q, means)
        self.mu2_max = float(self.mu2.max())
        # one c for every component: v is then one number at each sigma, and sum_k r_k / v = 1 / v
        self.one_c = bool(np.all(self.c == self.c[0]))
        self._sigma = (None, None)

    def at(self, s2):
        """For noise variance s2: v = c + s2, h = S^2 / (v (S^2 + v)) and the normaliser
        norm = -(D log 2 pi + log det(Sigma + s2 I)) / 2, log det = D log v + sum log(1 + S^2 / v),
        folded into the terms of (1) that the product does not give (1 / v, -1 / 2v and
        norm - ||mu||^2 / 2v), and min v; shaped (k, 1) and (k, r, 1) against the (k, B) terms; once per
        sigma (kept for the last number; a per-point s2, a (B, 1) column, gives (k, B), (k, r, B)).
        For one sigma, h also enters the rows of the product: rows sqrt(h_i) q_i^T give
        sqrt(h_i) q_i . y, whose squares are the terms h_i (q_i . y)^2 of (1) and whose transpose
        maps r_k sqrt(h_i) q_i . (y - mu_k) back to the h_i q_i q_i^T (y - mu_k) of (3); h is then None."""
        if isinstance(s2, float) and self._sigma[0] == s2:
            return self._sigma[1]
        v = self.c[:, None] + (s2.T if np.ndim(s2) else s2)                   # (k, 1) or (k, B)
        vv, S2 = v[:, None, :], self.S2[:, :, None]
        h = S2 / (vv * (S2 + vv))
        norm = -0.5 * (self.D * (_LOG_2PI + np.log(v)) + np.log1p(S2 / vv).sum(1))
        WT, Qmu = self.WT, self.Qmu[:, :, None]
        if isinstance(s2, float) and self.r:
            g = np.sqrt(h)                                                      # (k, r, 1)
            WT = self.WT.reshape(self.k, 1 + self.r, self.D).copy()
            WT[:, 1:] *= g
            WT, Qmu, h = WT.reshape(-1, self.D), Qmu * g, None
        back = None
        if isinstance(s2, float) and self.one_c:       # see score: the rows v sqrt(h_i) q_i^T
            back = WT.reshape(self.k, 1 + self.r, self.D).copy()
            back[:, 1:] *= v[0, 0]
            back = back.reshape(-1, self.D)
        # the terms of (1) not made of the product: log w + log N = y.mu / v - ||y||^2 / 2v
        # + (log w + norm - ||mu||^2 / 2v)
        rest = norm - 0.5 * self.mu2[:, None] / v + self.log_w[:, None]
        # one v for all: the factors as numbers, so that -||y||^2 / 2v is computed once per point
        inv_v = 1 / v[0, 0] if back is not None else 1 / v
        out = (v, h, (inv_v, -0.5 * inv_v, rest), np.min(v), WT, Qmu, back)
        if isinstance(s2, float):
            self._sigma = (s2, out)
        return out

    def terms(self, y, s2):
        """log w + log N, log N = norm - (||y - mu||^2 / v - sum_i h_i (q_i . (y - mu))^2) / 2, the squared
        distance expanded as ||y||^2 - 2 y.mu + ||mu||^2 and y.mu, Q^T y from one product; (B, k)."""
        v, h, (inv_v, neg_half_v, rest), v_min, WT, Qmu, back = self.at(s2)
        P = (WT @ y.T).reshape(self.k, 1 + self.r, y.shape[0])                   # (k, 1 + r, B)
        y2 = np.einsum("bd,bd->b", y, y)
        log_n = np.multiply(P[:, 0], inv_v)                                     # -||y - mu_k||^2 / 2v
        log_n += rest                                                           # + log w + norm, expanded
        log_n += neg_half_v * y2
        p = None
        if self.r:
            p = P[:, 1:]
            p -= Qmu                                       # Q_k^T (y - mu_k), times sqrt(h) for one sigma
            quad = np.einsum("krb,krb->kb", p, p) if h is None else np.einsum("krb,krb,krb->kb", p, p, h)
            quad *= 0.5
            log_n += quad
        return log_n.T, (p, v, h, y2, v_min, WT, back)

    def inexact(self, work) -> bool:
        """Whether the expansion's error bound 4 eps (||y||^2 + ||mu||^2) / v may pass REFINE_ABOVE."""
        _, _, _, y2, v_min, _, _ = work
        return 4 * _EPS * (y2.max() + self.mu2_max) / v_min > REFINE_ABOVE

    def refine(self, y, log_n, near, work):
        """The log-terms of the components in ``near`` whose bound passes REFINE_ABOVE, again from
        d = y - mu_k: ||d - Q Q^T d||^2 / v + sum (Q^T d)^2 / (S^2 + v), no expansion."""
        _, v, _, y2, _, _, _ = work
        vs = np.broadcast_to(v, (self.k, y.shape[0])).T                       # (B, k)
        todo = near & (4 * _EPS * (y2[:, None] + self.mu2) / vs > REFINE_ABOVE)
        for j in np.flatnonzero(todo.any(0)):
            rows = np.flatnonzero(todo[:, j])
            d = y[rows] - self.means[j]
            q = d @ self.Q[j]
            perp = d - q @ self.Q[j].T
            vj = vs[rows, j][:, None]
            maha = (perp * perp).sum(1) / vj[:, 0] + (q * q / (self.S2[j] + vj)).sum(1)
            logdet = self.D * np.log(vj[:, 0]) + np.log1p(self.S2[j] / vj).sum(1)
            log_n[rows, j] = -0.5 * (self.D * _LOG_2PI + logdet + maha)

    def score(self, y, resp, work):
        """sum_k r_k [(mu_k - y) / v_k + Q_k diag(h_k) Q_k^T (y - mu_k)]: one product back."""
        p, v, h, _, _, WT, back = work
        coef = np.empty((self.k, 1 + self.r, y.shape[0]))
        if self.r:
            np.multiply(resp.T[:, None, :], p if h is None else h * p, out=coef[:, 1:])
        if back is not None:
            # one v for all and one sigma: sum_k r_k / v = 1 / v, so the sum is (sum_k r_k [mu_k +
            # v Q_k diag(h_k) Q_k^T (y - mu_k)] - y) / v, the factor v in the rows of ``back``: two
            # passes in place over (B, D) instead of a row scaling and its temporary
            coef[:, 0] = resp.T
            out = coef.reshape(-1, y.shape[0]).T @ back
            out -= y
            out *= 1 / v[0, 0]
            return out
        a = np.divide(resp.T, v, out=coef[:, 0])                                # r_k / v_k, (k, B)
        out = coef.reshape(-1, y.shape[0]).T @ WT
        out -= y * a.sum(0)[:, None]
        return out

    def draw(self, j, z):
        if isinstance(self.forms[j], Isotropic):       # the eigenbasis of c I is I: the same draw, in O(D)
            return math.sqrt(self.c[j]) * z
        return super().draw(j, z)


class _DiagonalStack(_Stack):
    """diag(d_k): every term coordinate by coordinate from y - mu_k, O(D)."""

    def __init__(self, index, means, forms, log_w):
        super().__init__(index, means, forms, log_w)
        self.d = np.maximum(np.stack([f.d for f in forms]), EIG_FLOOR)

    def terms(self, y, s2):
        d = y[:, None, :] - self.means[None]
        var = self.d + (s2[..., None] if np.ndim(s2) else s2)
        log_n = -0.5 * (self.D * _LOG_2PI + np.log(var).sum(-1) + (d * d / var).sum(-1))
        return log_n + self.log_w, (d, var)

    def score(self, y, resp, work):
        d, var = work
        return -np.einsum("bk,bkd->bd", resp, d / var)


class _FullStack(_Stack):
    """U_k diag(lambda_k) U_k^T: offsets rotated into each eigenbasis by BLAS, O(D^2)."""

    def __init__(self, index, means, forms, log_w):
        super().__init__(index, means, forms, log_w)
        pairs = [f.eigh() for f in forms]
        self.lam = np.maximum(np.stack([lam for lam, _ in pairs]), EIG_FLOOR)
        self.U = np.stack([U for _, U in pairs])

    def terms(self, y, s2):
        R = np.stack([(y - mu) @ U for mu, U in zip(self.means, self.U)])          # (k, B, D)
        var = self.lam[:, None, :] + (s2[None] if np.ndim(s2) else s2)
        log_n = -0.5 * (self.D * _LOG_2PI + np.log(var).sum(-1) + (R * R / var).sum(-1))
        return log_n.T + self.log_w, (R, var)

    def score(self, y, resp, work):
        R, var = work
        out = np.zeros_like(y)
        for j, U in enumerate(self.U):
            out -= (resp[:, j, None] * R[j] / var[j]) @ U.T
        return out

    def draw(self, j, z):
        return z @ (self.U[j] * np.sqrt(self.lam[j])[None, :]).T


_STACKS = {Isotropic: _LowRankStack, LowRank: _LowRankStack, Diagonal: _DiagonalStack, Full: _FullStack}


# -------------------------------------------------------------------- the mixture
class GaussianMixture:
    """A mixture of K Gaussians in R^D with exact noisy scores (equations (1) to (4)).

    ``covs``: K covariances, each a number c (c I), a list of D numbers (a diagonal), a D x D matrix,
    or a form (:class:`Isotropic`, :class:`Diagonal`, :class:`LowRank`, :class:`Full`)."""

    def __init__(self, weights, means, covs, name: str = "mixture", description: str = "", source=None):
        """``source``: the file the parameters came from, named in error messages."""
        where = f"mixture file {source}" if source is not None else f"mixture {name!r}"
        w = np.asarray(weights, dtype=np.float64)
        mu = np.asarray(means, dtype=np.float64)
        if mu.ndim != 2:
            raise TinyscoreError(f"{where}: means must be a K x D list, got shape {mu.shape}")
        K, D = mu.shape
        if K < 1 or D < 1:
            raise TinyscoreError(f"{where}: needs at least one component in at least one dimension, "
                                 f"got means of shape {mu.shape}")
        if w.shape != (K,):
            raise TinyscoreError(f"{where}: {w.size} weights for {K} means")
        if len(covs) != K:
            raise TinyscoreError(f"{where}: {len(covs)} covariances for {K} means")
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(mu))):
            raise TinyscoreError(f"{where}: weights, means and covariances must be finite")
        if np.any(w < 0) or w.sum() <= 0:
            raise TinyscoreError(f"{where}: weights must be non-negative with a positive sum")
        self.forms = [as_covariance(c, D, where, f"covs[{k}]") for k, c in enumerate(covs)]
        self.name, self.description, self.source = name, description, source
        self.weights = w / w.sum()
        self.log_weights = np.log(np.maximum(self.weights, 1e-300))
        self.means, self.K, self.D = mu, K, D
        kinds = [_STACKS[type(f)] for f in self.forms]
        self._stacks = []
        for kind in dict.fromkeys(kinds):
            idx = [k for k in range(K) if kinds[k] is kind]
            self._stacks.append(kind(idx, mu[idx], [self.forms[k] for k in idx], self.log_weights[idx]))

    @property
    def covs(self) -> np.ndarray:
        """The K covariances as dense D x D matrices, (K, D, D): built on demand, O(K D^2) memory."""
        return np.stack([f.dense(self.D) for f in self.forms])

    # ---------------------------------------------------------------- the exact quantities
    def _noise(self, y, sigma):
        """y as float64 (B, D) and sigma^2 as a number, or as a (B, 1) column when it varies by point."""
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 2 or y.shape[1] != self.D:
            raise TinyscoreError(f"points must have shape (B, {self.D}), got {y.shape}")
        if isinstance(sigma, (float, int)):                   # one number: no array work
            s2 = float(sigma) ** 2
            if not math.isfinite(s2):
                raise TinyscoreError("sigma must be finite and >= 0")
            return y, s2
        s2 = np.asarray(sigma, dtype=np.float64) ** 2
        if s2.ndim and s2.size not in (1, y.shape[0]):
            raise TinyscoreError(f"sigma must be one number or one per point ({y.shape[0]}), got {s2.size}")
        lo, hi = (float(s2.min()), float(s2.max())) if s2.size else (0.0, 0.0)
        if not (lo >= 0 and math.isfinite(hi)):
            raise TinyscoreError("sigma must be finite and >= 0")
        return (y, lo) if lo == hi else (y, s2.reshape(-1, 1))

    def _terms(self, y, s2):
        """log w_k + log N(y; mu_k, Sigma_k + s2 I), the terms of (1) and (2): (B, K), and each form's work."""
        parts = [stack.terms(y, s2) for stack in self._stacks]
        if len(parts) == 1:                                   # one form: its components in order
            logits = parts[0][0]
        else:
            logits = np.empty((y.shape[0], self.K), order="F")        # component-major, as each stack
            for stack, (part, _) in zip(self._stacks, parts):
                logits[:, stack.index] = part
        works = [work for _, work in parts]
        todo = [(stack, work) for stack, work in zip(self._stacks, works) if stack.inexact(work)]
        if todo:
            near = logits >= logits.max(1, keepdims=True) - NEAR
            for stack, work in todo:
                log_n = logits[:, stack.index] - self.log_weights[stack.index]
                stack.refine(y, log_n, near[:, stack.index], work)
                logits[:, stack.index] = log_n + self.log_weights[stack.index]
        return logits, works

    def log_prob(self, y, sigma=0.0):
        """log p_sigma(y), equation (1); y (B, D), sigma a number or (B,) array."""
        logits, _ = self._terms(*self._noise(y, sigma))
        return _logsumexp(logits)

    def responsibilities(self, y, sigma=0.0):
        """Posterior component probabilities r_k(y), equation (2): (B, K)."""
        logits, _ = self._terms(*self._noise(y, sigma))
        return _softmax(logits)

    def score(self, y, sigma=0.0):
        """The exact score grad_y log p_sigma(y), equation (3): (B, D)."""
        y, s2 = self._noise(y, sigma)
        logits, works = self._terms(y, s2)
        resp = _softmax(logits)                                    # (B, K)
        if len(self._stacks) == 1:
            return self._stacks[0].score(y, resp, works[0])
        return sum(stack.score(y, resp[:, stack.index], work) for stack, work in zip(self._stacks, works))

    def denoise(self, y, sigma):
        """The optimal (MMSE) denoiser D*(y, sigma) = y + sigma^2 s(y, sigma), equation (4)."""
        s2 = np.asarray(sigma, dtype=np.float64) ** 2
        out = self.score(y, sigma)
        out *= s2.reshape(-1, 1) if s2.ndim else s2
        out += np.asarray(y, dtype=np.float64)
        return out

    def sample(self, n: int, seed=0) -> np.ndarray:
        """n exact samples (n, D), float64, from a seed (an int or a numpy SeedSequence):
        x = mu_k + U_k diag(sqrt lambda_k) z, k drawn by weight, one component at a time."""
        rng = np.random.default_rng(seed)
        comp = rng.choice(self.K, size=n, p=self.weights)
        z = rng.standard_normal((n, self.D))
        out = np.empty((n, self.D))
        where = {int(k): (stack, j) for stack in self._stacks for j, k in enumerate(stack.index)}
        for k in np.unique(comp):                 # memory O(n D + D^2), not O(n D^2)
            rows = comp == k
            stack, j = where[int(k)]
            out[rows] = self.means[k] + stack.draw(j, z[rows])
        return out

    def spread(self) -> float:
        """Root-mean-square per-coordinate standard deviation of the mixture (for sigma_max)."""
        mean = self.weights @ self.means
        traces = [f.trace(self.D) for f in self.forms]
        second = sum(w * (t + m @ m) for w, m, t in zip(self.weights, self.means, traces))
        return float(math.sqrt(max(second - mean @ mean, 0.0) / self.D))


# -------------------------------------------------------------------- the mixture as a model
class AnalyticModel:
    """The exact optimal denoiser (4) and score (3) of a mixture behind the models' interface,
    ``denoise(y, sigma)`` and ``score(y, sigma)`` (tinyscore.core.models): computed in float64 and
    returned in y's dtype, for NumPy arrays and torch tensors alike. A NumPy caller never imports
    torch (``trajectories analytic`` runs without it); a number sigma is read at y's precision first,
    as a tensor model reads it, so both kinds of input give the same bits."""

    variant = "analytic"

    def __init__(self, mixture: GaussianMixture):
        self.mixture = mixture
        self.shape = (mixture.D,)

    def _apply(self, fn, y, sigma):
        if isinstance(y, np.ndarray):
            s = np.asarray(sigma, dtype=y.dtype).astype(np.float64)
            s = float(s) if s.ndim == 0 else s
            return fn(y.astype(np.float64), s).astype(y.dtype, copy=False)
        import torch
        s = torch.as_tensor(sigma, dtype=y.dtype, device=y.device).detach().cpu().double().numpy()
        out = fn(y.detach().cpu().double().numpy(), float(s) if s.ndim == 0 else s)
        return torch.from_numpy(out).to(device=y.device, dtype=y.dtype)

    def denoise(self, y, sigma):
        """The optimal denoiser E[x | y] of the mixture at ``sigma`` (computed in float64)."""
        return self._apply(self.mixture.denoise, y, sigma)

    def score(self, y, sigma):
        """The exact score grad_y log p_sigma(y) of the mixture (computed in float64)."""
        return self._apply(self.mixture.score, y, sigma)


def _logsumexp(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=-1)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(_exp_floored(a - m[..., None]).sum(-1))


def _softmax(a: np.ndarray) -> np.ndarray:
    """exp(a - logsumexp(a)) along the last axis, equation (2)."""
    m = a.max(axis=-1, keepdims=True)
    e = a - (m if np.isfinite(m).all() else np.where(np.isfinite(m), m, 0.0))
    np.exp(np.maximum(e, EXP_FLOOR, out=e), out=e)                    # _exp_floored, in place
    e /= e.sum(-1, keepdims=True)
    return e


def _exp_floored(x: np.ndarray) -> np.ndarray:
    """exp(x) for x <= 0, with x held at EXP_FLOOR or above: a subnormal exp (x < -708), and every
    product it then enters, runs tens of times slower, and e^-700 ~ 1e-304 shows in no sum of at least 1."""
    return np.exp(np.maximum(x, EXP_FLOOR))
