"""Reading creation dates in the shapes exports write them, without swapping day and month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CorpusError
from ._warn import warn

__all__ = ["parse_dates"]

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
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise CorpusError(f"dayfirst must be None, True or False, got {dayfirst!r:.60}")
    n = len(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        dates = pd.to_datetime(values.to_numpy(), unit="s", errors="coerce", utc=True)
        return pd.Series(_bounded(dates), dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = pd.to_datetime(values.to_numpy(), errors="coerce", utc=True)
        return pd.Series(_bounded(dates), dtype="datetime64[ns]")
    objects = pd.Series(values.astype(object).to_numpy(), index=pd.RangeIndex(n))
    text = objects.map(lambda v: v if isinstance(v, str) else None).astype("string")
    result = np.full(n, np.datetime64("NaT", "ns"))

    numeric = text.str.extract(_NUMERIC)
    is_numeric = numeric[0].notna().to_numpy()
    if is_numeric.any():
        result[is_numeric] = _bounded(
            _numeric_dates(numeric[is_numeric], dayfirst, where, column, objects[is_numeric])
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
        seconds[~np.isfinite(seconds) | (np.abs(seconds) > 9e9)] = np.nan  # beyond year 2255
        result[is_epoch] = _bounded(pd.to_datetime(seconds, unit="s", errors="coerce", utc=True))
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


def _numeric_dates(parts: pd.DataFrame, dayfirst, where, column, raw: pd.Series) -> pd.Series:
    first, second = parts[0].astype(int), parts[2].astype(int)
    if dayfirst is None:
        day_first = first > 12
        month_first = second > 12
        if day_first.any() and month_first.any():
            raise CorpusError(
                f"{where}: column {column!r} mixes day-first dates "
                f"({raw[day_first.to_numpy()].iloc[0]!r}) and month-first dates "
                f"({raw[month_first.to_numpy()].iloc[0]!r}); fix the column, or pass "
                "dayfirst=True or dayfirst=False to read one order (the others become missing)"
            )
        if day_first.any():
            dayfirst = True
        elif month_first.any():
            dayfirst = False
        else:
            warn(
                f"{where}: the dates in column {column!r} (such as "
                f"{raw.iloc[0]!r}) read as month/day and as day/month alike; they were read "
                "as month/day (US). Pass dayfirst=True if they are day/month, or "
                "dayfirst=False to silence this warning"
            )
            dayfirst = False
    day, month = (first, second) if dayfirst else (second, first)
    year = parts[3].astype(int)
    # Two-digit years pivot like strptime's %y: 69-99 are 19xx, 00-68 are 20xx.
    year = year.where(parts[3].str.len() == 4, np.where(year < 69, 2000 + year, 1900 + year))
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    iso = (
        year.astype(str).str.zfill(4) + "-" + month.astype(str).str.zfill(2) + "-"
        + day.astype(str).str.zfill(2) + parts[4].fillna("").str.replace(r"^T", " ", regex=True)
    )
    dates = pd.to_datetime(
        iso.where(valid).astype(object).to_numpy(), errors="coerce", utc=True, format="mixed"
    )
    unreadable = int((~valid).sum())
    if unreadable:
        warn(
            f"{where}: {unreadable} date(s) in column {column!r} cannot be read "
            f"{'day' if dayfirst else 'month'}-first (such as "
            f"{raw[(~valid).to_numpy()].iloc[0]!r}); they are missing"
        )
    return pd.Series(dates, index=parts.index)


def _bounded(dates) -> np.ndarray:
    """Naive UTC ``datetime64[ns]`` values; years outside its range are missing."""
    dates = pd.Series(pd.DatetimeIndex(dates).tz_convert(None))
    # Years such as 9999 parse (in a coarser unit) but do not fit datetime64[ns].
    dates = dates.where((dates >= _NS_MIN) & (dates <= _NS_MAX))
    return dates.astype("datetime64[ns]").to_numpy()
