r"""Reading HDF5 files that may have been crafted to hurt their reader.

tinyscore reads two kinds of HDF5 file a user hands it: trajectory files (:mod:`tinyscore.storage.store`)
and prepared images (:mod:`tinyscore.data.images`). Either may come from someone else, so a reader must
assume the file is hostile. HDF5 is a rich format, and most of its richness is a way to make a
naive reader do something its user did not ask for:

1. **Reading other files.** HDF5 can put a dataset's bytes somewhere else:

   - *external storage*: the raw bytes of a dataset live in a list of other files, at offsets the
     header names. A ``probes/z`` stored "externally" in ``/etc/passwd`` reads that file as floats,
     and a naive ``diverge`` happily prints statistics of it (or ``show`` draws it);
   - *external links*: a name whose target is ``OTHER.h5:/path``, opened on access;
   - *virtual datasets*: a dataset stitched from pieces of datasets in other files;
   - *soft links*: a name that resolves to another path, which may itself cross a file boundary
     or loop.

   Here only *hard* links are followed, and every component of a path is checked before it is
   opened; datasets with external storage or a virtual layout are refused before a byte is read.
2. **Lying about size.** A header may declare 10^12 elements and store none: chunks never written
   read as the fill value, so the read "succeeds" after allocating terabytes (MemoryError) or after
   looping for days. A contiguous dataset may claim more bytes than the file holds, and a compressed
   chunk may inflate a thousandfold (a 100 KB chunk of zeros is 100 MB of output). So the bytes a
   dataset declares must be backed by the bytes it stores (within the largest ratio its filters
   can reach), stored bytes must fit in the file, the worst-case inflation of a chunk must fit in
   memory, and every read is checked against memory with :func:`tinyscore.storage.limits.check_fits`
   before it happens.
3. **Filters that load code.** A dataset may name a filter by number; a number HDF5 does not know
   makes it search its plugin folder and load a shared library. Only HDF5's own filters (and LZF,
   which h5py ships) are accepted.
4. **Wrong types.** A string, integer, compound, enum, variable-length or array type where floats
   are expected; an attribute that is bytes, a numpy scalar, an array or empty instead of text or
   an integer. Datasets are checked by dtype *kind* and item size; attributes are read one at a
   time through typed getters (:meth:`H5File.attr_str`, :meth:`H5File.attr_int`), never with
   ``dict(f.attrs)``, which would read every attribute, including ones no one asked for.
5. **Traps in the library.** Some damage sends HDF5 itself into an endless loop, where no
   Python code can stop it: a *global heap* collection (where variable-length strings, such as
   most attributes, are kept) whose free-space entry claims 0 bytes makes HDF5 parse the same
   entry forever. Before anything is read, :func:`check_global_heaps` walks every collection in
   the file the way HDF5 will, and refuses one that does not tile its space exactly. It reads
   the file a window of a few MiB at a time, so validating a file of gigabytes costs megabytes.
6. **Damage.** A truncated or bit-flipped file makes h5py raise almost anything (``OSError``,
   ``RuntimeError``, ``ValueError``, ``KeyError``, ``TypeError``, ``UnicodeDecodeError``), on
   opening or on any later read, half-way through a computation. Every call into h5py made here is
   wrapped, and whatever it raises becomes one :class:`~tinyscore.errors.TinyscoreError` line naming
   the file and the object: the command line prints ``error: ...`` and exits with status 2.
7. **Wrong shapes and values** (a scalar or 2-D ``/sigmas``, NaN, shapes that disagree with each
   other) are the business of each schema: :func:`tinyscore.storage.store.open_trajectories` and
   ``tinyscore.data.images._load_h5`` check them with the helpers here.

The entry point is :func:`open_h5`; what it yields, an :class:`H5File`, hands out
:class:`SafeDataset` objects that know their shape and dtype and read only through the checks
above. Text taken from the file (an attribute, a link target, h5py's own message) is reduced to
one short line before it goes into a message, so a crafted file cannot print several lines.
"""
from __future__ import annotations

import contextlib
import math
from pathlib import Path

import h5py
import numpy as np
from h5py import h5a, h5d, h5i, h5l, h5o, h5t, h5z

from tinyscore.errors import TinyscoreError, one_line
from tinyscore.storage.limits import check_fits

