"""Apache Spark: read, clean, fit, suggest and score questions over a Spark DataFrame.

The same concepts as the in-memory API, for corpora beyond one machine (a
whole Stack Exchange dump). The fitted model is an ordinary
:class:`topictags.TopicTagger` (save, load, suggest, views). Needs the
``spark`` extra and a Java runtime: ``pip install "topictags[spark]"``. PySpark
is imported when these functions run, never by ``import topictags``; see
``docs/spark.md``.

- :func:`read_questions`: Parquet, ``Posts.xml`` or CSV files into a Spark
  DataFrame with the loaders' normalised columns;
- :func:`clean_questions`: a ``document`` column, cleaned by a tagger's cleaner;
- :func:`fit_topic_tagger`: LDA with Spark MLlib, NMF fitted on a sample;
  mappings from distributed aggregations;
- :func:`suggest_tags`, :func:`jaccard_score`, :func:`tag_scores`,
  :func:`evaluate`: suggestions and their scores, with the tagger broadcast;
- :func:`local_session`: a local session set up for trying it.
"""

from ._fit import clean_questions, cooccurrence_mapping, fit_topic_tagger, infer_mixtures
from ._read import QUESTION_SCHEMA, read_questions
from ._score import evaluate, jaccard_score, suggest_tags, tag_scores
from ._session import find_java, import_pyspark, local_session

__all__ = [
    "QUESTION_SCHEMA",
    "clean_questions",
    "cooccurrence_mapping",
    "evaluate",
    "find_java",
    "fit_topic_tagger",
    "import_pyspark",
    "infer_mixtures",
    "jaccard_score",
    "local_session",
    "read_questions",
    "suggest_tags",
    "tag_scores",
]
