r"""Image data: preparing CelebA faces, and image datasets with disjoint halves A and B.

Preparation (as in Kadkhodaie et al., ICLR 2024)
------------------------------------------------
CelebA's aligned release has one 178x218 RGB JPEG per image (some copies are at half
resolution, 89x109). Each image x (height h, width w) becomes one size x size grayscale face:

1. Face box. At full resolution the face is rows 29:-29 and columns 9:-9, a 160x160 square.
   At another resolution the box is scaled and kept centred, rounding the side to a whole pixel:

       side_y = round(160 h / 218),  top  = (h - side_y) // 2,   rows top  : top  + side_y
       side_x = round(160 w / 178),  left = (w - side_x) // 2,   cols left : left + side_x

   which is exactly 29:-29, 9:-9 at 178x218 and rows 14:94, cols 4:84 (80x80) at 89x109.
2. Grayscale: g = (R + G + B) / 3, in floating point, before any resizing.
3. Resize the box to size x size with a box filter (PIL's ``Image.BOX``): every output pixel is
   the area-weighted average of the input pixels it covers. For 160 -> 80 that is the mean of each
   2x2 block; the box filter never sharpens, so it adds no ringing (bicubic would).
4. Round to the nearest integer and store uint8 in 0..255. Datasets divide by 255: images in [0, 1].

The result is one HDF5 file, written to a temporary name and renamed when complete::

    /images      (N, size, size) uint8
    /names       (N,)  str    source file names, in sorted file-name order
    /identities  (N,)  int32  person identity (-1 unknown), only when an identity file is given
    attrs: format = "tinyscore.images", version = 1, size, source, and how it was made

Files PIL cannot decode (truncated or corrupt JPEGs) are skipped and counted, never fatal.

Reading pixels
--------------
Every image becomes grayscale intensities in [0, 1] (stored as 0..255 for 8-bit sources), whatever
its PIL mode and bit depth (:func:`gray_image`):

- ``1`` (1 bit): 0 and 1. ``L``: v / 255. ``RGB``, ``P`` (palette), ``CMYK``, ``YCbCr``: converted
  to RGB by PIL, then (R + G + B) / 3.
- ``I;16`` (16-bit PNG, TIFF, PGM): v / 65535. ``I`` (32-bit integer): v / (2^b - 1) with b the
  TIFF's bits per sample, else 16 (16-bit data that PIL widened); values outside 0..2^b - 1 are
  refused. ``F`` (32-bit float): taken as intensities, which must be finite and in [0, 1].
- Transparency (``LA``, ``RGBA``, ``PA``, a ``P``/``L``/``RGB`` image with a transparent colour):
  composited over black, gray * alpha. A fully transparent pixel is 0 whatever colour it stores
  (encoders store arbitrary colours there), so the result never depends on hidden values.
- 48-bit RGB PNGs are read by PIL at 8 bits per channel: right in scale, 8-bit in precision.

A folder's pool is uint8 when every image has at most 8 bits per sample, else float32 (16-bit
precision is kept). Files PIL cannot decode are skipped and counted, as in preparation. A file
declaring more pixels than PIL's decompression-bomb limit is refused, naming it, and so are
folders without images, images of different sizes (unless a resolution is given), images smaller
than the resolution (images are only shrunk), fewer than 3 images, images under 4x4 pixels, and
pools of zero variance (every pixel equal: nothing to learn). Arrays (.npy / .npz) have their
header checked before they are read: declared size against memory and against the file's length,
no pickled objects; their dtypes are read as :func:`_as_pool` says.

Near-duplicates (optional)
--------------------------
Two images are near-duplicates when the correlation of their 20x20 thumbnails (box-filtered) is
above 0.95. Each thumbnail t is z-scored, t <- (t - mean t) / std t over its d = 400 pixels, so

    corr(t_i, t_j) = t_i . t_j / d.

Keep-first, greedy: an image is dropped when it correlates above the threshold with an image
already kept. The kept thumbnails T (M x d float32) grow as the files stream past; each chunk C of
incoming thumbnails is compared with C T^T / d, one block of 8192 kept rows at a time, so memory is
O(N d) (320 MB for N = 200,000) and never O(N^2). Time is O(N^2 d / 2): 8e12 multiply-adds for
the whole of CelebA, a few minutes of float32 matrix products on a laptop's cores. (Flat
thumbnails, std = 0, correlate with nothing and are never dropped.)

Datasets and the split
----------------------
:class:`ImageDataset` keeps the pool as uint8 (or float32 when given floats) and converts only the
requested points to float32 in [0, 1], shape (n, 1, H, W). The split depends only on the pool,
its identities and ``data_seed`` (see :func:`split_pool`):

- the unit is a person when identities are known (an ``identities`` dataset in the HDF5 file, a
  ``targets`` or ``identities`` array in an .npz, a ``STEM_targets.npy`` / ``PREFIX_targets.npy``
  beside an .npy), otherwise an image;
- the units are shuffled with ``data_seed``; the test set takes units from the end of that order
  until it holds 10% of the pool (at most 10,000 images); the other units go one by one to
  whichever of halves A and B has fewer images so far; the images inside each half (and the test
  set) are then shuffled, and ``half_size`` is the smaller half's size.

So no person is in two of A, B and the test set, and the first N of a half are N different images
drawn across many people, the same for every run with the same seed.
"""
from __future__ import annotations