# HDF5's built-in filters and LZF (compiled into h5py), with the most each can inflate its input:
# deflate reaches 1032:1 at best (LZF and szip are given the same bound); nbit and scale-offset can
# pack a 64-bit value into one bit; shuffle and the Fletcher-32 checksum do not change the size.
SAFE_FILTERS = {h5z.FILTER_DEFLATE: 1032, h5z.FILTER_SHUFFLE: 1, h5z.FILTER_FLETCHER32: 1,
                h5z.FILTER_SZIP: 1032, h5z.FILTER_NBIT: 64, h5z.FILTER_SCALEOFFSET: 64, h5z.FILTER_LZF: 1032}
LAYOUTS = {h5d.COMPACT: "compact", h5d.CONTIGUOUS: "contiguous", h5d.CHUNKED: "chunked"}
# The HDF5 type classes read here, with the numpy kinds they become: everything else is refused
# before a value is converted (a damaged type message can make the conversion crash the process).
TYPE_CLASSES = {h5t.STRING: "S", h5t.INTEGER: "iu", h5t.FLOAT: "f"}
MAX_TEXT = 4096          # longest attribute text accepted
MAX_ATTR_BYTES = 1 << 16 # largest attribute value read (an attribute is one short value)
SMALL_READ = 1 << 24     # reads below 16 MiB skip the memory check (it reads /proc/meminfo)
SCAN_WINDOW = 1 << 22    # the global heap check reads the file 4 MiB at a time (check_global_heaps)
SCAN_BLOCK = 1 << 16     # ... and the few bytes of each heap header through a 64 KiB block


def _describe(e: BaseException) -> str:
    msg = one_line(str(e))
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__


