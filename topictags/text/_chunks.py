"""Cleaning a stream of question chunks, optionally in parallel processes, in order."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Sequence

import pandas as pd

from ..errors import ParameterError
from ._clean import TextCleaner

__all__ = ["clean_chunks"]


def clean_chunks(
    chunks: Iterable[pd.DataFrame | Sequence[str]],
    cleaner: TextCleaner | None = None,
    *,
    n_jobs: int = 1,
    progress: bool = False,
    total: int | None = None,
) -> Iterator[pd.DataFrame | list[list[str]]]:
    """Clean chunks of questions one after another, never the whole corpus at once.

    Parameters
    ----------
    chunks : iterable of DataFrame or of sequences of str
        Chunks as :func:`~topictags.iter_questions` yields them (a
        DataFrame with ``title`` and/or ``body`` columns), or batches of
        texts. The iterable is read lazily: at most ``2 * n_jobs`` chunks
        are held (being cleaned or waiting) at a time.
    cleaner : TextCleaner, optional
        The cleaner to apply (default ``TextCleaner()``); any object with a
        ``clean_many(texts)`` method returning one token list per text.
    n_jobs : int, default=1
        Processes cleaning chunks side by side (joblib's loky executor,
        reused from call to call); -1 uses every core, -2 all but one.
        Chunks come out in their input order whatever ``n_jobs``, with the
        same tokens (cleaning is deterministic).
        Each worker receives the cleaner once per chunk; its memo of
        lemmas starts empty for every chunk.
    progress : bool, default=False
        Show a progress bar (tqdm, on stderr) counting cleaned questions.
    total : int, optional
        Number of questions the chunks hold, when known, for the bar.

    Yields
    ------
    DataFrame or list of list of str
        For a DataFrame chunk, a copy with two more columns,
        ``title_tokens`` and ``body_tokens`` (lists of str; empty where the
        chunk has no such column); for a batch of texts, one token list per
        text.

    Raises
    ------
    ParameterError
        ``n_jobs`` is not a non-zero whole number, ``cleaner`` has no
        ``clean_many``, or a chunk is neither a DataFrame nor a sequence of
        strings.

    Examples
    --------
    >>> import pandas as pd
    >>> chunks = [pd.DataFrame({"title": ["Merge frames"], "body": ["<p>In pandas?</p>"]})]
    >>> cleaned = next(clean_chunks(chunks, TextCleaner(protected={"pandas"})))
    >>> cleaned["title_tokens"][0], cleaned["body_tokens"][0]
    (['merge', 'frame'], ['pandas'])
    >>> next(clean_chunks([["Merging two DataFrames"]]))
    [['merge', 'dataframe']]
    """
    cleaner = TextCleaner() if cleaner is None else cleaner
    if not callable(getattr(cleaner, "clean_many", None)):
        raise ParameterError(
            f"cleaner must be a TextCleaner (or have clean_many(texts)), got "
            f"{type(cleaner).__name__}"
        )
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ParameterError(
            f"n_jobs must be a whole number of processes (1 = this process, -1 = every core), "
            f"got {n_jobs!r:.60}"
        )
    if total is not None and (isinstance(total, bool) or not isinstance(total, numbers.Integral)
                              or total < 0):
        raise ParameterError(f"total must be a number of questions or None, got {total!r:.60}")
    return _clean(chunks, cleaner, int(n_jobs), progress, total)


def _clean(chunks, cleaner, n_jobs, progress, total):
    from tqdm.auto import tqdm

    tasks = ((chunk, *_texts(chunk, position)) for position, chunk in enumerate(chunks))
    with tqdm(total=total, unit="question", desc="cleaning", disable=not progress) as bar:
        if n_jobs == 1:
            results = ((chunk, _clean_texts(cleaner, titles, bodies))
                       for chunk, titles, bodies in tasks)
            for chunk, tokens in results:
                bar.update(len(tokens[1]))
                yield _result(chunk, tokens)
            return
        # joblib's Parallel(return_as="generator") reads its whole input ahead
        # when results are consumed slowly (a model fitted on each chunk), so
        # the loky executor is fed here, never more than 2 * n_jobs chunks ahead.
        from collections import deque

        from joblib import cpu_count
        from joblib.externals.loky import get_reusable_executor

        # -1: every core, -2: all but one (joblib's convention).
        workers = n_jobs if n_jobs > 0 else max(cpu_count() + 1 + n_jobs, 1)
        executor = get_reusable_executor(max_workers=workers)
        pending: deque = deque()
        try:
            for chunk, titles, bodies in tasks:
                pending.append((chunk, executor.submit(_clean_texts, cleaner, titles, bodies)))
                if len(pending) >= 2 * workers:
                    chunk, future = pending.popleft()
                    tokens = future.result()
                    bar.update(len(tokens[1]))
                    yield _result(chunk, tokens)
            while pending:
                chunk, future = pending.popleft()
                tokens = future.result()
                bar.update(len(tokens[1]))
                yield _result(chunk, tokens)
        finally:
            for _, future in pending:  # the caller stopped early, or a chunk failed
                future.cancel()


def _texts(chunk, position: int) -> tuple[list[str] | None, list[str]]:
    """Titles (``None`` for a batch of texts) and bodies of one chunk."""
    if isinstance(chunk, pd.DataFrame):
        from ..corpus import as_texts

        if chunk.empty:
            return [], []
        titles, bodies, _ = as_texts(chunk)
        return titles, bodies
    if isinstance(chunk, (str, bytes)) or not isinstance(chunk, (Sequence, pd.Series)):
        raise ParameterError(
            f"chunk {position} is a {type(chunk).__name__}: give DataFrames (as "
            "iter_questions yields) or lists of texts"
        )
    texts = list(chunk)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ParameterError(
                f"chunk {position}, text {i} is a {type(text).__name__}, not a string"
            )
    return None, texts


def _clean_texts(cleaner, titles, bodies) -> tuple[list[list[str]] | None, list[list[str]]]:
    # Module level, so that loky can send it to its workers.
    if titles is None:
        return None, cleaner.clean_many(bodies)
    tokens = cleaner.clean_many(titles + bodies)
    return tokens[: len(titles)], tokens[len(titles):]


def _result(chunk, tokens):
    titles, bodies = tokens
    if titles is None:
        return bodies
    out = chunk.copy()
    out["title_tokens"] = pd.Series(titles, index=chunk.index, dtype=object)
    out["body_tokens"] = pd.Series(bodies, index=chunk.index, dtype=object)
    return out
