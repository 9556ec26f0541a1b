"""PySpark, imported only when a Spark function runs, and a local session for trying it."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DependencyError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["find_java", "import_pyspark", "library_errors", "local_session", "require_columns",
           "translating_errors"]

INSTALL = 'pip install "topictags[spark]"'
JAVA_HINT = (
    "a Java runtime (17 or 21) on the PATH or in JAVA_HOME: on Debian/Ubuntu "
    "apt-get install openjdk-17-jre-headless"
)


def import_pyspark():
    """The ``pyspark`` module, or a :class:`~topictags.errors.DependencyError` saying how to
    get it. ``import topictags`` never imports it: only the functions of
    :mod:`topictags.spark` do, when they run."""
    try:
        import pyspark
        import pyspark.sql  # the functions below use its submodules
    except ImportError as exc:
        raise DependencyError(
            f"topictags.spark needs PySpark: {INSTALL} (and {JAVA_HINT})"
        ) from exc
    # PySpark 4.3 announces that pandas 3 is not "fully supported" at every
    # conversion; the conversions used here (arrow batches of strings, lists,
    # integers, naive timestamps) are tested with it.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                            category=FutureWarning)
    # ...and its conversions pass pandas 3's deprecated copy= (pyspark/sql/pandas/types.py).
    warnings.filterwarnings("ignore", message="The copy keyword is deprecated",
                            module=r"pyspark\.")
    return pyspark


def find_java() -> str | None:
    """The ``java`` executable Spark would start (``JAVA_HOME`` first, then the PATH), or
    None."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def local_session(
    master: str = "local[2]",
    *,
    app_name: str = "topictags",
    shuffle_partitions: int = 8,
    config: dict[str, Any] | None = None,
) -> SparkSession:
    """A Spark session on this machine (or ``master``), set up for topictags.

    A convenience for trying :mod:`topictags.spark` and for tests: on a
    cluster, pass the session you already have (``SparkSession.builder...
    .getOrCreate()``, or the ``spark`` of ``spark-submit``/``pyspark``/a
    notebook) to the functions instead.

    Parameters
    ----------
    master : str, default="local[2]"
        Spark master URL; ``local[N]`` runs N worker threads in this process's JVM.
    app_name : str, default="topictags"
    shuffle_partitions : int, default=8
        ``spark.sql.shuffle.partitions``: Spark's default (200) suits clusters;
        on one machine small aggregations spend most of their time in tasks.
    config : dict, optional
        More ``spark.*`` settings, e.g. ``{"spark.driver.memory": "4g"}``.

    Returns
    -------
    SparkSession
        ``getOrCreate``: an active session is returned as it is (its settings
        are not changed except those given here that Spark lets change).

    Raises
    ------
    DependencyError
        PySpark or Java is missing, or the JVM did not start.

    Notes
    -----
    Python workers run ``sys.executable`` (the interpreter that has topictags
    installed) unless ``PYSPARK_PYTHON`` says otherwise: without it Spark
    starts ``python3`` from the PATH, which may lack pandas and topictags.
    The Spark web UI is off unless ``config`` turns it on.
    """
    import_pyspark()
    java = find_java()
    if java is None:
        raise DependencyError(f"Spark needs Java, which was not found: install {JAVA_HINT}")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(int(shuffle_partitions)),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        **(config or {}),
    }
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # PySparkRuntimeError JAVA_GATEWAY_EXITED and kin
        raise DependencyError(
            f"the Spark JVM did not start with {java} ({type(exc).__name__}: {exc}); "
            f"check {JAVA_HINT}"
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def require_columns(sdf: DataFrame, needed: dict[str, str], what: str) -> None:
    """Raise :class:`~topictags.errors.CorpusError` naming the columns of ``needed``
    (name -> Spark type) that ``sdf`` lacks or holds with another type."""
    from ..errors import CorpusError

    types = {field.name: field.dataType.simpleString() for field in sdf.schema.fields}
    missing = [name for name in needed if name not in types]
    if missing:
        raise CorpusError(
            f"{what} needs the column(s) {', '.join(map(repr, missing))}, found: "
            f"{', '.join(types) or '(none)'}; read the questions with "
            "topictags.spark.read_questions(spark, path), which gives the normalised columns "
            "id, title, body, tags, creation_date, score, site"
        )
    wrong = [f"{name!r} is {types[name]}, not {kind}" for name, kind in needed.items()
             if kind != "any" and types[name] != kind]
    if wrong:
        raise CorpusError(
            f"{what}: column {'; '.join(wrong)}; read the questions with "
            "topictags.spark.read_questions(spark, path), whose tags are array<string> "
            "(lists of lower-case tags)"
        )


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Errors the library raised inside a Spark task, re-raised as themselves.

    Spark hands an exception raised in a Python worker back to the driver as
    a ``PythonException`` holding the worker's traceback as text. When that
    text names a topictags error (a malformed tag, a bad ``Posts.xml``
    line), the same error type is raised here with its message, from the
    Spark exception; other Spark errors pass through unchanged.
    """
    from .. import errors

    try:
        yield
    except Exception as exc:
        try:
            from pyspark.errors import PythonException
        except ImportError:  # no PySpark: nothing Spark raised
            raise exc from exc.__cause__
        if not isinstance(exc, PythonException):
            raise
        text = str(exc)
        found = re.findall(r"topictags\.errors\.(\w+): (.*)", text)
        if not found:
            raise
        name, message = found[-1]
        kind = getattr(errors, name, None)
        if not (isinstance(kind, type) and issubclass(kind, errors.TopicTagsError)):
            raise
        raise kind(f"{message.strip()} (raised in a Spark task)") from exc


def translating_errors(function):
    """``function`` run inside :func:`library_errors` (for the Spark actions it runs)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with library_errors():
            return function(*args, **kwargs)

    return wrapper