class H5File:
    """An HDF5 file opened read-only; hands out checked datasets and typed attributes."""

    def __init__(self, path, f: h5py.File, size: int):
        self.path, self.f, self.size = Path(path), f, size
        self._objects = {}               # name -> object reached through hard links (or None)
        self._attr_ids = None            # name -> (attribute id, type class), once checked
        self._values = {}                # name -> value of the attributes read

    # -------------------------------------------------------------------------- errors
    def error(self, msg: str) -> TinyscoreError:
        """A TinyscoreError of one line naming this file: "F.h5: /x is ..." or "F.h5 is ..." (when
        ``msg`` starts with a verb: "is not a trajectory file")."""
        sep = " " if msg.split(" ", 1)[0] in ("is", "has", "holds", "declares") else ": "
        return TinyscoreError(one_line(f"{self.path}{sep}{msg}", 400))

    @contextlib.contextmanager
    def reading(self, what: str):
        """Turn anything h5py raises inside this block into one line naming the file and ``what``."""
        try:
            yield
        except TinyscoreError:
            raise
        except MemoryError:
            raise self.error(f"{what} does not fit in memory") from None
        except Exception as e:  # noqa: BLE001 - a damaged file makes h5py raise almost anything
            raise self.error(f"cannot read {what} (damaged file?): {_describe(e)}") from None

    # --------------------------------------------------------------------------- links
    def _resolve(self, name: str):
        """The object at ``name`` following hard links only, or None when some component is missing."""
        parts = [p for p in name.split("/") if p]
        key = "/".join(parts)
        if key not in self._objects:
            parent = self._resolve("/".join(parts[:-1])) if parts else None
            self._objects[key] = self._child(parent, parts) if parts else self.f
        return self._objects[key]

    def _child(self, group, parts):
        """The object ``parts[-1]`` in ``group`` (reached at ``parts[:-1]``), if its link is a hard link."""
        if group is None:
            return None
        here, part = "/" + "/".join(parts), parts[-1]
        with self.reading(here):
            if not isinstance(group, h5py.Group):
                raise self.error(f"/{'/'.join(parts[:-1])} is not a group, so {here} cannot exist")
            key = part.encode()
            if not group.id.links.exists(key):
                return None
            kind = group.id.links.get_info(key).type
            if kind == h5l.TYPE_SOFT:
                target = _text(group.id.links.get_val(key))
                raise self.error(f"{here} is a soft link (to {target}); only plain (hard) links are followed")
            if kind == h5l.TYPE_EXTERNAL:
                raise self.error(f"{here} is an external link to another file; refused: tinyscore "
                                 "reads nothing outside the file it is given")
            if kind != h5l.TYPE_HARD:
                raise self.error(f"{here} is a user-defined link; only plain (hard) links are followed")
            oid = h5o.open(group.id, key)
            kind = h5i.get_type(oid)
            return h5py.Dataset(oid) if kind == h5i.DATASET else h5py.Group(oid) if kind == h5i.GROUP else oid

    def exists(self, name: str) -> bool:
        """Is there an object at ``name`` (reached through hard links)?"""
        return self._resolve(name) is not None

    # ------------------------------------------------------------------------ datasets
    def dataset(self, name: str, kinds: str = "f", ndim: int | None = None, min_ndim: int = 0,
                as_dtype=None) -> "SafeDataset":
        """The dataset at ``name``, checked: plain links, stored in this file, of a dtype kind in
        ``kinds`` (numpy's letters: f float, u unsigned, i signed, S/O text), of ``ndim`` dimensions
        (or at least ``min_ndim``), its declared size backed by stored bytes; refused otherwise."""
        label = "/" + name.strip("/")
        obj = self._resolve(name)
        if obj is None:
            raise self.error(f"{label} is missing")
        if not isinstance(obj, h5py.Dataset):
            raise self.error(f"{label} is not a dataset")
        with self.reading(label):
            dcpl = obj.id.get_create_plist()
            layout = dcpl.get_layout()
            if layout == h5d.VIRTUAL or obj.is_virtual:
                raise self.error(f"{label} is a virtual dataset (its data would come from other files); refused")
            if dcpl.get_external_count() > 0:
                target = _text(dcpl.get_external(0)[0])
                raise self.error(f"{label} keeps its data in an external file ({target}); "
                                 "refused: tinyscore reads nothing outside the file it is given")
            if layout not in LAYOUTS:
                raise self.error(f"{label} has an unknown storage layout ({layout})")
            ratio = 1
            for i in range(dcpl.get_nfilters()):
                code = dcpl.get_filter(i)[0]
                if code not in SAFE_FILTERS:
                    raise self.error(f"{label} needs filter {code}, which is not one of HDF5's own; refused")
                ratio *= SAFE_FILTERS[code]
            shape = obj.shape
            dtype = obj.dtype
            cls = obj.id.get_type().get_class()
        if shape is None:
            raise self.error(f"{label} has no dataspace (it holds nothing)")
        text = h5py.check_string_dtype(dtype) is not None
        kind = "S" if text else dtype.kind
        if kind == "f" and "f" in kinds and dtype.itemsize not in (2, 4, 8):
            raise self.error(f"{label} holds {8 * dtype.itemsize}-bit floats, expected 16-, 32- or 64-bit ones")
        if kind == "O" or kind not in kinds:
            want = {"f": "floats", "u": "unsigned integers", "i": "integers", "S": "text"}
            raise self.error(f"{label} holds {_dtype_name(dtype)}, expected "
                             + " or ".join(want.get(k, k) for k in kinds))
        if kind not in TYPE_CLASSES.get(cls, ""):       # the file's own type disagrees with h5py's reading
            raise self.error(f"{label} has a damaged type (HDF5 class {cls} read as {dtype})")
        if ndim is not None and len(shape) != ndim:
            raise self.error(f"{label} has {len(shape)} dimensions {tuple(shape)}, expected {ndim}")
        if len(shape) < min_ndim:
            raise self.error(f"{label} has {len(shape)} dimensions {tuple(shape)}, expected at least {min_ndim}")
        self._check_storage(obj, label, layout, ratio, shape, dtype)
        return SafeDataset(self, obj, label, shape, dtype, as_dtype, text)

    def _check_storage(self, obj, label, layout, ratio, shape, dtype) -> None:
        """Declared bytes must be backed by stored bytes, inside this file; chunks must fit in memory."""
        declared = math.prod(shape) * dtype.itemsize        # Python ints: no overflow
        with self.reading(label):
            stored = obj.id.get_storage_size()
            offset = obj.id.get_offset() if layout == h5d.CONTIGUOUS else None
            chunk = obj.chunks if layout == h5d.CHUNKED else None
            biggest = _largest_chunk(obj) if (chunk and ratio > 1) else 0
        if stored > self.size or (offset is not None and offset + stored > self.size):
            raise self.error(f"{label} claims {stored} bytes of storage beyond the file's {self.size} bytes "
                             "(truncated or damaged file?)")
        if declared > stored * ratio:
            raise self.error(f"{label} declares {tuple(shape)} ({declared} bytes) but the file stores only "
                             f"{stored} bytes of it")
        if chunk:
            chunk_bytes = math.prod(chunk) * dtype.itemsize
            check_fits(max(chunk_bytes, min(biggest, stored) * ratio), f"{self.path}: a chunk of {label}")

    # ---------------------------------------------------------------------- attributes
    def attr(self, name: str):
        """The raw value of root attribute ``name`` (None when absent), read alone and safely."""
        if name not in self._values:
            self._values[name] = self._read_attr(name)
        return self._values[name]

    def _read_attr(self, name: str):
        with self.reading(f"attribute {name!r}"):
            key = name.encode()
            if self._attr_ids is not None:      # listed by check_attributes already
                if key not in self._attr_ids:
                    return None
                aid, cls = self._attr_ids[key]
            else:
                if not h5a.exists(self.f.id, key):
                    return None
                aid = h5a.open(self.f.id, key)
                cls = aid.get_type().get_class()
            if aid.shape is None:
                raise self.error(f"attribute {name!r} is empty")
            # the file's own type class, not h5py's mapping of it: that can hide a damaged type,
            # and converting one can crash the process
            if cls not in TYPE_CLASSES:
                raise self.error(f"attribute {name!r} is neither text nor a number (HDF5 type class {cls})")
            dtype = aid.dtype                   # its declared size first: reading allocates all of it
            if math.prod(aid.shape) != 1 or dtype.subdtype is not None:
                shape = aid.shape + (dtype.subdtype[1] if dtype.subdtype is not None else ())
                raise self.error(f"attribute {name!r} is an array of shape {shape}, expected a single value")
            if dtype.itemsize > MAX_ATTR_BYTES:
                raise self.error(f"attribute {name!r} declares a value of {dtype.itemsize} bytes")
            value = np.zeros(aid.shape, dtype=dtype)
            aid.read(value, mtype=h5t.py_create(dtype))
            return value.reshape(())[()]     # text comes as bytes (variable-length) or numpy bytes

    def check_attributes(self) -> None:
        """Refuse root attributes whose type or size is damaged, read or not.

        Only the attributes a reader asks for are read (:meth:`attr`), but other code, and the
        user's tools, may list them all; a damaged type message (text turned into a sequence of
        bytes by one flipped bit) can crash the process that converts it, so every root attribute
        must be text, a number or an enumeration (h5py's booleans) of modest size."""
        ids = {}
        with self.reading("the root attributes"):
            for i in range(h5a.get_num_attrs(self.f.id)):
                aid = h5a.open(self.f.id, index=i)
                name, tid = _text(aid.name, 60), aid.get_type()
                cls = tid.get_class()
                if cls not in TYPE_CLASSES and cls != h5t.ENUM:
                    raise self.error(f"attribute {name!r} has a damaged or foreign type (HDF5 class {cls})")
                if aid.shape is not None and math.prod(aid.shape) * tid.get_size() > MAX_ATTR_BYTES:
                    raise self.error(f"attribute {name!r} declares {aid.shape} values: more than an attribute holds")
                ids[aid.name] = (aid, cls)
        self._attr_ids = ids

    def attr_str(self, name: str, default=None) -> str | None:
        """Root attribute ``name`` as text (UTF-8 bytes are decoded); ``default`` when absent."""
        v = self.attr(name)
        if v is None:
            return default
        if isinstance(v, (bytes, np.bytes_)):
            try:
                v = bytes(v).decode("utf-8")
            except UnicodeDecodeError:
                raise self.error(f"attribute {name!r} is not valid UTF-8 text") from None
        if not isinstance(v, (str, np.str_)):
            raise self.error(f"attribute {name!r} must be text, got {_value_name(v)}")
        v = str(v)
        if len(v) > MAX_TEXT or "\x00" in v:
            raise self.error(f"attribute {name!r} is not a short line of text")
        return v

    def attr_int(self, name: str, default=None, lo: int | None = None, hi: int | None = None) -> int | None:
        """Root attribute ``name`` as an integer in [lo, hi]; ``default`` when absent or empty text
        (writers store a missing value as "")."""
        v = self.attr(name)
        if v is None or (isinstance(v, (str, np.str_, bytes, np.bytes_)) and len(v) == 0):
            return default
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise self.error(f"attribute {name!r} must be an integer, got {_value_name(v)}")
        v = int(v)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            bounds = f"at least {lo}" if hi is None else (f"at most {hi}" if lo is None else f"between {lo} and {hi}")
            raise self.error(f"attribute {name!r} is {v}, expected {bounds}")
        return v

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.f.close()


