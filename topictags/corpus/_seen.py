"""The (site, id) keys a stream has already yielded, in bounded memory per question.

Streaming a dump drops a repeated question only if it remembers every id it
has handed out: that memory grows with the corpus, whatever the chunk size.
A Python ``set`` of ints costs about 60-90 bytes per id (the int object plus
the hash table's slots, kept at most 2/3 full); here each site's ids are
int64 values in a few sorted numpy arrays, **8 bytes per distinct id** (16
bytes for a moment while the two largest arrays merge): 24 million Stack
Overflow questions keep 192 MB. ``benchmarks/stream.py`` measures both.

The arrays are the levels of a log-structured merge: a chunk's new ids form
a sorted array, and the last two arrays merge whenever the older one is not
larger than the newer one, so there are at most about log2(n / chunk)
levels and every id is copied O(log n) times in all (each merge is linear:
numpy's stable sort is a timsort, which merges the two sorted runs). Looking
a chunk up is one binary search per level, skipped for levels whose range
the chunk's ids fall outside, as in a dump, whose posts come by increasing id.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SeenIds"]


class _SortedLevels:
    """A set of int64 values as sorted, disjoint numpy arrays of decreasing size."""

    def __init__(self) -> None:
        self.levels: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(level) for level in self.levels)

    @property
    def nbytes(self) -> int:
        return sum(level.nbytes for level in self.levels)

    def contains(self, values: np.ndarray) -> np.ndarray:
        found = np.zeros(len(values), dtype=bool)
        for level in self.levels:
            # Only values within the level's range can be in it: a dump lists
            # its posts by increasing id, so a new chunk usually skips every level.
            inside = np.flatnonzero((values >= level[0]) & (values <= level[-1]))
            if not len(inside):
                continue
            at = np.searchsorted(level, values[inside])
            found[inside] |= level[at] == values[inside]
        return found

    def add(self, new: np.ndarray) -> None:
        """Add sorted, distinct values none of which is present yet."""
        if not len(new):
            return
        self.levels.append(new)
        while len(self.levels) > 1 and len(self.levels[-2]) <= len(self.levels[-1]):
            newer = self.levels.pop()
            merged = np.concatenate([self.levels.pop(), newer])
            merged.sort(kind="stable")
            self.levels.append(merged)


class SeenIds:
    """Which (site, id) keys were seen before, chunk after chunk."""

    def __init__(self) -> None:
        self._sites: dict[str, _SortedLevels] = {}

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._sites.values())

    @property
    def nbytes(self) -> int:
        """Bytes held by the ids (8 per distinct key)."""
        return sum(ids.nbytes for ids in self._sites.values())

    def repeats(self, sites: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Mark the keys already seen (before or earlier in this chunk), then remember all.

        ``sites`` (str) and ``ids`` (int64) are parallel arrays of the rows
        that have an id; the returned mask is ``True`` for each row whose
        key came earlier, so the first row of every key is kept.
        """
        repeated = np.zeros(len(ids), dtype=bool)
        distinct = list(dict.fromkeys(sites.tolist()))  # a chunk holds a handful of sites
        for site in distinct:
            rows = np.flatnonzero(sites == site) if len(distinct) > 1 else np.arange(len(ids))
            values = ids[rows]
            seen = self._sites.setdefault(site, _SortedLevels())
            # The first occurrence of each value within the chunk, in row order.
            unique, first = np.unique(values, return_index=True)
            earlier = np.ones(len(values), dtype=bool)
            earlier[first] = False
            before = seen.contains(unique)
            earlier[first[before]] = True
            repeated[rows] = earlier
            seen.add(unique[~before])
        return repeated
