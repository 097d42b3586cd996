"""The global heap check finds what HDF5's specification says it must, reading the file in windows,
in memory that does not grow with the file.

:func:`tinyscore.storage.h5safe.check_global_heaps` (threat 5 of :mod:`tinyscore.storage.h5safe`) looks through the
whole file for every global heap collection ("GCOL") and for every heap ID that points into one.
It used to map the whole file into memory and scan it; a mapped page the scan has touched counts as
the process's memory, so opening a 1.8 GB trajectory file peaked at 2 GB. It now reads the file a
window at a time, the windows overlapping by enough bytes that nothing on their edges is lost.

* the oracle: :func:`expected`, written here from the HDF5 specification and sharing no code with the
  library, says what the check must report on any file; on pristine files it finds every string
  h5py reads, in the object and with the length h5py reads;
* findings: on pristine and damaged files (the library traps of ``test_h5_trust``, a damaged
  collection or an over-long string of each kind, seeded bit flips and truncations), with windows of
  every size from a few bytes up and window edges put on every byte around each collection and its
  first and last heap IDs, the check reports exactly what the oracle says: nothing, or the same refusal;
* memory: validating and opening a 256 MiB file (sparse: it costs no disk) raises a fresh process's
  peak resident memory by far less than the file's size; the whole-file scan raised it by about
  the file's size. A collection damaged at the far end of that file is still refused.
"""
from __future__ import annotations

import functools
import io
import re
import struct
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pytest
from h5craft import write_image_trajectories
from h5py import h5d, h5f, h5p, h5s, h5t
from test_h5_trust import PATCHES, write_prepared_images

import cli
from tinyscore.storage import h5safe
from tinyscore.errors import TinyscoreError

ROOT = Path(__file__).resolve().parents[1]
PATH = "f.h5"                                   # the name the findings are reported under


# --------------------------------------------------- the oracle: HDF5's specification, read directly
# What a file's global heaps hold and what the check must say of them, written from the HDF5 File
# Format Specification (version 3: II.A the superblock, III.E the global heap collection, VII the heap
# ID of a variable-length value) and, where it is silent, from how HDF5 reads a collection (its
# H5HG cache code): the size of a collection counts its header; both headers are padded to 8 bytes;
# the free space (index 0) counts its own header; a tail too small for a header is free.
#
# It shares no code with tinyscore.storage.h5safe and goes another way: the library scans the file in
# windows and steps through each collection's sizes in a cached block; the oracle holds the whole
# (small) file, parses each collection into a list of records with struct, and reads the O bytes at
# every position of the file once against a table of the collections' addresses. That it reads what
# HDF5 reads is checked against h5py on every pristine file (test_the_oracle_reads_what_hdf5_reads).

SIGNATURE = b"\x89HDF\r\n\x1a\n"
UINT = {2: "H", 4: "I", 8: "Q"}                 # struct's codes for the field sizes HDF5 allows