class SafeDataset:
    """A checked dataset: its shape and dtype are known, and every read goes through the checks.

    ``ds[selection]`` reads like h5py (slices, integers, increasing index lists), refusing a read
    that does not fit in memory and turning any h5py failure into one line naming the file.
    ``as_dtype`` converts what is read (a schema's dtype, whatever float width the file used).
    """

    def __init__(self, owner: H5File, ds, label, shape, dtype, as_dtype=None, text=False):
        self.owner, self.ds, self.name = owner, ds, label
        self.shape, self.dtype, self.text = tuple(shape), dtype, text
        self.out_dtype = np.dtype(as_dtype) if as_dtype is not None else None

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: math.prod(self.shape))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a scalar dataset")
        return self.shape[0]

    def _count(self, sel) -> int:
        """Elements a selection reads, computed from the shape alone (nothing is read)."""
        if sel == () or sel is Ellipsis:
            return self.size
        try:
            from h5py._hl import selections
            return int(selections.select(self.shape, sel if isinstance(sel, tuple) else (sel,), None).nselect)
        except Exception:  # noqa: BLE001 - an unusual selection: assume the worst, the whole dataset
            return self.size

    def read(self, sel=(), finite: bool = False) -> np.ndarray:
        """Read ``sel``; with ``finite`` refuse NaN or infinite values."""
        item = self.out_dtype.itemsize if self.out_dtype is not None else self.dtype.itemsize
        nbytes = self._count(sel) * max(item, self.dtype.itemsize, 8 if self.text else 0)
        if nbytes > SMALL_READ:
            check_fits(nbytes, f"{self.owner.path}: reading {self.name}")
        with self.owner.reading(self.name):
            if self.text:
                a = self.ds.asstr(errors="replace")[sel]
            else:
                a = self.ds[sel]
                if self.out_dtype is not None:
                    a = np.asarray(a, dtype=self.out_dtype)
        if finite and not self.text and not np.isfinite(a).all():
            raise self.owner.error(f"{self.name} holds NaN or infinite values")
        return a

    __getitem__ = read

    def __array__(self, dtype=None, copy=None):
        a = self.read(())
        return a if dtype is None else a.astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"<SafeDataset {self.name} {self.shape} {self.dtype}>"


