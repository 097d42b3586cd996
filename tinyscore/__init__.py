"""tinyscore: score-based diffusion models in the low-noise regime, in a few readable modules.

The data flows one way (docs/design.md, section 1):

    mixtures / datasets -> nets + objectives -> training -> checkpoint (models)
        -> dynamics -> store (HDF5) -> metrics / plots

Every model, whatever its objective, answers ``denoise(y, sigma)`` and ``score(y, sigma)``
through Tweedie's formula D(y, sigma) = y + sigma^2 s(y, sigma).

The public functions (:mod:`tinyscore.api`) are importable from here: ``load_model``, ``train``,
``denoise``, ``score``, ``write_trajectories``, ``diverge``, ... They are loaded on first use, so
``import tinyscore`` itself costs nothing (no torch).
"""
from tinyscore.version import __version__

__all__ = ["load_model", "load_dataset", "load_mixture", "train", "denoise", "score", "write_trajectories",
           "diverge", "score_error", "run_attractors", "TinyscoreError", "__version__"]


def __getattr__(name):
    if name == "TinyscoreError":
        from tinyscore.errors import TinyscoreError
        return TinyscoreError
    if name in __all__:
        from tinyscore import api
        return getattr(api, name)
    raise AttributeError(f"module 'tinyscore' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