import hashlib
import logging
import time
import warnings
import zipfile
from pathlib import Path

import h5py
import numpy as np
from PIL import Image

from tinyscore.data.splits import Dataset
from tinyscore.errors import TinyscoreError, one_line
from tinyscore.storage.files import atomic_file, what_is
from tinyscore.storage.limits import check_fits, human_bytes
from tinyscore.storage.paths import expand_path

log = logging.getLogger("tinyscore")

FORMAT, VERSION = "tinyscore.images", 1
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")
FULL_H, FULL_W, FULL_BOX = 218, 178, 160     # CelebA's aligned resolution and its face box
DEDUP_THRESHOLD, THUMB = 0.95, 20
CHUNK = 1024                                 # images processed (and written) at a time
DEDUP_BLOCK = 8192                           # kept thumbnails per matrix product


# ---------------------------------------------------------------------------------------------
# pixels: face box, grayscale, box-filter resize

def face_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The face box (left, top, right, bottom) of an aligned CelebA image of this size."""
    side_y, side_x = round(FULL_BOX * height / FULL_H), round(FULL_BOX * width / FULL_W)
    top, left = (height - side_y) // 2, (width - side_x) // 2
    return left, top, left + side_x, top + side_y


def gray(pixels: np.ndarray) -> np.ndarray:
    """Grayscale float32 in 0..255: an (H, W) array as it is, an (H, W, 3) array as (R + G + B) / 3."""
    a = np.asarray(pixels, dtype=np.float32)
    if a.ndim == 3:
        a = (a[..., 0] + a[..., 1] + a[..., 2]) / 3
    return a


#: modes whose pixels carry an alpha channel (premultiplied or not)
ALPHA_MODES = ("LA", "La", "PA", "RGBA", "RGBa")


def gray_image(im: Image.Image, where="image") -> tuple[np.ndarray, bool]:
    """A PIL image of any mode as (H, W) float32 grayscale in 0..255, and whether it has more than 8 bits.

    See "Reading pixels" in the module docstring for the rule of each mode. Raises
    :class:`TinyscoreError` naming ``where`` for pixels whose scale cannot be known.
    """
    mode = im.mode
    if mode == "1":
        return np.asarray(im, dtype=np.float32) * 255, False
    if mode == "L" and "transparency" not in im.info:
        return np.asarray(im, dtype=np.float32), False
    if mode.startswith("I;16"):                          # 16-bit grayscale (PNG, TIFF, PGM)
        return np.asarray(im).astype(np.float32) * np.float32(255 / 65535), True
    if mode == "I":
        bits = _declared_bits(im)
        top = 2 ** bits - 1
        a = np.asarray(im)
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi > top:
            raise TinyscoreError(f"{where}: {bits}-bit integer pixels must lie in 0..{top}, found {lo}..{hi}")
        return (a.astype(np.float64) * (255 / top)).astype(np.float32), True
    if mode == "F":                                     # 32-bit float: taken as [0, 1] intensities
        a = np.asarray(im, dtype=np.float32)
        if not np.isfinite(a).all():
            raise TinyscoreError(f"{where}: floating-point pixels include NaN or infinity")
        if a.min() < 0 or a.max() > 1:
            raise TinyscoreError(f"{where}: floating-point pixels must lie in [0, 1], found "
                                 f"{a.min():g}..{a.max():g}")
        return a * 255, True
    try:
        if mode in ALPHA_MODES or "transparency" in im.info:     # composite over black
            a = np.asarray(im.convert("RGBA"), dtype=np.float32)
            return gray(a[..., :3]) * (a[..., 3] / 255), False
        return gray(np.asarray(im if mode == "RGB" else im.convert("RGB"))), False
    except ValueError:                                  # a mode PIL cannot convert to RGB
        raise TinyscoreError(f"{where}: images of PIL mode {mode} cannot be read as grayscale") from None


def _declared_bits(im: Image.Image) -> int:
    """Bits per sample of a 32-bit integer ('I') image: the TIFF tag when there is one, else 16
    (the common case: 16-bit data that an older PIL, or a format plugin, widened to 32 bits)."""
    try:
        bits = im.tag_v2.get(258)                       # TIFF BitsPerSample
        bits = bits[0] if isinstance(bits, tuple) else bits
        if isinstance(bits, int) and 1 <= bits <= 32:
            return bits
    except AttributeError:
        pass
    return 16


def box_resize(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Box-filter (area-average) resize of (H, W) or (N, H, W) images to size = (h, w); float32.

    An integer factor is a block mean; any other factor uses PIL's BOX filter, one image at a time.
    """
    a = np.asarray(images)
    single = a.ndim == 2
    a = a[None] if single else a
    n, H, W = a.shape
    h, w = size
    if (H, W) == (h, w):
        out = a.astype(np.float32)
    elif H % h == 0 and W % w == 0:                       # block mean: sum the fy*fx strided grids
        a, fy, fx = a.astype(np.float32, copy=False), H // h, W // w
        out = sum(a[:, i::fy, j::fx] for i in range(fy) for j in range(fx)) / (fy * fx)
    else:
        out = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(x, dtype=np.float32))
                                   .resize((w, h), Image.BOX)) for x in a])
    return out[0] if single else out