def _dtype_name(dtype) -> str:
    if h5py.check_string_dtype(dtype) is not None:
        return "text"
    if dtype.names:
        return "a compound type"
    if dtype.subdtype is not None:
        return f"an array type {dtype.subdtype[0]}{dtype.subdtype[1]}"
    if h5py.check_vlen_dtype(dtype) is not None or dtype.kind == "O":
        return "variable-length or object values"
    if h5py.check_enum_dtype(dtype) is not None:
        return "an enumeration"
    return {"f": "floats", "i": "integers", "u": "unsigned integers", "b": "booleans", "c": "complex numbers",
            "S": "text", "U": "text", "V": "opaque bytes"}.get(dtype.kind, str(dtype)) + f" ({dtype})"


def _value_name(v) -> str:
    if isinstance(v, (str, np.str_)):
        return f"text {one_line(v, 40)!r}"
    if isinstance(v, (bytes, np.bytes_)):
        return "bytes"
    return f"{type(v).__name__} {one_line(v, 40)}"


def _text(v, limit: int = 80) -> str:
    """A name taken from the file (bytes or text) as a short printable line."""
    if isinstance(v, (bytes, np.bytes_)):
        v = bytes(v).decode("utf-8", errors="replace")
    return one_line(v, limit)


def _largest_chunk(obj) -> int:
    """Stored bytes of the largest chunk of a chunked dataset (all of its storage if unknown)."""
    biggest = [0]

    def visit(info):
        biggest[0] = max(biggest[0], int(info.size))

    try:
        obj.id.chunk_iter(visit)
    except Exception:  # noqa: BLE001 - an older HDF5 without chunk iteration: assume one big chunk
        return int(obj.id.get_storage_size())
    return biggest[0]


