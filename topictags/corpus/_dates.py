"""Reading creation dates in the shapes exports write them, without swapping day and month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CorpusError
from ._warn import warn

__all__ = ["DateReader", "parse_dates"]

_NS_MIN, _NS_MAX = pd.Timestamp.min, pd.Timestamp.max
# 17/11/2009, 11/17/2009 13:43, 17.11.09 1:43 PM, 17-11-2009: a spreadsheet's
# numeric dates, where only the values tell day-first from month-first.
_NUMERIC = r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[\sT])(.*)$"
# Unix seconds written as text (an API export saved as CSV).
_EPOCH = r"^\s*-?\d{9,11}(?:\.\d*)?\s*$"


def parse_dates(values: pd.Series, dayfirst: bool | None, where: str, column) -> pd.Series:
    """Dates as naive UTC ``datetime64[ns]``; unreadable values become ``NaT``.

    ISO dates (with or without fractions, ``Z`` or an offset), date-only
    values, Unix seconds (numbers, or 9-11 digit text) and numeric
    day/month dates are read. For numeric dates ``dayfirst=None`` looks at
    every value: a first field above 12 means day-first, a second field above
    12 month-first; when every value fits both, month-first is used with a
    :class:`CorpusWarning` naming the column and ``dayfirst=``. Values that
    prove both orders are an error rather than half of them swapped.
    """
    reader = DateReader(dayfirst, where, column)
    dates = reader.read(values)
    reader.close()
    return dates


class DateReader:
    """One column's dates read chunk by chunk in one day/month order.

    The order of numeric dates (``05/11/2009``) is a property of the whole
    column, not of a chunk: :meth:`observe` every chunk first (a pre-pass
    over the column) and :meth:`read` then uses the order that the whole
    column shows, exactly as :func:`parse_dates` on the whole column would,
    with the same warnings, each given once (:meth:`close` gives the count
    of dates that cannot be read in that order).

    Without a pre-pass (``read`` alone, chunk after chunk), the evidence seen
    so far decides; should a later chunk prove the other order after
    ambiguous dates were already read month-first, :meth:`read` raises
    rather than leave the earlier ones swapped.
    """

    def __init__(self, dayfirst: bool | None, where: str, column) -> None:
        if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
            raise CorpusError(f"dayfirst must be None, True or False, got {dayfirst!r:.60}")
        self.dayfirst = None if dayfirst is None else bool(dayfirst)
        self.where, self.column = where, column
        self._first = self._day = self._month = None  # first numeric, day-first, month-first
        self._used: bool | None = None  # the order numeric dates were read in so far
        self._warned = False
        self._unreadable, self._unreadable_example = 0, None

    # -- evidence -----------------------------------------------------------------

    def observe(self, values: pd.Series) -> None:
        """Record the day/month evidence of ``values`` (raw, as in the file)."""
        if self.dayfirst is None and not _typed(values):
            self._observe(*_numeric_parts(values))

    def _observe(self, objects: pd.Series, parts: pd.DataFrame, is_numeric: np.ndarray) -> None:
        if not is_numeric.any():
            return
        raw = objects[is_numeric]
        first, second = parts[0][is_numeric].astype(int), parts[2][is_numeric].astype(int)
        if self._first is None:
            self._first = raw.iloc[0]
        if self._day is None and (first > 12).any():
            self._day = raw[(first > 12).to_numpy()].iloc[0]
        if self._month is None and (second > 12).any():
            self._month = raw[(second > 12).to_numpy()].iloc[0]

    def _order(self) -> bool:
        if self.dayfirst is not None:
            return self.dayfirst
        if self._day is not None and self._month is not None:
            raise CorpusError(
                f"{self.where}: column {self.column!r} mixes day-first dates "
                f"({self._day!r}) and month-first dates ({self._month!r}); fix the column, or "
                "pass dayfirst=True or dayfirst=False to read one order (the others become "
                "missing)"
            )
        if self._day is not None:
            return True
        if self._month is None and not self._warned:
            self._warned = True
            warn(
                f"{self.where}: the dates in column {self.column!r} (such as "
                f"{self._first!r}) read as month/day and as day/month alike; they were read "
                "as month/day (US). Pass dayfirst=True if they are day/month, or "
                "dayfirst=False to silence this warning"
            )
        return False

    # -- reading ------------------------------------------------------------------

    def read(self, values: pd.Series) -> pd.Series:
        """The dates of one chunk (a RangeIndex of its length)."""
        n = len(values)
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            dates = pd.to_datetime(values.to_numpy(), unit="s", errors="coerce", utc=True)
            return pd.Series(_bounded(dates), dtype="datetime64[ns]")
        if pd.api.types.is_datetime64_any_dtype(values):
            dates = pd.to_datetime(values.to_numpy(), errors="coerce", utc=True)
            return pd.Series(_bounded(dates), dtype="datetime64[ns]")
        objects, parts, is_numeric = _numeric_parts(values)
        text = objects.map(lambda v: v if isinstance(v, str) else None).astype("string")
        result = np.full(n, np.datetime64("NaT", "ns"))
        if is_numeric.any():
            if self.dayfirst is None:
                self._observe(objects, parts, is_numeric)  # no-op after a pre-pass
            order = self._order()
            if self._used is not None and order != self._used:
                shown = self._day if order else self._month
                raise CorpusError(
                    f"{self.where}: column {self.column!r}: numeric dates read "
                    f"{'month' if self._used is False else 'day'}-first so far (such as "
                    f"{self._first!r}) are followed by {shown!r}, which only reads the other "
                    "way; pass dayfirst=True or dayfirst=False to read the whole column in "
                    "one order"
                )
            self._used = order
            result[is_numeric] = _bounded(
                self._numeric_dates(parts[is_numeric], order, objects[is_numeric])
            )
        # Unix seconds: numbers in an object column, or 9-11 digit text.
        is_number = objects.map(
            lambda v: isinstance(v, (int, float, np.integer, np.floating))
            and not isinstance(v, (bool, np.bool_))
        ).to_numpy(dtype=bool)
        is_text_epoch = text.str.match(_EPOCH).fillna(False).to_numpy(dtype=bool) & ~is_numeric
        is_epoch = is_text_epoch | is_number
        if is_epoch.any():
            stripped = objects[is_epoch].map(lambda v: v.strip() if isinstance(v, str) else v)
            seconds = np.array(pd.to_numeric(stripped, errors="coerce"), dtype="float64")
            seconds[~np.isfinite(seconds) | (np.abs(seconds) > 9e9)] = np.nan  # beyond 2255
            result[is_epoch] = _bounded(
                pd.to_datetime(seconds, unit="s", errors="coerce", utc=True)
            )
        rest = ~(is_numeric | is_epoch)
        if rest.any():
            # Everything else, one by one: ISO strings of several shapes, datetime
            # objects, stray text and other objects (NaT).
            others = objects[rest].map(lambda v: v if isinstance(v, str) or hasattr(v, "year")
                                       else None)
            result[rest] = _bounded(
                pd.to_datetime(others.to_numpy(), errors="coerce", utc=True, format="mixed")
            )
        return pd.Series(result, index=pd.RangeIndex(n), dtype="datetime64[ns]")

    def _numeric_dates(self, parts: pd.DataFrame, dayfirst: bool, raw: pd.Series) -> pd.Series:
        first, second = parts[0].astype(int), parts[2].astype(int)
        day, month = (first, second) if dayfirst else (second, first)
        year = parts[3].astype(int)
        # Two-digit years pivot like strptime's %y: 69-99 are 19xx, 00-68 are 20xx.
        year = year.where(parts[3].str.len() == 4, np.where(year < 69, 2000 + year, 1900 + year))
        valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
        iso = (
            year.astype(str).str.zfill(4) + "-" + month.astype(str).str.zfill(2) + "-"
            + day.astype(str).str.zfill(2)
            + parts[4].fillna("").str.replace(r"^T", " ", regex=True)
        )
        dates = pd.to_datetime(
            iso.where(valid).astype(object).to_numpy(), errors="coerce", utc=True, format="mixed"
        )
        unreadable = int((~valid).sum())
        if unreadable:
            if self._unreadable_example is None:
                self._unreadable_example = raw[(~valid).to_numpy()].iloc[0]
            self._unreadable += unreadable
        return pd.Series(dates, index=parts.index)

    def close(self) -> None:
        """Warn once about the dates that could not be read in the column's order."""
        if self._unreadable:
            warn(
                f"{self.where}: {self._unreadable} date(s) in column {self.column!r} cannot be "
                f"read {'day' if self._used else 'month'}-first (such as "
                f"{self._unreadable_example!r}); they are missing"
            )
            self._unreadable, self._unreadable_example = 0, None


def _typed(values: pd.Series) -> bool:
    """Whether ``values`` are numbers or datetimes, which hold no day/month order."""
    return pd.api.types.is_datetime64_any_dtype(values) or (
        pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    )


def _numeric_parts(values: pd.Series) -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    objects = pd.Series(values.astype(object).to_numpy(), index=pd.RangeIndex(len(values)))
    text = objects.map(lambda v: v if isinstance(v, str) else None).astype("string")
    parts = text.str.extract(_NUMERIC)
    return objects, parts, parts[0].notna().to_numpy()


def _bounded(dates) -> np.ndarray:
    """Naive UTC ``datetime64[ns]`` values; years outside its range are missing."""
    dates = pd.Series(pd.DatetimeIndex(dates).tz_convert(None))
    # Years such as 9999 parse (in a coarser unit) but do not fit datetime64[ns].
    dates = dates.where((dates >= _NS_MIN) & (dates <= _NS_MAX))
    return dates.astype("datetime64[ns]").to_numpy()
