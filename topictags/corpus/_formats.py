"""The input formats :func:`~topictags.corpus.load_questions` reads, in one sentence.

A module of its own, importing nothing, so that ``topictags fit --help``
shows it without importing pandas.
"""

__all__ = ["FORMATS"]

#: What :func:`load_questions` reads, in one sentence (shown by ``topictags fit --help``).
FORMATS = (
    "Stack Exchange Data Explorer or spreadsheet CSV/TSV (.csv, .tsv: separator, "
    "byte-order mark and day-first dates detected; Excel's cp1252 with encoding='cp1252'), "
    "Parquet (.parquet, .pq), JSON records or a Stack Exchange API response (.json), "
    "JSON Lines (.jsonl), a data-dump Posts.xml (.xml, or compressed .xml.gz, .xml.bz2, "
    ".xml.zst), a data-dump archive (.7z, .zip: beer.stackexchange.com.7z, "
    "stackoverflow.com-Posts.7z), a folder (its Posts.xml, or else its corpus files), a glob "
    "or a list of these, or a DataFrame"
)
