import pytest

from topictags.text import DOMAIN_STOP_WORDS, TextCleaner, html_to_text


def test_html_to_text_drops_code_blocks_keeps_inline_code_and_unescapes():
    html = "<p>Use <code>pd.merge</code> &amp; join</p><pre><code>x = secret_var</code></pre>"
    assert html_to_text(html) == "Use pd.merge & join"
    assert "secret_var" in html_to_text(html, keep_code=True)


def test_html_to_text_handles_broken_and_hostile_html():
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
    assert html_to_text("<script>alert(1)</script>hello") == "hello"
    assert html_to_text("") == ""
    assert html_to_text("plain title, no markup") == "plain title, no markup"


@pytest.mark.parametrize(
    "token", ["c#", "c++", ".net", "node.js", "asp.net-core", "objective-c", "python-3.x"]
)
def test_tag_like_tokens_survive(token):
    assert token in TextCleaner().clean(f"<p>I use {token} every day.</p>")


def test_sentence_final_period_is_not_part_of_token():
    assert TextCleaner().clean("it crashes in python.") == ["crash", "python"]


def test_stop_words_numbers_and_lemmas():
    tokens = TextCleaner().clean("Thanks! I am trying 3 queries with 42.5 databases")
    assert tokens == ["query", "database"]
    assert "thanks" in DOMAIN_STOP_WORDS


def test_protected_tokens_are_not_lemmatised_or_dropped():
    cleaner = TextCleaner(protected={"pandas", "r", "c"})
    assert cleaner.clean("pandas in R and C") == ["pandas", "r", "c"]
    assert TextCleaner().clean("pandas in R and C") == ["panda"]


def test_keep_code_option():
    html = "<p>loop</p><pre><code>numpy.zeros(3)</code></pre>"
    assert TextCleaner().clean(html) == ["loop"]
    assert TextCleaner(keep_code=True).clean(html) == ["loop", "numpy.zeros"]


def test_only_stop_words_or_only_code_gives_no_tokens():
    assert TextCleaner().clean("<p>How do I do this?</p>") == []
    assert TextCleaner().clean("<pre><code>int main() {}</code></pre>") == []


def test_clean_many_matches_clean():
    cleaner = TextCleaner()
    texts = ["Merging DataFrames", "<p>CSS <b>layouts</b></p>", ""]
    assert cleaner.clean_many(texts) == [cleaner.clean(t) for t in texts]


def test_spacy_blank_engine_agrees_on_lemmas():
    cleaner = TextCleaner(spacy_model="en", protected={"c++"})
    tokens = cleaner.clean("Running queries against databases in c++")
    assert tokens == ["run", "query", "database", "c++"]


def test_unknown_spacy_model_is_a_clear_error():
    with pytest.raises(ValueError, match="not installed"):
        TextCleaner(spacy_model="xx_no_such_model").clean("text")


def test_huge_body_is_cleaned():
    body = "<p>" + "dataframe merge " * 70_000 + "</p>"  # about 1 MB
    assert len(TextCleaner().clean(body)) == 140_000