def align8(n: int) -> int:
    return -(-n // 8) * 8


@dataclass
class Obj:
    """An object of a collection: its header's position, its index, its size, its data."""
    at: int
    index: int
    size: int
    data: bytes


@dataclass
class Heap:
    """A collection HDF5 would read: where "GCOL" is, its size, its objects in the order HDF5 reads
    them, and whether they fill it exactly (else HDF5 loops, or reads past it)."""
    at: int
    size: int
    objects: list
    tiles: bool

    def sizes(self) -> dict:
        return {o.index: o.size for o in self.objects if o.index}


def superblock(data: bytes) -> tuple[int, int, int]:
    """(where it starts, bytes of an address O, bytes of a length L). The signature is looked for at
    0, 512, 1024, ...; versions 0 and 1 hold the sizes at bytes 13 and 14, versions 2 and 3 at 9
    and 10. A size other than 2, 4 or 8, or no superblock, reads as 8 (the check's own rule)."""
    for base in [0] + [512 << k for k in range(5)]:
        head = data[base:base + 15]
        if len(head) == 15 and head[:8] == SIGNATURE:
            o, l = (head[13], head[14]) if head[8] in (0, 1) else (head[9], head[10])
            return base, o if o in UINT else 8, l if l in UINT else 8
    return 0, 8, 8


def read_heap(data: bytes, at: int, L: int):
    """The collection whose "GCOL" is at ``at`` (version 1, 3 reserved bytes, its size), or None when
    HDF5 would not take it for one (another version, or its header or body past the end of the file)."""
    head = align8(8 + L)
    if data[at + 4:at + 5] != b"\x01" or at + head > len(data):
        return None
    (size,) = struct.unpack_from("<" + UINT[L], data, at + 8)
    if size < head or at + size > len(data):
        return None
    objects, p, end = [], at + head, at + size
    while end - p >= head:                     # room for an object's header (a smaller tail is free)
        index, _refs, n = struct.unpack_from("<HH4x" + UINT[L], data, p)
        span = head + align8(n) if index else n
        if span == 0 or p + span > end or (index and index in {o.index for o in objects}):
            return Heap(at, size, objects, tiles=False)   # loops, overruns, or an index used twice
        objects.append(Obj(p, index, n, bytes(data[p + head:p + head + n]) if index else b""))
        p += span
    return Heap(at, size, objects, tiles=True)


def heaps(data: bytes) -> list:
    """Every collection in the file, wherever "GCOL" appears (overlapping ones too), in file order."""
    L = superblock(data)[2]
    found = (read_heap(data, m.start(), L) for m in re.finditer(b"(?=GCOL)", data))
    return [h for h in found if h is not None]


@functools.lru_cache(maxsize=None)          # a pure function of the bytes; the tests ask often
def expected(data: bytes):
    """What the check must report: None, or (exception type, message).

    A collection that does not tile is refused first (the first in the file). Then the heap IDs --
    4 bytes of length, the collection's address (O bytes, counted from the superblock), the index
    (4 bytes) -- a virtual layout's excepted (its two bytes before the address are the message's
    version 4 and class 3, not a length): the first one (by position) of the first collection (by
    position) that claims more than its object holds is refused. A collection whose address O bytes
    cannot hold ends the search with Python's OverflowError (unreadable: open_h5 says so)."""
    base, O, L = superblock(data)
    found = heaps(data)
    damaged = [h for h in found if not h.tiles]
    if damaged:
        return "TinyscoreError", (f"{PATH}: the global heap at byte {damaged[0].at} is damaged (its objects do "
                                  "not tile it); refused before HDF5 reads it")
    rank, overflow = {}, None
    for k, h in enumerate(found):
        try:
            rank[(h.at - base).to_bytes(O, "little")] = k
        except OverflowError as e:
            overflow = e
            break
    claims = []                                       # (collection's rank, position, claimed, held)
    for q in range(4, len(data) - O - 3):             # a whole heap ID: 4 + O + 4 bytes
        k = rank.get(data[q:q + O])
        if k is None or data[q - 2:q] == b"\x04\x03":
            continue
        (claimed,), (index,) = struct.unpack_from("<I", data, q - 4), struct.unpack_from("<I", data, q + O)
        held = found[k].sizes().get(index)
        if held is not None and claimed > held:
            claims.append((k, q, claimed, held))
    if claims:
        _, q, claimed, held = min(claims)
        return "TinyscoreError", (f"{PATH}: a variable-length value at byte {q - 4} claims {claimed} bytes but its "
                                  f"heap object holds {held} (damaged file); refused before HDF5 allocates them")
    return None if overflow is None else ("OverflowError", str(overflow))


def finding(check, *args, **kwargs):
    """What a check reports: None (accepted) or (exception type, message)."""
    try:
        check(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the refusal, or the error a malformed address raised
        return type(e).__name__, str(e)
    return None


def windowed(data: bytes, window: int):
    return finding(h5safe.check_global_heaps, PATH, io.BytesIO(data), window=window)


# ------------------------------------------------------------------------------- the files
def layout(data: bytes):
    """(base, O, L, collections): each collection as (position, [(position, index, size) of its objects])."""
    base, O, L = superblock(data)
    return base, O, L, [(h.at, [(o.at, o.index, o.size) for o in h.objects]) for h in heaps(data)]


def heap_ids(data: bytes, at: int):
    """Positions of the heap IDs (their 4-byte length) that point at the collection at ``at``."""
    base, O, L = superblock(data)
    key = (at - base).to_bytes(O, "little")
    return [m.start() - 4 for m in re.finditer(b"(?=%s)" % re.escape(key), data) if m.start() >= 4]


def names_file(path, address=8, userblock=0, n=600, length=8):
    """Several collections (600 variable-length names outgrow one), string attributes before and after,
    with addresses of ``address`` bytes, lengths of ``length`` bytes and a user block ahead of the
    superblock if asked."""
    fcpl = h5p.create(h5p.FILE_CREATE)
    fcpl.set_sizes(address, length)
    if userblock:
        fcpl.set_userblock(userblock)
    with h5py.File(h5f.create(str(path).encode(), h5f.ACC_TRUNC, fcpl=fcpl)) as f:
        f.attrs["format"] = "a string attribute before the names"
        f.create_dataset("names", data=[f"{i:06d}-{'x' * (i % 23)}.jpg" for i in range(n)], dtype=h5py.string_dtype())
        f.attrs["after"] = "a string attribute after the names"
    return path


def virtual_file(path):
    """A virtual dataset (its mapping is a heap object, named by a heap ID in its layout message, which
    has no length: the two bytes before the address are the message's version 4 and class 3, which
    read as a length would claim some 50 MB) between two string attributes."""
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["format"] = "a string attribute before the mapping"
        f["source"] = np.arange(10.0)
        layout = h5py.VirtualLayout(shape=(10,), dtype="f8")
        layout[:] = h5py.VirtualSource(".", "source", shape=(10,))
        f.create_virtual_dataset("virtual", layout)
        f.attrs["after"] = "a string attribute after the mapping"
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The bytes of pristine files: the ones test_h5_trust damages, and ones of several collections."""
    d = tmp_path_factory.mktemp("heaps")
    assert cli.main(["trajectories", "analytic", "--out", str(d / "t.h5"), "--probes", "16", "--no-progress"]) == 0
    write_image_trajectories(d / "img.h5")
    write_prepared_images(d / "faces.h5")
    names_file(d / "names.h5")
    names_file(d / "names4.h5", address=4, userblock=512)   # 4-byte addresses, relative to byte 512
    names_file(d / "names2.h5", address=2, n=100)           # 2-byte addresses: a file under 64 KiB
    names_file(d / "lengths4.h5", length=4)                 # 4-byte lengths: the headers are still 16
    names_file(d / "lengths2.h5", address=4, length=2, n=200)
    virtual_file(d / "virtual.h5")
    out = {p.name: p.read_bytes() for p in sorted(d.glob("*.h5"))}
    assert len(layout(out["names.h5"])[3]) >= 2 and len(layout(out["names4.h5"])[3]) >= 2
    assert layout(out["names4.h5"])[:3] == (512, 4, 8) and layout(out["names2.h5"])[:3] == (0, 2, 8)
    assert layout(out["lengths4.h5"])[:3] == (0, 8, 4) and layout(out["lengths2.h5"])[:3] == (0, 4, 2)
    assert len(layout(out["lengths4.h5"])[3]) >= 2
    data, (at, _) = out["virtual.h5"], layout(out["virtual.h5"])[3][0]    # the mapping's heap ID, unclaimed
    assert [int.from_bytes(data[q + 2:q + 4], "little") for q in heap_ids(data, at)].count(0x0304) == 1
    return out


def string_ids(data: bytes, at: int, objs) -> list:
    """Positions of the heap IDs that name an object of the collection at ``at`` with its length."""
    base, O, L, _ = layout(data)
    held = {idx: size for _, idx, size in objs}
    return [q for q in heap_ids(data, at)
            if int.from_bytes(data[q:q + 4], "little") == held.get(int.from_bytes(data[q + 4 + O:q + 8 + O], "little"))]


def overclaim(data, *positions) -> bytes:
    """``data`` with the heap IDs at ``positions`` claiming 64 MiB."""
    bad = bytearray(data)
    for q in positions:
        bad[q:q + 4] = (1 << 26).to_bytes(4, "little")
    return bytes(bad)


@pytest.fixture(scope="module")
def cases(files):
    """{name: bytes}: each file as it is, with each of test_h5_trust's library traps, per collection
    a free space of 0, an object of the wrong size and a heap ID claiming 64 MiB, and in a file of two
    collections both claiming too much, the second collection's earlier in the file. And one that
    must pass: a heap ID claiming 64 MiB of an index no object has (HDF5 will refuse it by itself),
    though the index's first three bytes name one: only its fourth, on a window's edge, says not."""
    out = {}
    for name, data in files.items():
        out[name] = data
        if name in ("t.h5", "img.h5"):
            for case, (patch, _) in PATCHES.items():
                bad = bytearray(data)
                patch(bad)
                out[f"{name}: {case}"] = bytes(bad)
        base, O, L, collections = layout(data)
        for k, (at, objs) in enumerate(collections):
            for free in [o for o in objs if o[1] == 0]:      # a full collection has none
                bad = bytearray(data)
                bad[free[0] + 8:free[0] + 8 + L] = bytes(L)
                out[f"{name}: collection {k} with a free space of 0"] = bytes(bad)
            p, idx, size = objs[len(objs) // 2]
            bad = bytearray(data)
            bad[p + 8:p + 8 + L] = (size + 8).to_bytes(L, "little")
            out[f"{name}: collection {k} with an object of the wrong size"] = bytes(bad)
            last = string_ids(data, at, objs)[-1]
            out[f"{name}: collection {k} with a string of 64 MiB"] = overclaim(data, last)
            bad = bytearray(overclaim(data, last))      # its index's last byte set: no object of its heap
            bad[last + 4 + O + 3] |= 1
            out[f"{name}: collection {k} with a string of 64 MiB of no object"] = bytes(bad)
        if len(collections) > 1:
            first, second = (string_ids(data, at, objs) for at, objs in collections[:2])
            assert second[0] < first[-1]
            out[f"{name}: two collections with a string of 64 MiB"] = overclaim(data, first[-1], second[0])
    return out


@pytest.fixture(params=["find each", "look up all"])
def search(request, monkeypatch):
    """Both ways of looking for heap IDs: a bytes.find per collection (files of few collections), and
    one look-up of every position in the sorted addresses (files of many): forced here on every file."""
    if request.param == "look up all":
        monkeypatch.setattr(h5safe, "FIND_KEYS", 0)
    return request.param


def test_damaged_files_are_refused_by_the_oracle(cases):
    """The cases are worth comparing: the oracle refuses every damaged one, and of two heap IDs
    claiming too much it names the one of the first collection, although it lies later in the file."""
    refused = [name for name, data in cases.items() if expected(data)]
    assert sorted(refused) == sorted(name for name in cases if ":" in name and not name.endswith("of no object"))
    assert len(refused) >= 25
    for name in ("names.h5", "names4.h5", "names2.h5", "lengths4.h5"):
        data = cases[f"{name}: two collections with a string of 64 MiB"]
        (at, objs), (at2, objs2) = layout(data)[3][:2]
        assert f"at byte {string_ids(cases[name], at, objs)[-1]} claims" in expected(data)[1]


def strings_hdf5_reads(path) -> list:
    """Every variable-length string of the file as h5py reads it (UTF-8 bytes): each attribute's and
    each element's of a dataset of strings, and for such a dataset the raw heap IDs of its elements."""
    out, ids = [], []

    def texts(value):
        return [v.encode() if isinstance(v, str) else bytes(v) for v in np.ravel(value)]

    def visit(name, obj):
        for key in obj.attrs:
            if h5py.check_string_dtype(obj.attrs.get_id(key).dtype):
                out.extend(texts(obj.attrs[key]))
        if isinstance(obj, h5py.Dataset) and h5py.check_string_dtype(obj.dtype):
            values = texts(obj[()])
            out.extend(values)
            raw = Path(path).read_bytes()[obj.id.get_offset():][:obj.id.get_storage_size()]
            ids.append((values, raw))
    with h5py.File(path, "r") as f:
        visit("/", f)
        f.visititems(visit)
    return out, ids


def test_the_oracle_reads_what_hdf5_reads(files, tmp_path):
    """The oracle is checked against HDF5 itself: on each pristine file every collection tiles; every
    string h5py reads is the data of an object the oracle found; and the heap IDs stored for a
    dataset of strings (4 bytes of length, an address, 4 of index: the specification's layout) name,
    element by element, a collection the oracle found at that address and an object of it holding
    exactly the string h5py reads. So the oracle's sizes, padding and addresses are HDF5's."""
    checked = 0
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        base, O, L = superblock(data)
        found = {h.at: h for h in heaps(data)}
        assert found and all(h.tiles for h in found.values()) and expected(data) is None, name
        held = {o.data for h in found.values() for o in h.objects if o.index}
        strings, ids = strings_hdf5_reads(path)
        assert strings and set(strings) <= held, name
        for values, raw in ids:
            width = 4 + O + 4
            assert len(raw) == width * len(values), name
            for k, value in enumerate(values):
                length, address, index = (int.from_bytes(raw[a:b], "little") for a, b in
                                          ((width * k, width * k + 4), (width * k + 4, width * k + 4 + O),
                                           (width * k + 4 + O, width * (k + 1))))
                obj = {o.index: o for o in found[base + address].objects}[index]
                assert length == obj.size == len(value) and obj.data == value, (name, k)
                checked += 1
    assert checked == 3 * 600 + 100 + 200 + 30       # the names of the names files and of faces.h5


WINDOWS = [1, 3, 4, 5, 7, 13, 64, 1000, 4096, h5safe.SCAN_WINDOW]


# the look-up of all positions costs some numpy calls a window: on windows under 8 bytes, over every
# case, that is a minute of tests for nothing the windows from 7 bytes on do not also cover
@pytest.mark.parametrize("window,search", [(w, "find each") for w in WINDOWS]
                         + [(w, "look up all") for w in WINDOWS if w >= 7], indirect=["search"])
def test_windows_of_any_size_find_what_the_oracle_finds(cases, window, search):
    for name, data in cases.items():
        assert windowed(data, window) == expected(data), name


def edges(data: bytes):
    """Window sizes that put a window's edge on every byte from 12 before to 24 after each collection's
    "GCOL", each end of a collection, each of the first and last heap IDs pointing into each."""
    base, O, L, collections = layout(data)
    marks = set()
    for at, objs in collections:
        ids, strings = heap_ids(data, at), string_ids(data, at, objs)
        marks.update([at, at + int.from_bytes(data[at + 8:at + 8 + L], "little"),
                      *ids[:1], *ids[-1:], *strings[:1], *strings[-1:]])
    return sorted({m + k for m in marks for k in range(-12, 25) if m + k >= 1})


def test_window_edges_on_every_byte_around_the_heaps(files, cases, search):
    """A window of W bytes has its first edge at byte W: a collection, a heap ID or a damaged header
    straddling an edge is found as if there were none."""
    checked = 0
    for name, data in cases.items():
        want = expected(data)
        for window in edges(files[name.split(":")[0]]):
            assert windowed(data, window) == want, (name, window)
            checked += 1
    assert checked > 3000


def free_collection(L: int, size: int = 32) -> bytes:
    """A sound collection of ``size`` bytes holding nothing: one free space fills it."""
    free = size - (8 + L + 7) // 8 * 8
    return (b"GCOL\x01" + bytes(3) + size.to_bytes(L, "little") + bytes(8) + free.to_bytes(L, "little")).ljust(size, b"\0")


def test_an_address_no_heap_id_can_hold_fails_as_before(files, search):
    """A "GCOL" whose address its file's heap IDs cannot hold, in a user block ahead of the superblock
    (a negative address) or past 64 KiB in a file of 2-byte addresses: the check fails there
    (OverflowError, which open_h5 reports as an unreadable file), but only after checking the heap IDs
    of the collections before it, as the oracle says, whatever the window."""
    data = bytearray(files["names4.h5"])                          # addresses count from byte 512
    (at, objs), *_ = layout(bytes(data))[3]
    data[100:132] = free_collection(8)
    want = expected(bytes(data))
    assert want == ("OverflowError", "can't convert negative int to unsigned")
    for window in (1, 5, 64, 4096):
        assert windowed(bytes(data), window) == want
    late = overclaim(data, string_ids(bytes(data), at, objs)[-1])  # a collection after it: not reached
    assert windowed(late, 64) == expected(late) == want

    data = files["names2.h5"]
    (at, objs), (at2, objs2) = layout(data)[3][:2]
    far = data.ljust(70_000, b"\0") + free_collection(8)         # at byte 70,000 > 2 ** 16
    want = expected(far)
    assert want == ("OverflowError", "int too big to convert")
    for window in (7, 4096, 65536):
        assert windowed(far, window) == want
        for bad in (overclaim(data, string_ids(data, at, objs)[-1]), overclaim(data, string_ids(data, at2, objs2)[0])):
            bad = bad.ljust(70_000, b"\0") + free_collection(8)
            assert "claims 67108864 bytes" in expected(bad)[1]
            assert windowed(bad, window) == expected(bad)


@pytest.mark.parametrize("address,length", [(8, 8), (8, 4), (4, 4), (8, 2), (4, 2)])
def test_sound_files_of_every_field_size_are_accepted(tmp_path, address, length):
    """Files written by HDF5 with 2-, 4- or 8-byte lengths open through the check, and HDF5 reads their
    strings back. The check once took a header to be 8 bytes and a length, unpadded: every sound file
    with lengths shorter than 8 bytes (written by tools other than h5py's defaults) was refused."""
    path = names_file(tmp_path / "f.h5", address=address, length=length, n=300)
    assert layout(path.read_bytes())[1:3] == (address, length)
    with h5safe.open_h5(path) as h:
        names = [bytes(v).decode() for v in h.f["names"][()]]
        assert h.f.attrs["after"] == "a string attribute after the names"
    assert names == [f"{i:06d}-{'x' * (i % 23)}.jpg" for i in range(300)]


def test_a_file_of_many_collections_is_looked_through_once(tmp_path, monkeypatch):
    """5,000 tiny collections appended to a sound file, with heap IDs of two of them claiming too much:
    found as the oracle finds them (the one of the earlier collection, though it lies later),
    by one pass over the file, not one per collection (a crafted file of 40,000 collections, 2 MB,
    took 95 s that way; the time grew with the square of the file)."""
    data = bytearray(names_file(tmp_path / "f.h5", n=50).read_bytes())
    base, O, L, _ = layout(bytes(data))
    tiny = (b"GCOL\x01" + bytes(3) + (48).to_bytes(8, "little")            # header, then object 1 of 8 bytes
            + (1).to_bytes(2, "little") + bytes(6) + (8).to_bytes(8, "little") + bytes(16))  # and a free tail
    first = len(data)
    data += tiny * 5000
    address = [first + 48 * k - base for k in range(5000)]

    def heap_id(k, claims):
        return claims.to_bytes(4, "little") + address[k].to_bytes(O, "little") + (1).to_bytes(4, "little")
    sound = bytes(data + heap_id(7, 8) + heap_id(4000, 8))
    damaged = bytes(data + heap_id(4000, 1 << 26) + heap_id(10, 1 << 26))
    calls = []
    starts = h5safe._starts
    monkeypatch.setattr(h5safe, "_starts", lambda *a, **k: calls.append(1) or starts(*a, **k))
    assert expected(sound) is None and windowed(sound, 1 << 16) is None
    assert len(calls) <= 2 * (len(sound) // (1 << 16) + 1)                # the "GCOL" pass and no other
    want = expected(damaged)
    assert f"at byte {len(data) + 16} claims 67108864" in want[1]           # collection 10's, the second
    for window in (4096, 1 << 16, h5safe.SCAN_WINDOW):
        assert windowed(damaged, window) == want
    monkeypatch.setattr(h5safe, "LOOKUP_CHUNK", 7)            # the look-up's chunks meet inside heap IDs
    for window in (4096, h5safe.SCAN_WINDOW):
        assert windowed(damaged, window) == want and windowed(sound, window) is None


def test_seeded_bit_flips_and_truncations(files, search):
    """Random damage, most of it in and around the heaps: the findings agree, whatever they are."""
    rng = np.random.default_rng(7)
    names = sorted(files)
    differ = 0
    for i in range(150):
        data = bytearray(files[names[i % len(names)]])
        base, O, L, collections = layout(bytes(data))
        at, objs = collections[int(rng.integers(len(collections)))]
        ids = heap_ids(bytes(data), at) or [at]
        for _ in range(int(rng.integers(1, 4))):
            spot = int(rng.choice([at, *[o[0] for o in objs], *ids]))
            pos = min(len(data) - 1, spot + int(rng.integers(0, 20)))
            data[pos] ^= 1 << int(rng.integers(8))
        if i % 5 == 0:
            data = data[:at + int(rng.integers(0, 64))]      # cut inside or just past a collection
        want = expected(bytes(data))
        differ += want is not None
        for window in (3, 61, 4096) if search == "find each" else (61, 4096):
            assert windowed(bytes(data), window) == want, (i, window)
    assert differ >= 30                                       # most of the damage is refused


# ------------------------------------------------------------------------------ memory
SIZE = 256 << 20

MEASURE = textwrap.dedent("""
    import resource, sys
    from tinyscore.storage.h5safe import open_h5
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open_h5(sys.argv[1]) as h:
        assert h.attr_str("format") == "tinyscore.trajectories"
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
""")


def big_sparse_file(path, size=SIZE):
    """An HDF5 file of ``size`` bytes that costs no disk: a dataset allocated when made but never
    written (its bytes are a hole), then the string attributes, whose collection lands after it."""
    with h5py.File(path, "w") as f:
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
        dcpl.set_fill_time(h5d.FILL_TIME_NEVER)
        h5d.create(f.id, b"big", h5t.NATIVE_FLOAT, h5s.create_simple((size // 4,)), dcpl=dcpl)
        f.attrs["format"] = "tinyscore.trajectories"
        f.attrs["variant"] = "a string attribute at the end of the file"
    return path


def test_validating_a_large_file_takes_memory_of_a_window_not_of_the_file(tmp_path):
    """A fresh process opens a 256 MiB file (a sparse one: its hole reads as zeros, and a mapped page
    of zeros counted as resident memory like any other). Its peak resident memory may grow by a few
    windows and HDF5's own needs, 1/8 of the file at most; the whole-file scan grew it by nearly
    the whole file (over 200 MiB)."""
    path = big_sparse_file(tmp_path / "big.h5")
    size = path.stat().st_size
    try:
        assert size >= SIZE
        res = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        growth = int(res.stdout.split()[-1])
        assert growth < size / 8, f"validating a {size >> 20} MiB file grew peak memory by {growth >> 20} MiB"

        # the scan still reaches the far end: a free space of 0 there is refused
        tail = size - (1 << 20)                              # the last MiB holds the collection
        with open(path, "r+b") as fh:
            fh.seek(tail)
            _, _, L, [(at, objs)] = layout(fh.read())        # positions counted from the tail
            free = next(o[0] for o in objs if o[1] == 0)
            fh.seek(tail + free + 8)
            fh.write(bytes(L))
        with pytest.raises(TinyscoreError, match=f"global heap at byte {tail + at} is damaged"):
            with h5safe.open_h5(path):
                pass
    finally:
        path.unlink()
