"""The study's former home, kept so that ``from tinyscore import reproduce`` goes on working.

The study is the package tinyscore.study: the scales and cells in ``grid``, the steps of a cell in
``steps``, running them in ``run``, the dry-run estimate in ``plan``. New code imports from there.
"""
from .defaults import ANALYSIS_SIGMAS as SIGMAS
from .study.grid import (ALL_DATASETS, DEFAULT_DATA_ROOT, IMAGE_DATASETS, REPO, SCALES, Grid, image_target,
                         make_spec, plan_cells, prepare_image_data, scale_settings)
from .study.plan import (CELEBA_IMAGES, CELL_EXTRAS, FLOPS_KEY, format_plan, forward_key, plan_study, read_step_times,
                         train_key)
from .study.run import EXECUTORS, machine_info, reproduce, run_convergence, run_worker
from .study.steps import Step, attractor_grid, build_grid

__all__ = ["SIGMAS", "ALL_DATASETS", "DEFAULT_DATA_ROOT", "IMAGE_DATASETS", "REPO", "SCALES", "Grid", "image_target",
           "make_spec", "plan_cells", "prepare_image_data", "scale_settings", "CELEBA_IMAGES", "CELL_EXTRAS",
           "FLOPS_KEY", "format_plan", "forward_key", "plan_study", "read_step_times", "train_key", "EXECUTORS",
           "machine_info", "reproduce", "run_convergence", "run_worker", "Step", "attractor_grid", "build_grid"]
