"""The analyses of the study: they read models and trajectory files and write tables and figures.

``trajectories`` -- denoising trajectories of a model into HDF5; ``metrics`` -- how two models'
trajectories diverge as sigma -> 0; ``accuracy`` -- a model against the exact score (quality, score
error by density); ``attractors`` -- whether perturbed training points return to themselves;
``published`` -- the same analyses on published UNets; ``gallery`` and ``plots`` -- figures.
The science each one applies lives in :mod:`tinyscore.core`.
"""