def _superblock(buf) -> tuple[int, int, int]:
    """(where the superblock starts, bytes of an address, bytes of a length): (0, 8, 8) by default."""
    for base in (0, 512, 1024, 2048, 4096, 8192):           # where HDF5 looks for its signature
        if buf[base:base + 8] == b"\x89HDF\r\n\x1a\n" and len(buf) > base + 14:
            v0 = buf[base + 8] in (0, 1)
            offsets, lengths = (buf[base + 13], buf[base + 14]) if v0 else (buf[base + 9], buf[base + 10])
            return base, offsets if offsets in (2, 4, 8) else 8, lengths if lengths in (2, 4, 8) else 8
    return 0, 8, 8


class _FileBytes:
    """A file's bytes, read like a ``bytes`` object (``len(buf)``, ``buf[i]``, ``buf[a:b]``) from disk.

    The walk through a global heap collection reads a few bytes at a time, anywhere in the file.
    They come from one cached block of ``block`` bytes, read again when a read falls outside it:
    memory stays bounded however large the file. (A memory map of the whole file would keep every
    page the scan touched resident: opening a 1.8 GB trajectory file would cost 2 GB.)
    Slices are clipped to the file as ``bytes`` slices are; indices are never negative here.
    """

    def __init__(self, fh, size: int, block: int):
        self.fh, self.size, self.block = fh, size, block
        self.start, self.data = 0, b""          # the cached block and where it starts in the file

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key):
        if not isinstance(key, slice):
            one = self[key:key + 1]
            if not one:
                raise IndexError("index out of range")
            return one[0]
        start, stop, _ = key.indices(self.size)         # clipped to the file, like bytes
        if stop <= start:
            return b""
        if start < self.start or stop > self.start + len(self.data):
            self.fh.seek(start)
            self.start, self.data = start, self.fh.read(max(self.block, stop - start))
        return self.data[start - self.start:stop - self.start]


def _windows(fh, size: int, window: int, before: int, after: int):
    """The file, one window at a time: ``(start, lo, data)`` for start = 0, window, 2 window, ...

    ``data`` holds the file's bytes from ``lo = start - before`` to ``start + window + after``
    (clipped to the file). Each window *owns* the positions [start, start + window); the bytes
    around them overlap its neighbours'. A signature of n bytes that starts in the window lies
    whole in ``data`` when ``after >= n - 1``, with ``before`` bytes ahead of it and
    ``after - n + 1`` behind it: counting only the matches that start in the window finds each
    match in the file exactly once, none lost where two windows meet (:func:`_starts`).
    """
    for start in range(0, size, window):
        lo = max(0, start - before)
        fh.seek(lo)
        yield start, lo, fh.read(min(size, start + window + after) - lo)


def _starts(sig: bytes, start: int, lo: int, data: bytes, window: int, first: int = 0):
    """The positions in the file, from ``first`` on, where ``sig`` starts inside the window that
    :func:`_windows` yielded as ``(start, lo, data)``: in increasing order, overlapping matches too."""
    end = start + window - lo + len(sig) - 1            # a match must start before start + window
    i = data.find(sig, max(start, first) - lo, end)
    while i >= 0:
        yield lo + i
        i = data.find(sig, i + 1, end)


def check_global_heaps(path, fh, window: int = SCAN_WINDOW) -> None:
    """Refuse global heap data that would trap HDF5 (threat 5 above), before HDF5 reads any of it.

    A collection is "GCOL", a version byte, 3 reserved bytes and its size (a length); then objects,
    each an index (2 bytes), a reference count (2), 4 reserved bytes, a size (a length) and its
    data padded to 8 bytes. Index 0 is the free space, whose size covers its own header. HDF5
    steps from object to object by these sizes, so a step of 0 never ends; in a sound collection
    the steps tile it exactly.

    A variable-length value (a string attribute, a name) is stored elsewhere as a heap ID: its
    length (4 bytes), the collection's address and the object's index (4 bytes). HDF5 allocates and
    clears the length's worth of memory before it looks at the object, so one flipped bit there
    costs up to 4 GiB; every heap ID found in the file must claim no more than its object holds.

    Nothing here trusts the file's own map of itself (which the damage may have changed): every
    "GCOL" anywhere in the file is checked, and every place its address appears. ``fh`` is the file,
    open for binary reading. It is read in two passes (the collections, then the heap IDs that
    point into them) of ``window`` bytes at a time (:data:`SCAN_WINDOW`; the tests pass tiny ones),
    with overlaps that keep a signature on a window's edge whole: the memory it takes is a window
    or two and the list of collections, whatever the size of the file. The findings, and the first
    one reported, are those of one scan over the whole file at once.
    """
    fh.seek(0, 2)
    size = fh.tell()
    buf = _FileBytes(fh, size, min(window, SCAN_BLOCK))
    base, O, L = _superblock(buf)
    objects = {}                                               # collection address -> {index: size}
    for start, lo, data in _windows(fh, size, window, 0, 3):      # "GCOL" whole, no context
        for at in _starts(b"GCOL", start, lo, data, window):
            sizes = _collection_objects(path, buf, at, L)
            if sizes is not None:
                objects[at - base] = sizes
    _check_heap_ids(path, fh, size, window, O, objects)


