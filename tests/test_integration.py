"""End to end on the shared corpus: load, split, fit, suggest, score, save, load."""

import pytest

import topictags as tt

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_split(shared_questions_path):
    questions = tt.load_questions(shared_questions_path)
    assert len(questions) == 27050
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
    # A seeded subsample keeps the suite fast; benchmarks/quality.py runs the full split.
    return train.sample(8000, random_state=0), test.sample(1500, random_state=0)


def test_topic_taggers_beat_the_baseline_on_real_questions(corpus_split, tmp_path):
    train, test = corpus_split
    nmf = tt.TopicTagger(random_state=0).fit(train)  # the defaults, as users get them
    baseline = tt.MostFrequentTagger().fit(train)
    table = tt.compare([nmf, nmf.with_mapping("lexical"), baseline], train, test, k=3, refit=False)
    assert table.loc["most-frequent", "jaccard"] < 0.1
    # Measured on this subsample: logistic 0.351, lexical 0.265 (full split: docs/benchmarks.md).
    assert table.loc["nmf-150-logistic", "jaccard"] > 0.3
    assert table.loc["nmf-150-lexical", "jaccard"] > 0.2

    pandas_question = "How do I merge two pandas DataFrames on a column?"
    assert "pandas" in nmf.suggest_tags(pandas_question, k=3)
    path = nmf.save(tmp_path / "nmf.topictags")
    assert tt.suggest_tags(pandas_question, model=path, k=3) == nmf.suggest_tags(
        pandas_question, k=3
    )


def test_supervised_comparator_on_real_questions(corpus_split):
    train, test = corpus_split
    sup = tt.SupervisedTagger(random_state=0, char_ngrams=False).fit(train)
    scores = sup.evaluate(test, k=3)
    assert scores["jaccard"] > 0.3
    assert sup.suggest_tags("<p>SELECT with a LEFT JOIN in MySQL</p>", k=3)[0] in {"mysql", "sql"}
