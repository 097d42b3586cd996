"""The low-noise study as a small package a student can read in one sitting.

``python cli.py reproduce`` runs a grid of cells (dataset x training-set size N x variant); each cell
trains two models on disjoint halves, writes their trajectories and runs the analyses; the report
turns the finished cells into findings. The modules, in reading order:

* ``grid``     -- the scales, the cells of a study and where each cell's files live;
* ``steps``    -- the steps of one cell, each with the equivalent command line derived from its options;
* ``run``      -- running the steps (resumable, shared by several workers) and the dry-run estimate;
* ``findings`` -- the verdicts computed from the cells' numbers, per metric;
* ``evidence`` -- the verdicts drawn from each cell's controls and bootstrap intervals (``margins``: every
  margin and threshold, once);
* ``report``   -- REPORT.md, one function per section.

See docs/design.md for the quantities and tinyscore.config for the shared defaults.
"""
