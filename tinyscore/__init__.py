"""tinyscore: score-based diffusion models in the low-noise regime, in a few readable modules.

The data flows one way (DESIGN section 1):

    mixtures / datasets -> nets + objectives -> training -> checkpoint (models)
        -> dynamics -> store (HDF5) -> metrics / plots

Every model, whatever its objective, answers ``denoise(y, sigma)`` and ``score(y, sigma)``
through Tweedie's formula D(y, sigma) = y + sigma^2 s(y, sigma).
"""
__version__ = "0.1.0"