def _collection_objects(path, buf, at: int, L: int):
    """{index: size} of the objects of the collection whose "GCOL" is at byte ``at``, walked the way
    HDF5 walks it; None when HDF5 would not take it for one; refused when its objects do not tile it.

    Both headers (the collection's and each object's) are 8 bytes and a length, padded to a multiple
    of 8 so that what follows is aligned: 16 bytes for lengths of 2, 4 or 8 bytes."""
    head = obj_head = (8 + L + 7) // 8 * 8
    if buf[at + 4:at + 5] != b"\x01" or at + head > len(buf):
        return None
    size = int.from_bytes(buf[at + 8:at + 8 + L], "little")
    end = at + size
    if head > size or end > len(buf):                         # HDF5 refuses it by itself
        return None
    sizes, p = {}, at + head
    while p < end:
        if p + obj_head > end:                                 # a tail too small for a header: free
            p = end
            break
        idx = int.from_bytes(buf[p:p + 2], "little")
        n = int.from_bytes(buf[p + 8:p + 8 + L], "little")
        step = obj_head + (n + 7) // 8 * 8 if idx > 0 else n
        if step <= 0 or p + step > end or (idx > 0 and idx in sizes):
            break
        if idx > 0:
            sizes[idx] = n
        p += step
    if p != end:
        raise TinyscoreError(one_line(f"{path}: the global heap at byte {at} is damaged (its "
                                      "objects do not tile it); refused before HDF5 reads it", 400))
    return sizes


def _check_heap_ids(path, fh, size: int, window: int, O: int, objects: dict) -> None:
    """Refuse a heap ID that claims more bytes than its object holds (see :func:`check_global_heaps`).

    A heap ID is found by its collection's address (``O`` bytes, after 4 bytes of length, before
    4 of index): one pass over the file looks for the addresses of every collection at once. The
    one reported is the one a scan collection by collection reports: the first heap ID (by
    position) of the first collection (by position) that has one; so once a collection has one,
    the collections after it are no longer looked for.

    How the addresses are looked for depends on how many there are. A few (a sound file has one to
    dozens) are each found by ``bytes.find``, at memory speed. Many would make that a search per
    collection per window: a crafted file of 40,000 tiny collections (2 MB) took 95 s, and the time
    grows with the square of the file. Above :data:`FIND_KEYS` addresses, every position of a window
    is read as an address at once (a strided view) and looked up in the sorted addresses, so the
    time grows with the file alone.
    """
    wanted, unaddressable = [], None                           # (address, {index: size})
    for address, sizes in objects.items():                     # in the order of their positions
        try:
            address.to_bytes(O, "little")
        except OverflowError as e:    # an address no heap ID can hold (a "GCOL" ahead of the superblock,
            unaddressable = e         # or past 2 ** (8 O)): the file is refused as unreadable, after the
            break                     # heap IDs of the collections before it are checked
        if sizes:                                              # a collection of free space only: no ID
            wanted.append((address, sizes))                    # can claim too much of it
    search = (_find_each if len(wanted) <= FIND_KEYS else _look_up_all)([a for a, _ in wanted], O, window)
    found = None
    for start, lo, data in _windows(fh, size, window, 4, O + 3):    # 4 bytes each side of a match
        if not wanted:
            break
        for i, q in search(start, lo, data, len(wanted)):
            claim = _overclaim(data, q - lo, O, wanted[i][1])
            if claim:                                          # the first of collection i: those
                found, wanted = (q, *claim), wanted[:i]        # after it no longer matter
                break
    if found:
        q, claimed, holds = found
        raise TinyscoreError(one_line(
            f"{path}: a variable-length value at byte {q - 4} claims {claimed} bytes but its heap "
            f"object holds {holds} (damaged file); refused before HDF5 allocates them", 400))
    if unaddressable is not None:
        raise unaddressable


