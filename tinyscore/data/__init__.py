"""Data sets: the interface every data set offers (halves A and B, a test set), mixtures and images.

``splits`` -- the interface and the disjoint halves; ``datasets`` -- opening a data set by name or
path (a benchmark mixture, a mixture file, images); ``images`` -- CelebA / Olivetti images, their
preparation into an HDF5 file and the person-disjoint split (docs/design.md, section 3).
"""
