r"""The fast ways to compute sliced score matching's derivative term v^T (ds/dy) v (docs/design.md, section 2).

:class:`tinyscore.core.objectives.SSMLoss` reads as its equation,

    sigma^2 [ (1/M) sum_m v_m^T J v_m + 1/2 ||s||^2 ],        J = d s(y, sigma) / d y,

and asks this module for the M directional terms v_m^T J v_m (with the score s, and the projections
v_m^T s that plain SSM needs). There are three ways to get them, with equal results (tested), and
:func:`pick_path` chooses one:

* **double backward** (Song et al. 2019, the definition): p = v^T s, then g = grad_y p = J^T v
  (a backward pass that builds a graph, ``create_graph=True``), then v^T g = v^T J^T v = v^T J v.
  The training backward then differentiates through that backward pass too;
* **double backward with the Triton projection kernels** (on a GPU): the same, but
  ``kernels.project`` regenerates v inside its kernels, so no (B, D) block of directions is stored;
* **forward mode**: (s, J v) in one pass with a tangent, then v^T (J v). The MLP writes its tangent
  out by hand (:mod:`tinyscore.core.tangent`: the tangent rows ride in the network's own matmuls);
  other backbones use ``torch.autograd.forward_ad``.

The v are generated from a seed by Philox (kernel 2 of docs/design.md, section 7): the same seed gives
the same v everywhere (CPU, GPU, kernels). On the reference (CPU) paths one (B, D) block of
directions is generated per projection (``kernels.projection_vectors``, ~1 ms for 512 x 100) and
g = grad_y sum(v * s) is asked of autograd: the incoming gradient of s is then 1 * v = v exactly, so
g equals grad(s, y, grad_outputs=v) bit for bit, without the import of sympy (0.4 s) that PyTorch's
check of an explicit ``grad_outputs`` costs the first step.

Which is faster depends on the device and the backbone, measured with ``cli.py bench`` (rows
"SSM step (forward-mode jvp)" against "SSM step (double backward)", both against a DSM step):

* CPU, MLP: the hand-written tangent costs 0.89-0.96x the double backward's step (1.87-1.90x a DSM
  step at 100-D and batch 512, 1.72-1.79x at 2-D and batch 256);
* CPU, conv UNet: ``torch.autograd.forward_ad`` costs 1.3-1.5x the double backward (every op
  dispatched twice);
* CUDA: the double backward, measured on an H200 against forward_ad (2.3-2.5x a DSM step against
  more); the hand-written tangent is not measured on a GPU yet.
"""
from __future__ import annotations

import torch

import kernels

from tinyscore.core.models import forward_ad_jvp

#: the faster Jacobian-vector product per (device type, backbone), or per device type (see above)
JVP_DEFAULT = {("cpu", "mlp"): "forward", "cpu": "backward", "cuda": "backward"}
#: the ways :func:`directional_terms` can take
PATHS = ("double_backward", "double_backward_kernel", "forward")


def default_jvp(device, arch: str | None = None) -> str:
    """The faster Jacobian-vector product on ``device``'s type for backbone ``arch`` ("backward" where
    unmeasured)."""
    kind = torch.device(device).type
    return JVP_DEFAULT.get((kind, arch)) or JVP_DEFAULT.get(kind, "backward")


def pick_path(model, y: torch.Tensor, jvp: str = "auto", backend: str | None = None) -> str:
    """One of :data:`PATHS` for ``jvp`` ("auto", "forward" or "backward") on ``y``'s device: forward mode, or
    the double backward with the directions as a tensor (the reference backend) or inside the Triton kernels."""
    if jvp == "auto":
        jvp = default_jvp(y.device, getattr(model, "config", {}).get("arch"))
    if jvp == "forward":
        return "forward"
    return "double_backward" if kernels.pick_backend(y, backend) == "reference" else "double_backward_kernel"


def score_and_jvp(model, y, sigma, v):
    """(s(y, sigma), J v) by forward mode: the model's own ``score_and_jvp`` where it has one (a hand-written
    tangent), else ``torch.autograd.forward_ad`` through ``model.score``."""
    if hasattr(model, "score_and_jvp"):
        return model.score_and_jvp(y, sigma, v)
    return forward_ad_jvp(lambda t: model.score(t, sigma), y, v)


def directional_terms(model, y, sigma, seed: int, n_proj: int, kind: str = "rademacher", jvp: str = "auto",
                      backend: str | None = None, with_vs: bool = False):
    """(s, [v_m^T J v_m], [v_m^T s] or None) for the M = ``n_proj`` directions v_m of ``seed``, s as (B, D),
    by the path :func:`pick_path` chooses (``with_vs``: the projections v_m^T s are wanted too)."""
    path = pick_path(model, y, jvp, backend)
    y = y.detach().requires_grad_(path != "forward")   # forward mode never differentiates in y
    step = {"double_backward": _double_backward, "double_backward_kernel": _double_backward_kernel,
            "forward": _forward}[path]
    return step(model, y, sigma, seed, n_proj, kind, backend, with_vs)


def _directions(y, seed: int, m: int, kind: str) -> torch.Tensor:
    """The (B, D) block of directions v_m of ``seed`` (Philox, ``kernels.projection_vectors``)."""
    return kernels.projection_vectors((y.shape[0], y[0].numel()), seed, m, kind, device=y.device, dtype=y.dtype)


def _double_backward(model, y, sigma, seed, n_proj, kind, backend, with_vs):
    """g = grad_y (v^T s) = J^T v by a backward that builds a graph, then v^T g."""
    s = model.score(y, sigma).reshape(y.shape[0], -1)
    vjv, vs = [], [] if with_vs else None
    for m in range(n_proj):
        v = _directions(y, seed, m, kind)
        (g,) = torch.autograd.grad((v * s).sum(), y, create_graph=True)
        vjv.append((v * g.reshape(y.shape[0], -1)).sum(1))
        if with_vs:
            vs.append((v * s).sum(1))
    return s, vjv, vs


def _double_backward_kernel(model, y, sigma, seed, n_proj, kind, backend, with_vs):
    """The double backward with v regenerated inside ``kernels.project`` (never stored): p = v^T s, then
    g = grad_y p = J^T v, then v^T g."""
    s = model.score(y, sigma).reshape(y.shape[0], -1)
    vjv, vs = [], [] if with_vs else None
    for m in range(n_proj):
        p = kernels.project(s, seed, m, kind, backend=backend)
        (g,) = torch.autograd.grad(p.sum(), y, create_graph=True)      # J^T v per sample
        vjv.append(kernels.project(g.reshape(y.shape[0], -1), seed, m, kind, backend=backend))
        if with_vs:
            vs.append(p)
    return s, vjv, vs


def _forward(model, y, sigma, seed, n_proj, kind, backend, with_vs):
    """(s, J v) in one forward pass with a tangent (:func:`score_and_jvp`), then v^T (J v)."""
    B = y.shape[0]
    vjv, vs = [], [] if with_vs else None
    for m in range(n_proj):
        v = _directions(y, seed, m, kind)
        s, jv = score_and_jvp(model, y, sigma, v.reshape(y.shape))
        s, jv = s.reshape(B, -1), jv.reshape(B, -1)
        vjv.append((v * jv).sum(1))
        if with_vs:
            vs.append((v * s).sum(1))
    return s, vjv, vs