#: above this many collections, heap IDs are looked for all at once (see :func:`_check_heap_ids`),
#: LOOKUP_CHUNK positions at a time (a few MB of memory)
FIND_KEYS = 16
LOOKUP_CHUNK = 1 << 18


def _find_each(addresses: list, O: int, window: int):
    """A search of a window (from :func:`_windows`) for the heap IDs of the first ``n`` collections:
    (collection, position) pairs, collection by collection, each by position; a ``bytes.find`` each."""
    keys = [a.to_bytes(O, "little") for a in addresses]

    def search(start: int, lo: int, data: bytes, n: int):
        for i in range(n):
            for q in _starts(keys[i], start, lo, data, window, first=4):
                yield i, q
    return search


def _look_up_all(addresses: list, O: int, window: int):
    """The same search as :func:`_find_each` (the same pairs, in the same order) by one look-up of
    every position of the window: the ``O`` bytes at each position, as one O-byte integer (a strided
    view of the window, copied :data:`LOOKUP_CHUNK` positions at a time to bound the memory), searched
    in the sorted addresses."""
    chunk = LOOKUP_CHUNK
    dtype = np.dtype(f"<u{O}")
    given = np.array(addresses, dtype=np.uint64)
    order = np.argsort(given, kind="stable")
    keys = given[order].astype(dtype)

    def search(start: int, lo: int, data: bytes, n: int):
        first = max(start, 4) - lo               # positions relative to data, as _starts counts them
        stop = min(start + window - lo, len(data) - O + 1)
        octets = np.frombuffer(data, dtype=np.uint8)
        which, where = [], []
        for a in range(first, stop, chunk):
            rows = min(chunk, stop - a)          # row r: the O bytes at position a + r
            values = np.lib.stride_tricks.as_strided(octets[a:], (rows, O), (1, 1)).copy().view(dtype)[:, 0]
            j = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
            hit = np.flatnonzero(keys[j] == values)
            which.append(order[j[hit]])
            where.append(a + hit)
        if not which:
            return
        which, where = np.concatenate(which), np.concatenate(where)
        keep = which < n                         # the collections still looked for
        by = np.lexsort((where[keep], which[keep]))           # by collection, then by position
        yield from zip(which[keep][by].tolist(), (lo + where[keep][by]).tolist())
    return search


def _overclaim(data: bytes, r: int, O: int, sizes: dict):
    """(claimed, held) when the heap ID whose address is at ``data[r:r + O]`` (with its 4 bytes of
    length before and of index after) claims more bytes than its object holds; else None."""
    idx = int.from_bytes(data[r + O:r + O + 4], "little")
    claimed = int.from_bytes(data[r - 4:r], "little")
    vds = data[r - 2:r] == b"\x04\x03"                         # a virtual layout's heap ID has no length
    if idx in sizes and claimed > sizes[idx] and not vds:
        return claimed, sizes[idx]
    return None


@contextlib.contextmanager
def open_h5(path, what: str = "an HDF5 file"):
    """Open ``path`` read-only as HDF5, yielding an :class:`H5File`; refuse anything else in one line.

    ``what`` names the kind of file expected, for the messages ("a trajectory file").
    """
    p = Path(path)
    try:
        exists, folder, regular = p.exists(), p.is_dir(), p.is_file()
    except (OSError, ValueError) as e:       # no permission to look, a NUL in the name
        raise TinyscoreError(one_line(f"{p} cannot be opened: {_describe(e)}", 400)) from None
    if not exists:
        raise TinyscoreError(one_line(f"{p} does not exist", 400))
    if folder:
        raise TinyscoreError(one_line(f"{p} is a folder, expected {what}", 400))
    if not regular:                          # a FIFO would block the open forever; a device is no file
        raise TinyscoreError(one_line(f"{p} is not a regular file, expected {what}", 400))
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            check_global_heaps(p, fh)
        f = h5py.File(p, "r")
    except TinyscoreError:
        raise
    except Exception as e:  # noqa: BLE001 - OSError mostly; damaged headers raise others
        raise TinyscoreError(one_line(f"{p} is not an HDF5 file, or cannot be read ({_describe(e)})", 400)) from None
    h = H5File(p, f, size)
    try:
        yield h
    finally:
        h.close()
