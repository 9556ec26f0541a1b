import json
import os
import subprocess
import sys
from pathlib import Path

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
    cleaner = TextCleaner(protected={"sockets", "r", "c"})
    assert cleaner.clean("sockets in R and C") == ["sockets", "r", "c"]
    assert TextCleaner().clean("sockets in R and C") == ["socket"]


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


# Bodies as the dump has them: CRLF, tabs, &nbsp; and U+00A0, code blocks,
# entities, a repeated token, plain-text titles with runs of spaces.
RAW_BODIES = [
    "<p>How do I merge\r\n\ttwo <code>DataFrames</code>&nbsp;on a\u00a0column?</p>\r\n"
    "<pre><code>df.merge(other)\n</code></pre>\n<p>pandas  pandas&amp;numpy</p>",
    "Title  with   spaces\tand\u00a0a tab",
    "<ul><li>c#</li><li>C++</li></ul>\n\n<blockquote>Node.js\u2003rocks</blockquote>",
    "",
    "&lt;div&gt; is not a tag here &#x27;quoted&#x27;",
]


def test_cleaning_tokens_equal_the_tokens_of_html_to_text():
    # clean_many tokenizes the visible text without joining its whitespace
    # first (visible_text); the tokens must be those of html_to_text's text.
    cleaner = TextCleaner(protected={"c#", "pandas"})
    reference = TextCleaner(protected={"c#", "pandas"})
    assert cleaner.clean_many(RAW_BODIES) == [
        reference._tokens(html_to_text(body)) for body in RAW_BODIES
    ]
    assert cleaner.clean_many(RAW_BODIES) == cleaner.clean_many(RAW_BODIES)  # memoised


def test_spacy_blank_engine_agrees_on_lemmas():
    cleaner = TextCleaner(spacy_model="en", protected={"c++"})
    tokens = cleaner.clean("Running queries against databases in c++")
    assert tokens == ["run", "query", "database", "c++"]


_ORDER_TEXTS = [
    "<p>Deploying an asp.net-core app next to a node.js server</p>",
    "<p>Porting c++ code to objective-c; is vb.net like c#?</p><pre><code>x++</code></pre>",
]


def _fresh_process_tokens(protected: list[str]) -> list[list[str]]:
    """What a spaCy cleaner gives in a process where no other cleaner ran."""
    code = (
        "import json, sys\n"
        "from topictags.text import TextCleaner\n"
        "protected, texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps(TextCleaner(spacy_model='en', protected=protected).clean_many(texts)))\n"
    )
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps([protected, _ORDER_TEXTS]),
        capture_output=True, text=True, env=env, check=True, timeout=300,
    )
    return json.loads(done.stdout)


def test_spacy_tokens_do_not_depend_on_which_cleaner_ran_first():
    # Protected tags are special cases of the tokenizer; they must not leak
    # into the pipeline every cleaner of the process shares.
    protected = ["asp.net-core", "c++", "objective-c", "vb.net"]
    with_tags = TextCleaner(spacy_model="en", protected=protected)
    without = TextCleaner(spacy_model="en")
    assert with_tags.clean_many(_ORDER_TEXTS)[0][:2] == ["deploy", "asp.net-core"]
    after = without.clean_many(_ORDER_TEXTS)
    assert after == _fresh_process_tokens([])
    assert "asp.net-core" not in after[0]  # spaCy's own rules split it
    assert with_tags.clean_many(_ORDER_TEXTS) == _fresh_process_tokens(protected)


def test_unknown_spacy_model_is_a_clear_error():
    with pytest.raises(ValueError, match="not installed"):
        TextCleaner(spacy_model="xx_no_such_model").clean("text")


def test_huge_body_is_cleaned():
    body = "<p>" + "dataframe merge " * 70_000 + "</p>"  # about 1 MB
    assert len(TextCleaner().clean(body)) == 140_000