def to_uint8(x: np.ndarray) -> np.ndarray:
    """Round 0..255 floats to the nearest integer, as uint8."""
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def celeba_face(im: Image.Image, size: int = 80) -> np.ndarray:
    """One aligned CelebA image -> its (size, size) uint8 grayscale face (steps 1-4 above)."""
    face = im.crop(face_box(*im.size))                  # crop first: same result, less work
    g, _ = gray_image(face, getattr(im, "filename", "") or "image")
    return to_uint8(box_resize(g, (size, size)))


def read_image(path: Path) -> Image.Image | None:
    """The decoded image in its own mode, or None when the file is unreadable (corrupt, truncated,
    not an image).

    A file declaring more pixels than PIL's decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``,
    89 million) or more than this machine's memory holds is refused with one line naming it: it is
    readable, and skipping it would hide why the data changed. PIL's other warnings are silenced.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
                bands = len(im.getbands())
                check_fits(w * h * (4 * bands + 16), f"image {path} ({w}x{h} pixels)")
                im.load()
                return im
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise TinyscoreError(f"{path}: refused as a possible decompression bomb ({e})") from None
    except (TinyscoreError, MemoryError, KeyboardInterrupt):
        raise
    except Exception:  # PIL's decoders raise many kinds (OSError, SyntaxError, struct.error, ...)
        return None


def image_files(folder: Path) -> list[Path]:
    """The image files of a folder, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


# ---------------------------------------------------------------------------------------------
# near-duplicates

def thumbnails(images: np.ndarray) -> np.ndarray:
    """(N, H, W) images -> (N, 400) z-scored 20x20 thumbnails; corr(i, j) = t_i . t_j / 400."""
    t = box_resize(images, (THUMB, THUMB)).reshape(len(images), -1)
    t -= t.mean(axis=1, keepdims=True)
    std = np.sqrt((t * t).mean(axis=1, keepdims=True))
    return np.divide(t, std, out=np.zeros_like(t), where=std > 1e-6)


class NearDuplicates:
    """Streaming keep-first de-duplication: feed chunks of images, learn which to keep."""

    def __init__(self, threshold: float = DEDUP_THRESHOLD, block: int | None = None):
        self.threshold, self.block = threshold, block or DEDUP_BLOCK
        self.kept = np.zeros((0, THUMB * THUMB), np.float32)   # grows by doubling
        self.n = 0

    def add(self, images: np.ndarray) -> np.ndarray:
        """For each image: -1 when kept (it is added), else the index among kept images it repeats."""
        t = thumbnails(images)
        limit = self.threshold * t.shape[1]                   # corr > threshold  <=>  dot > threshold * d
        best = np.full(len(t), -np.inf, np.float32)
        match = np.full(len(t), -1, np.int64)
        for start in range(0, self.n, self.block):           # compare with every kept block
            c = t @ self.kept[start:start + self.block].T
            j = c.argmax(axis=1)
            v = c[np.arange(len(t)), j]
            better = v > best
            best[better], match[better] = v[better], start + j[better]
        match[best <= limit] = -1
        within = np.tril(t @ t.T, k=-1) > limit               # (i, j), j < i: earlier in this chunk
        for i in np.flatnonzero(within.any(axis=1) & (match < 0)):
            earlier = np.flatnonzero(within[i, :i] & (match[:i] < 0))   # only images that were kept
            if len(earlier):
                match[i] = self.n + int((match[:earlier[0]] < 0).sum())
        keep = match < 0
        self._append(t[keep])
        return match

    def _append(self, t: np.ndarray) -> None:
        if self.n + len(t) > len(self.kept):
            grown = np.zeros((max(2 * len(self.kept), self.n + len(t), 1024), t.shape[1]), np.float32)
            grown[:self.n] = self.kept[:self.n]
            self.kept = grown
        self.kept[self.n:self.n + len(t)] = t
        self.n += len(t)


# ---------------------------------------------------------------------------------------------
# preparation

def read_identities(path) -> dict[str, int]:
    """CelebA's ``identity_CelebA.txt``: one 'filename identity' pair per line."""
    path = Path(path)
    if not path.is_file():
        raise TinyscoreError(f"identity file {path} {what_is(path)}")
    table = {}
    try:
        with open(path, encoding="utf-8") as f:
            for k, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                try:
                    name, ident = parts
                    table[name] = int(ident)
                except ValueError:
                    raise TinyscoreError(f"{path}:{k}: expected 'filename identity', "
                                         f"got {line.strip()[:80]!r}") from None
    except UnicodeDecodeError:
        raise TinyscoreError(f"identity file {path} is not text (expected 'filename identity' lines, as "
                             "CelebA's identity_CelebA.txt)") from None
    except OSError as e:
        raise TinyscoreError(f"identity file {path} cannot be read ({e.strerror or e})") from None
    return table


