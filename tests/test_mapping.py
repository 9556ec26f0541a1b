import numpy as np
import pytest

from topictags.tagging import blend, cooccurrence_mapping, lexical_mapping


def test_cooccurrence_is_tag_share_of_topic_mass():
    theta = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    labels = np.array([[1, 0], [1, 1], [0, 1]])
    mapping = cooccurrence_mapping(theta, labels)
    # topic 0 mass 1.5: tag0 1 + 0.5, tag1 0.5
    np.testing.assert_allclose(mapping, [[1.0, 1 / 3], [1 / 3, 1.0]])


def test_cooccurrence_of_unused_topic_is_zero():
    mapping = cooccurrence_mapping(np.array([[1.0, 0.0]]), np.array([[1, 1]]))
    np.testing.assert_array_equal(mapping[1], [0.0, 0.0])


def test_lexical_exact_term_and_multiword_tags():
    terms = ["python", "ruby", "rail", "css", "node.js"]
    topic_term = np.array([[8.0, 0, 0, 2, 0], [0, 5, 5, 0, 0], [0, 0, 0, 0, 1]])
    tags = ["python", "ruby-on-rails", "node.js", "java"]
    split = {
        "python": ["python"],
        "ruby-on-rails": ["ruby", "rail"],
        "node.js": ["node.js"],
        "java": ["java"],
    }
    mapping = lexical_mapping(topic_term, terms, tags, lambda t: split[t])
    np.testing.assert_allclose(mapping[0], [0.8, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(mapping[1], [0.0, 0.5, 0.0, 0.0])
    np.testing.assert_allclose(mapping[2], [0.0, 0.0, 1.0, 0.0])


def test_blend_weights_and_validation():
    a = np.array([[2.0, 0.0]])
    b = np.array([[0.0, 4.0]])
    np.testing.assert_allclose(blend(a, b, 0.25), [[0.25, 0.75]])
    with pytest.raises(ValueError, match="blend weight"):
        blend(a, b, 1.5)
