"""The defaults shared by the library, the command line and the study, written out once.

Every analysis that takes noise levels or perturbation sizes (``trajectories``, ``score-error``,
``published``, ``attractors``, ``reproduce``) reads its default from here, so the library, the CLI
and the committed study cannot drift apart. See docs/design.md for what each quantity means.
"""

#: noise levels at which trajectories, one-step outputs and score errors are recorded (largest first)
ANALYSIS_SIGMAS = "1,0.5,0.25,0.1,0.05"

#: attractor perturbation sizes eps (relative to the data's scale), as a tuple and as CLI text
ATTRACTOR_EPS = (0.05, 0.1, 0.25)
ATTRACTOR_EPS_TEXT = ",".join(f"{e:g}" for e in ATTRACTOR_EPS)