def prepare_celeba(src, out, size: int = 80, dedup: bool = False, identities=None, limit: int | None = None,
                   progress: bool = True) -> dict:
    """Aligned CelebA JPEGs in folder ``src`` -> one HDF5 file ``out`` of (N, size, size) uint8 faces.

    ``identities``: CelebA's identity file, stored per image (-1 for images it does not list).
    ``limit``: only the first ``limit`` files (sorted by name). ``dedup``: drop near-duplicates.
    Returns {"written", "skipped_unreadable", "duplicates_dropped", "seconds"} and, for the record,
    "files", "unreadable" (names) and "duplicates" ([dropped name, kept name] pairs).
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise TinyscoreError(f"{src} {what_is(src)}, not a folder of images")
    if not 8 <= int(size) <= 1024 or (dedup and size < THUMB):
        raise TinyscoreError(f"size must be between {THUMB if dedup else 8} and 1024, got {size}")
    if limit is not None and limit < 1:
        raise TinyscoreError(f"limit must be at least 1, got {limit}")
    size = int(size)
    files = image_files(src)[:limit]
    if not files:
        raise TinyscoreError(f"no image files in {src}")
    table = read_identities(identities) if identities is not None else None
    dups = NearDuplicates() if dedup else None
    unreadable, duplicates, kept_names, sizes = [], [], [], set()

    with atomic_file(out, make_parents=True) as fo, h5py.File(fo, "w") as f, \
            tqdm(total=len(files), unit="img", desc="prepare", disable=not progress) as bar:
        images = f.create_dataset("images", (0, size, size), np.uint8, maxshape=(None, size, size),
                                  chunks=(max(1, 2 ** 20 // size ** 2), size, size))   # about 1 MB each
        names = f.create_dataset("names", (0,), h5py.string_dtype(), maxshape=(None,), chunks=(CHUNK,))
        idents = (f.create_dataset("identities", (0,), np.int32, maxshape=(None,), chunks=(CHUNK,))
                  if table is not None else None)
        for start in range(0, len(files), CHUNK):
            faces, chunk_names = [], []
            for p in files[start:start + CHUNK]:
                im = read_image(p)
                if im is None:
                    unreadable.append(p.name)
                else:
                    sizes.add(im.size)
                    faces.append(celeba_face(im, size))
                    chunk_names.append(p.name)
                bar.update()
            if not faces:
                continue
            faces = np.stack(faces)
            if dups is not None:
                match = dups.add(faces)            # -1: kept; else the index of the kept image it repeats
                seen = kept_names + [n for n, m in zip(chunk_names, match) if m < 0]
                duplicates += [[chunk_names[i], seen[match[i]]] for i in np.flatnonzero(match >= 0)]
                faces, chunk_names = faces[match < 0], seen[len(kept_names):]
            k, m = len(kept_names), len(chunk_names)
            images.resize(k + m, axis=0)
            images[k:] = faces
            names.resize(k + m, axis=0)
            names[k:] = chunk_names
            if idents is not None:
                idents.resize(k + m, axis=0)
                idents[k:] = [table.get(n, -1) for n in chunk_names]
            kept_names += chunk_names
        if not kept_names:
            raise TinyscoreError(f"none of the {len(files)} image files in {src} could be read")
        f.attrs.update(format=FORMAT, version=VERSION, size=size, source=src.name, files=len(files),
                       source_sizes=" ".join(f"{w}x{h}" for w, h in sorted(sizes)),
                       crop="CelebA face box rows 29:-29, cols 9:-9 of 178x218, scaled to the image",
                       grayscale="(R + G + B) / 3", resize="box filter (area average), rounded to uint8",
                       dedup=bool(dedup), dedup_threshold=DEDUP_THRESHOLD if dedup else np.nan,
                       skipped_unreadable=len(unreadable), duplicates_dropped=len(duplicates),
                       created=time.strftime("%Y-%m-%dT%H:%M:%S"))
    if unreadable:
        log.warning("skipped %d unreadable image files (first: %s)", len(unreadable), unreadable[0])
    for w, h in sorted(sizes):
        if abs(w / h - FULL_W / FULL_H) > 0.02:
            log.warning("%dx%d images are not shaped like aligned CelebA (178x218): their face box is a guess", w, h)
    return {"written": len(kept_names), "skipped_unreadable": len(unreadable),
            "duplicates_dropped": len(duplicates), "seconds": time.perf_counter() - t0,
            "files": len(files), "unreadable": unreadable, "duplicates": duplicates}


# ---------------------------------------------------------------------------------------------
# datasets

def split_pool(n: int, identities=None, data_seed: int = 0, test_fraction: float = 0.1,
               max_test: int = 10_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of halves A and B and of the test set (see the module docstring for the rule)."""
    units = np.arange(n) if identities is None else np.asarray(identities, dtype=np.int64).copy()
    if len(units) != n:
        raise TinyscoreError(f"{len(units)} identities for {n} images")
    unknown = units < 0
    units[unknown] = -1 - np.arange(unknown.sum())           # an unknown identity is its own person
    _, unit_of = np.unique(units, return_inverse=True)
    counts = np.bincount(unit_of)
    if len(counts) < 3:
        raise TinyscoreError(f"cannot split {len(counts)} {'people' if identities is not None else 'images'}"
                             " into halves A and B and a test set: need at least 3")
    rng = np.random.default_rng(np.random.SeedSequence([int(data_seed), 1729]))
    order = rng.permutation(len(counts))
    target = min(max_test, max(1, round(test_fraction * n)))
    n_test_units = int(np.searchsorted(np.cumsum(counts[order[::-1]]), target) + 1)
    n_test_units = min(n_test_units, len(counts) - 2)         # leave a person for each half
    side = np.full(len(counts), 2)                            # 0 = A, 1 = B, 2 = test
    filled = [0, 0]
    for u in order[:len(counts) - n_test_units]:
        h = int(filled[1] < filled[0])
        side[u], filled[h] = h, filled[h] + counts[u]
    where = side[unit_of]
    return tuple(rng.permutation(np.flatnonzero(where == s)) for s in range(3))


