"""Training a model into a run directory, on one process, under torchrun, or as a worker of a study.

``loop`` -- the training loop: the update step, held-out scoring, the averaged weights, resume
states and the run directory (options.json, stats.jsonl, model.pt); ``distributed`` -- data-parallel
training under torchrun; ``workers`` -- claims and registrations that let several processes share a
study's cells (docs/design.md, section 6).
"""
