"""The science of tinyscore, to be read top to bottom: networks, models, mixtures, objectives, dynamics.

Every module here imports only NumPy, torch, :mod:`kernels`, :mod:`tinyscore.config` and
:mod:`tinyscore.errors` (and the modules above it in this list); none reads or writes a file.
``tests/test_import_graph.py`` keeps it so. A student's reading order:

1. ``embedding`` -- how a network is told sigma (Fourier features of log sigma).
2. ``nets`` -- the vector MLP backbone and the choice of backbone; ``unet`` -- the image UNet;
   ``tangent`` -- the MLP's forward and tangent pass written out by hand (a fast path of SSM).
3. ``models`` -- one interface for every model: D(y, sigma) and s(y, sigma), tied by Tweedie's
   formula D = y + sigma^2 s; the preconditioning of the three variants; the exact pseudo-models
   (the analytic mixture score, the empirical "memoriser").
4. ``mixtures`` -- Gaussian mixtures, whose noisy score and denoiser are known exactly.
5. ``objectives`` -- the three training losses, each as its equation (reconstruction, denoising
   score matching, sliced score matching); the fast ways to compute SSM's derivative term sit
   beside them, not inside them (``ssm_paths``).
6. ``optim`` -- Adam, the training step's last line.
7. ``dynamics`` -- what a model does to noisy probes: one denoising step, the probability-flow ODE.
8. ``attractors`` and ``metrics`` -- iterating the denoiser from a perturbed training point, and
   comparing two models' outputs (L2, cosine) or a model against the exact score.

Everything that checks and writes files lives in :mod:`tinyscore.storage`; data sets in
:mod:`tinyscore.data`; training runs in :mod:`tinyscore.training`; the analyses that read and write
trajectory files in :mod:`tinyscore.analyses`. See docs/design.md, section 1, for the whole map.
"""