def pixel_std(pool: np.ndarray, chunk: int = 4096) -> float:
    """Standard deviation of all pixels of a pool, in [0, 1] units, in bounded memory."""
    if pool.dtype == np.uint8:
        hist = sum(np.bincount(pool[i:i + chunk].ravel(), minlength=256) for i in range(0, len(pool), chunk))
        v = np.arange(256) / 255.0
        mean = (hist * v).sum() / hist.sum()
        return float(np.sqrt((hist * (v - mean) ** 2).sum() / hist.sum()))
    s = s2 = 0.0
    for i in range(0, len(pool), chunk):
        x = pool[i:i + chunk].astype(np.float64)
        s, s2 = s + x.sum(), s2 + (x * x).sum()
    m = s / pool.size
    return float(np.sqrt(max(s2 / pool.size - m * m, 0.0)))


class ImageDataset(Dataset):
    """A pool of grayscale images (N, H, W), uint8 0..255 or float32 0..1, split into A, B and test."""

    def __init__(self, pool: np.ndarray, name: str = "images", identities=None, names=None,
                 data_seed: int = 0, test_fraction: float = 0.1, max_test: int = 10_000, source=None):
        """``source``: where the pool came from (a file or folder), named in error messages.

        Degenerate pools are refused with one line: no images, fewer than 3 (halves A and B and
        a test set need one each), images under 4x4 pixels, or zero variance (every pixel equal:
        the networks scale by the pixel spread, and there is nothing to learn).
        """
        where = str(source if source is not None else name)
        if pool.ndim != 3 or pool.dtype not in (np.uint8, np.float32):
            raise TinyscoreError(f"an image pool is (N, H, W) uint8 or float32, got {pool.dtype} {pool.shape}")
        n, h, w = pool.shape
        if n == 0:
            raise TinyscoreError(f"{where} holds no images")
        if min(h, w) < 4:
            raise TinyscoreError(f"{where}: images of {w}x{h} pixels are too small to learn from; "
                                 "at least 4x4 are needed")
        if n < 3:
            raise TinyscoreError(f"{where} holds {n} image{'s' if n > 1 else ''}; at least 3 are needed "
                                 "(one each for halves A and B and the test set)")
        self.pool, self.name, self.data_seed = pool, name, int(data_seed)
        self.identities = None if identities is None else np.asarray(identities)
        self.names = names
        self.shape = (1,) + pool.shape[1:]
        self.sigma_data = pixel_std(pool)
        if not self.sigma_data > 1e-6:
            v = pool.flat[0] / 255 if pool.dtype == np.uint8 else pool.flat[0]
            raise TinyscoreError(f"images in {where} have zero variance (all pixels equal {v:.4g}); nothing to learn")
        a, b, t = split_pool(len(pool), self.identities, data_seed, test_fraction, max_test)
        self.half_size, self.test_size = min(len(a), len(b)), len(t)
        self.order = (a[:self.half_size], b[:self.half_size], t)   # pool indices of A, B, test
        self.sigma_max = 1.0

    def split_sha256(self) -> str:
        """sha256 of the pool indices of A, B and test, in order (each as its length, then int64s)."""
        h = hashlib.sha256()
        for o in self.order:
            h.update(len(o).to_bytes(8, "little"))
            h.update(np.ascontiguousarray(o, dtype="<i8").tobytes())
        return h.hexdigest()

    def _take(self, stream: int, n: int) -> np.ndarray:
        x = self.pool[self.order[stream][:n]]             # a copy already (fancy indexing)
        x = x.astype(np.float32, copy=False)
        if self.pool.dtype == np.uint8:
            x /= 255                                      # in place: one float copy of the points, not two
        return x[:, None]

    def __repr__(self) -> str:
        by = "identity" if self.identities is not None else "image"
        return (f"ImageDataset({self.name!r}, {len(self.pool)} images {self.shape[1]}x{self.shape[2]}, "
                f"halves of {self.half_size} split by {by}, {self.test_size} test)")


def resize_pool(pool: np.ndarray, resolution: int, chunk: int = 4096) -> np.ndarray:
    """A (N, H, W) pool box-filtered to (N, r, r), chunk by chunk; uint8 pools stay uint8 (rounded).

    Images are only ever shrunk: a resolution above the image size is refused, not upsampled.
    """
    H, W = pool.shape[1:]
    if resolution is None or (resolution, resolution) == (H, W):
        return np.asarray(pool)
    r = int(resolution)
    if r < 4:
        raise TinyscoreError(f"resolution must be at least 4, got {resolution}")
    if r > min(H, W):
        raise TinyscoreError(f"resolution {r} is larger than the images ({W}x{H}): images are only "
                             "shrunk, never enlarged")
    check_fits(len(pool) * r * r * pool.dtype.itemsize, f"{len(pool)} images of {r}x{r}")
    if H != W:
        log.warning("images of %dx%d resized to %dx%d change their aspect ratio", H, W, r, r)
    out = np.empty((len(pool), r, r), pool.dtype)
    for i in range(0, len(pool), chunk):
        x = box_resize(np.asarray(pool[i:i + chunk], dtype=np.float32), (r, r))
        out[i:i + chunk] = to_uint8(x) if pool.dtype == np.uint8 else x
    return out


