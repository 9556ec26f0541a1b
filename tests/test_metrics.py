import pytest

from topictags.metrics import (
    f1_at_k,
    jaccard_score,
    precision_at_k,
    recall_at_k,
    tag_scores,
)


def test_jaccard_by_hand():
    y_true = [["python", "pandas"], ["css"], ["sql", "mysql", "database"]]
    y_pred = [["python", "numpy"], ["css"], ["html"]]
    # 1/3, 1, 0
    assert jaccard_score(y_true, y_pred) == pytest.approx((1 / 3 + 1 + 0) / 3)


def test_empty_set_conventions():
    assert jaccard_score([[]], [[]]) == 1.0
    assert jaccard_score([["a"]], [[]]) == 0.0
    assert jaccard_score([[]], [["a"]]) == 0.0
    assert recall_at_k([[]], [[]], k=3) == 1.0
    assert recall_at_k([[]], [["a"]], k=3) == 0.0


def test_precision_divides_by_k_not_by_number_returned():
    assert precision_at_k([["a"]], [["a"]], k=3) == pytest.approx(1 / 3)
    assert precision_at_k([["a"]], [["a"]]) == 1.0


def test_recall_and_f1():
    y_true, y_pred = [["a", "b"]], [["a", "c", "d"]]
    assert recall_at_k(y_true, y_pred, k=3) == 0.5
    p, r = 1 / 3, 0.5
    assert f1_at_k(y_true, y_pred, k=3) == pytest.approx(2 * p * r / (p + r))


def test_tag_scores_matches_single_functions():
    y_true = [["a", "b"], ["c"], []]
    y_pred = [["a"], ["d", "c", "e"], []]
    scores = tag_scores(y_true, y_pred, k=3)
    assert scores == {
        "jaccard": pytest.approx(jaccard_score(y_true, y_pred)),
        "precision@k": pytest.approx(precision_at_k(y_true, y_pred, k=3)),
        "recall@k": pytest.approx(recall_at_k(y_true, y_pred, k=3)),
        "f1": pytest.approx(f1_at_k(y_true, y_pred, k=3)),
    }


def test_duplicates_in_a_list_count_once():
    assert jaccard_score([["a", "a"]], [["a"]]) == 1.0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([["a"]], [["a"], ["b"]], "different lengths"),
        ([], [], "empty"),
        ("abc", [["a"]], "not a string"),
        ([None], [["a"]], r"y_true\[0\]"),
        ([["a"]], ["a"], r"y_pred\[0\]"),
    ],
)
def test_bad_input_is_a_clear_error(y_true, y_pred, message):
    with pytest.raises((ValueError, TypeError), match=message):
        jaccard_score(y_true, y_pred)


def test_bad_k():
    with pytest.raises(ValueError, match="k must be"):
        precision_at_k([["a"]], [["a"]], k=0)