def _read_npy(fp, where: str, size: int | None) -> np.ndarray:
    """One .npy array from an open binary file, refused (one line) before anything is allocated when
    its header is malformed, declares objects or a dtype that is not numbers, declares more bytes
    than this machine holds, or more bytes than the file has (``size``: the bytes of the file)."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(fp)
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ValueError(f"unknown .npy format version {version[0]}.{version[1]}")
        # 2.0 and 3.0 headers differ only in their text encoding (latin-1 and UTF-8)
        read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = read(fp)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as e:
        raise TinyscoreError(f"{where} is not a readable .npy array ({one_line(e, 160)})") from None
    if dtype.hasobject:
        raise TinyscoreError(f"{where} holds Python objects (dtype {dtype}), not numbers; tinyscore never "
                             "unpickles data files: save uint8 or float images")
    if dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in "biufc":
        raise TinyscoreError(f"{where} holds {dtype} values, not numbers")
    count = int(np.prod(shape, dtype=object)) if shape else 1
    nbytes = count * dtype.itemsize
    check_fits(nbytes + 4 * count, f"{where} ({'x'.join(map(str, shape)) or 'scalar'} {dtype})")
    if size is not None and size - fp.tell() < nbytes:
        raise TinyscoreError(f"{where} is truncated: its header declares {shape} {dtype} "
                             f"({human_bytes(nbytes)}), but only {human_bytes(max(size - fp.tell(), 0))} follow")
    a = np.empty(count, dtype)
    view, got = memoryview(a.view(np.uint8)), 0
    while got < nbytes:
        k = fp.readinto(view[got:])
        if not k:
            raise TinyscoreError(f"{where} is truncated: {human_bytes(got)} of the {human_bytes(nbytes)} "
                                 "its header declares")
        got += k
    return a.reshape(shape, order="F" if fortran else "C")


def _as_pool(a: np.ndarray, where: str, chunk: int = 1024) -> np.ndarray:
    """An image array as a pool: (N, H, W), (N, 1, H, W) or (N, H, W, 1) of

    - uint8: 0..255, kept as it is (divided by 255 when used);
    - bool: False = 0 (black), True = 1 (white);
    - uint16: 16-bit images, 0..65535 -> [0, 1] float32;
    - other integers (int8 ... int64, uint32, uint64): values must lie in 0..255 (8-bit images
      stored in a wider type, as np.array of Python ints makes them) -> uint8;
    - floats: intensities, must be finite and lie in [0, 1] -> float32.

    Complex numbers are refused. Checks run chunk by chunk, in bounded extra memory.
    """
    shape = a.shape
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    elif a.ndim == 4 and a.shape[3] == 1:
        a = a[..., 0]
    if a.ndim != 3:
        hint = ("; colour images: average the channels first" if a.ndim == 4 and 3 in (shape[1], shape[3])
                else "")
        raise TinyscoreError(f"{where}: expected images of shape (N, H, W) or (N, 1, H, W), got {shape}{hint}")
    if len(a) == 0 or a.size == 0:
        raise TinyscoreError(f"{where} holds no images (shape {shape})")
    kind = a.dtype.kind
    if a.dtype == np.uint8:
        return np.ascontiguousarray(a)
    if kind == "b":
        return a.astype(np.uint8) * np.uint8(255)
    if a.dtype == np.uint16:
        out = np.empty(a.shape, np.float32)
        for i in range(0, len(a), chunk):
            out[i:i + chunk] = a[i:i + chunk] / np.float32(65535)
        return out
    if kind in "ui":
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi > 255:
            raise TinyscoreError(f"{where}: {a.dtype} images must lie in 0..255, found {lo}..{hi} "
                                 "(uint16 arrays are read as 16-bit images, 0..65535)")
        return a.astype(np.uint8)
    if kind == "f":
        lo, hi, bad, first = np.inf, -np.inf, 0, None
        for i in range(0, len(a), chunk):
            x = a[i:i + chunk]
            finite = np.isfinite(x)
            if not finite.all():
                bad += int((~finite).sum())
                if first is None:
                    first = i + int(np.flatnonzero(~finite.all(axis=(1, 2)))[0])
                x = x[finite]
            if x.size:
                lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
        if bad:
            raise TinyscoreError(f"{where}: {bad} pixel{'s are' if bad > 1 else ' is'} NaN or infinite "
                                 f"(first in image {first})")
        if lo < -1e-6 or hi > 1 + 1e-6:
            raise TinyscoreError(f"{where}: float images must lie in [0, 1], found {lo:.4g}..{hi:.4g} "
                                 "(uint8 0..255 is also accepted)")
        out = np.empty(a.shape, np.float32)
        for i in range(0, len(a), chunk):
            out[i:i + chunk] = np.clip(a[i:i + chunk], 0, 1)
        return out
    raise TinyscoreError(f"{where}: images of dtype {a.dtype} are not supported (complex numbers are not pixels)")


def _load_h5(path: Path, resolution):
    """Read a file made by :func:`prepare_celeba`. It is opened through :mod:`tinyscore.storage.h5safe`, so a
    crafted one (data kept in other files, links out of the file, 10^9 declared images stored in a
    few bytes, text where pixels belong, damage) is refused in one line before anything is used."""
    from tinyscore.storage.h5safe import open_h5
    with open_h5(path, "a tinyscore image file (.h5)") as h:
        h.check_attributes()
        fmt = h.attr("format")
        if isinstance(fmt, (str, np.str_, bytes, np.bytes_)):
            fmt = h.attr_str("format")
        if fmt != FORMAT or not h.exists("images"):
            raise h.error(f"is not a tinyscore image file (format {one_line(fmt, 40)!r}); "
                          "make one with tinyscore.data.images.prepare_celeba")
        version = h.attr_int("version", 0)
        if version > VERSION:
            raise h.error(f"has image format version {version}, newer than this tinyscore")
        ds = h.dataset("images", "u", ndim=3)
        if ds.dtype != np.uint8 or min(ds.shape) < 1:
            raise h.error(f"/images must be (N, H, W) uint8 with N, H, W >= 1, got {ds.dtype} {ds.shape}")
        N, H, W = ds.shape
        r = int(resolution) if resolution and 4 <= int(resolution) <= min(H, W) else 0
        check_fits(N * H * W + N * r * r + (4 * min(N, 4096) * H * W if r else 0), f"{path}: {N} images of {H}x{W}")
        pool = resize_pool(ds, resolution) if resolution else ds[()]
        ids = names = None
        if h.exists("identities"):
            ids = h.dataset("identities", "iu", ndim=1)
            if ids.shape != (N,):
                raise h.error(f"/identities has shape {ids.shape}, expected ({N},), one per image")
            ids = ids[()]
        if h.exists("names"):
            names = h.dataset("names", "S", ndim=1)
            if names.shape != (N,):
                raise h.error(f"/names has shape {names.shape}, expected ({N},), one per image")
            names = [str(n) for n in names[()]]
    return pool, ids, names


def _read_npy_file(path: Path, where: str | None = None) -> np.ndarray:
    where = where or str(path)
    try:
        with open(path, "rb") as fp:
            return _read_npy(fp, where, path.stat().st_size)
    except OSError as e:
        raise TinyscoreError(f"cannot read {where}: {e.strerror or one_line(e, 160)}") from None


def _check_identities(ids: np.ndarray, n: int, where: str) -> np.ndarray:
    if ids.shape != (n,) or ids.dtype.kind not in "iu":
        raise TinyscoreError(f"{where}: identities must be {n} integers, one per image, got {ids.dtype} {ids.shape}")
    return ids


def _sibling_identities(path: Path, n: int):
    """Identities beside an .npy: STEM_identities.npy, STEM_targets.npy, PREFIX_identities/targets.npy.

    A sibling of another length or dtype is not about these images and is ignored; an unreadable
    one is refused (it would silently change the split from by-person to by-image)."""
    prefix = path.stem.split("_")[0]
    for stem in dict.fromkeys((path.stem, prefix)):
        for kind in ("identities", "targets"):
            p = path.with_name(f"{stem}_{kind}.npy")
            if p.is_file() and p != path:
                ids = _read_npy_file(p, f"{p} (the identities beside {path.name})")
                if ids.shape == (n,) and np.issubdtype(ids.dtype, np.integer):
                    log.info("identities of %s from %s", path.name, p.name)
                    return ids
    return None


def _read_npz_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> np.ndarray:
    try:
        with zf.open(info) as fp:
            return _read_npy(fp, where, info.file_size)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
        raise TinyscoreError(f"cannot read {where}: {one_line(e, 160)}") from None


def _load_array(path: Path):
    """(pool, identities, None) from an .npy (identities from a sibling file) or an .npz archive.

    An .npz gives its ``images`` (or ``x``) array, or its only array besides ``identities`` /
    ``targets``; those two, when present, are the identities. Every array's header is checked
    before it is read (see :func:`_read_npy`); pickled objects are never loaded.
    """
    if path.suffix.lower() == ".npy":
        pool = _as_pool(_read_npy_file(path), str(path))
        return pool, _sibling_identities(path, len(pool)), None
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise TinyscoreError(f"{path} is not a readable .npz archive (truncated or corrupt? "
                             f"{one_line(e, 160)})") from None
    with zf:
        members = {i.filename[:-4]: i for i in zf.infolist() if i.filename.endswith(".npy")}
        if not members:
            raise TinyscoreError(f"{path} holds no arrays")
        id_keys = [k for k in ("identities", "targets") if k in members]
        others = [k for k in members if k not in id_keys]
        key = ("images" if "images" in members else "x" if "x" in members
               else others[0] if len(others) == 1 else None)
        if key is None:
            raise TinyscoreError(f"{path}: expected an 'images' array (or a single array), found "
                                 f"{', '.join(sorted(members)) if others else 'only ' + ', '.join(id_keys)}")
        pool = _as_pool(_read_npz_member(zf, members[key], f"{path}[{key}]"), f"{path}[{key}]")
        ids = None
        if id_keys:
            where = f"{path}[{id_keys[0]}]"
            ids = _check_identities(_read_npz_member(zf, members[id_keys[0]], where), len(pool), where)
    return pool, ids, None


def _load_folder(path: Path, resolution, notes: list):
    """(pool, None, names) from a folder of images; see "Reading pixels" in the module docstring.

    Unreadable files are skipped and counted (a note for ``notes``), as :func:`prepare_celeba`
    does. The pool is uint8 when every image has 8 bits or fewer per sample, else float32 in [0, 1].
    """
    files = image_files(path)
    if not files:
        raise TinyscoreError(f"no image files in {path} (looked for {', '.join(IMAGE_SUFFIXES)})")
    pool, names, unreadable, deep = [], [], [], False
    from tqdm.auto import tqdm                       # a large folder takes seconds: say so while it loads
    for p in tqdm(files, desc=f"loading {path.name}", unit="img", leave=False, disable=len(files) < 500,
                  dynamic_ncols=True):
        im = read_image(p)
        if im is None:
            unreadable.append(p.name)
            continue
        g, d = gray_image(im, p)
        h, w = g.shape
        if resolution:
            if min(h, w) < resolution:
                raise TinyscoreError(f"{p} is {w}x{h}, smaller than resolution {resolution}: images are only "
                                     "shrunk, never enlarged")
            g = box_resize(g, (resolution, resolution))
        elif pool and g.shape != pool[0].shape:
            raise TinyscoreError(f"images in {path} differ in size ({pool[0].shape[1]}x{pool[0].shape[0]} for "
                                 f"{names[0]}, {w}x{h} for {p.name}): give a resolution to resize them all")
        if not pool or (d and not deep):                # the whole folder, as stacked at the end
            check_fits(2 * len(files) * g.size * (4 if d or deep else 1), f"{len(files)} images of "
                       f"{g.shape[1]}x{g.shape[0]} from {path}")
        deep = deep or d
        pool.append(g / np.float32(255) if d else to_uint8(g))
        names.append(p.name)
    if not pool:
        raise TinyscoreError(f"none of the {len(files)} image files in {path} could be read "
                             f"(corrupt, truncated or not images; first: {unreadable[0]})")
    if unreadable:
        notes.append(f"skipped {len(unreadable)} unreadable image file{'s' if len(unreadable) > 1 else ''} "
                     f"in {path} (first: {unreadable[0]})")
    if deep:
        return np.stack([x.astype(np.float32) / 255 if x.dtype == np.uint8 else x for x in pool]), None, names
    return np.stack(pool), None, names


def load_image_dataset(spec: str, data_seed: int = 0, resolution: int | None = None,
                       identities=None) -> ImageDataset:
    """An image dataset from its command-line spelling.

    ``celeba:FILE.h5`` or ``FILE.h5``   a file made by :func:`prepare_celeba`
    ``FOLDER``                         any PIL-readable images (every mode and bit depth, see
                                       "Reading pixels"); all one size unless ``resolution`` is given
    ``FILE.npy`` / ``FILE.npz``        (N, H, W) or (N, 1, H, W): uint8 0..255, uint16 0..65535, bool,
                                       other integers in 0..255, or float in [0, 1] (see :func:`_as_pool`)

    ``resolution`` box-filters every image to resolution x resolution at load (e.g. 80 -> 40 for CPU
    runs); it may only shrink. ``identities`` (an array, one per image) overrides the identities
    found with the data. Every problem is one :class:`TinyscoreError` line naming the file.
    """
    s = spec
    for prefix in ("celeba:", "images:"):
        if s.lower().startswith(prefix):
            s = s[len(prefix):]
    if not s.strip():
        raise TinyscoreError(f"{spec!r} names no file: write celeba:FILE.h5, a folder, or FILE.npy / FILE.npz")
    path = expand_path(s, "image data")
    if resolution is not None and int(resolution) < 4:
        raise TinyscoreError(f"resolution must be at least 4, got {resolution}")
    truth = what_is(path)
    if truth not in ("is a file", "is a folder"):     # missing, unreadable; a pipe or a device would block or never end
        raise TinyscoreError(f"image data {s!r} {truth}")
    notes: list = []
    if path.is_dir():
        if spec.lower().startswith("celeba:"):
            raise TinyscoreError(f"celeba:{s} is a folder: prepare it into an .h5 file first (prepare_celeba)")
        pool, ids, names = _load_folder(path, resolution, notes)
    elif path.suffix.lower() in (".h5", ".hdf5"):
        pool, ids, names = _load_h5(path, resolution)
    elif path.suffix.lower() in (".npy", ".npz"):
        pool, ids, names = _load_array(path)
        pool = resize_pool(pool, resolution) if resolution else pool
    else:
        raise TinyscoreError(f"unknown image data {s!r}: expected a .h5 file, a folder of images or .npy/.npz")
    if identities is not None:
        ids = np.asarray(identities)
        if ids.shape != (len(pool),):
            raise TinyscoreError(f"{len(ids)} identities given for {len(pool)} images")
    dataset = ImageDataset(pool, name=path.stem, identities=ids, names=names, data_seed=data_seed, source=path)
    for note in notes:                                   # only once the data is known to be usable
        log.warning("%s", note)
    return dataset
