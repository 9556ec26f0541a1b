# ruff: noqa: E501  (one question per line reads better than wrapped HTML)
"""A small Stack Exchange Data Explorer export, as the site writes it (30 questions).

Columns and formats of a real ``QueryResults.csv``: ``Id``, ``Title``, ``Body``
(HTML with entities and code), ``Tags`` as ``<a><b>``, ``CreationDate`` as
``2014-01-23 21:26:09`` (no fraction), ``Score``, ``ViewCount``, ``AnswerCount``.
Thirty questions over a dozen subjects: too few for the topics asked of them,
which is what users of small exports do.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROWS = [
    ("How do I merge two pandas DataFrames on a column?", "python|pandas|merge", "<p>I have two DataFrames <code>df1</code> and <code>df2</code> with a shared <code>id</code> column. How do I join them like SQL?</p><pre><code>pd.merge(df1, df2, on='id')</code></pre>"),
    ("Pandas groupby and sum of a column", "python|pandas|group-by", "<p>I want the total <code>amount</code> per <code>customer</code> in my DataFrame &amp; keep the other columns.</p>"),
    ("Reading a CSV file with pandas gives UnicodeDecodeError", "python|pandas|csv", "<p>When I call <code>read_csv</code> on an Excel export I get <code>UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9</code>.</p>"),
    ("How to select rows from a DataFrame based on column values?", "python|pandas|dataframe", "<p>What is the pandas equivalent of <code>SELECT * FROM t WHERE col = 'x'</code>?</p>"),
    ("jQuery click event not firing on dynamically added button", "javascript|jquery|events", "<p>I add buttons with <code>append()</code> but <code>$('.btn').click()</code> does nothing for the new ones.</p>"),
    ("How to prevent form submission with jQuery?", "javascript|jquery|forms", "<p>My <code>&lt;form&gt;</code> reloads the page when I press Enter. I tried <code>return false</code>.</p>"),
    ("Ajax request returns undefined in callback", "javascript|jquery|ajax", "<p>The success callback of <code>$.ajax</code> logs <code>undefined</code> although the server answers JSON.</p>"),
    ("What is the difference between let and var in JavaScript?", "javascript|scope|ecmascript-6", "<p>ES6 introduced <code>let</code>. When should I use it instead of <code>var</code>?</p>"),
    ("How do I vertically center a div with CSS?", "html|css|centering", "<p>I have a <code>div</code> inside another and want it centered vertically. <code>vertical-align</code> does not work.</p>"),
    ("CSS flexbox items not wrapping", "css|flexbox", "<p>My flex items overflow the container instead of wrapping to the next line.</p><pre><code>.row { display: flex; }</code></pre>"),
    ("Why does margin collapse between two divs?", "html|css|margin", "<p>Two stacked <code>div</code>s with <code>margin: 20px</code> are only 20px apart, not 40px.</p>"),
    ("Make a table responsive with Bootstrap", "html|css|twitter-bootstrap", "<p>My wide <code>&lt;table&gt;</code> breaks the layout on phones.</p>"),
    ("MySQL join three tables and count rows", "mysql|sql|join", "<p>I need the number of orders per customer per product from three tables.</p><pre><code>SELECT c.name, COUNT(*) FROM customers c JOIN orders o ...</code></pre>"),
    ("SQL query to find duplicate rows", "sql|mysql|duplicates", "<p>How do I list the emails that appear more than once in <code>users</code>?</p>"),
    ("Index not used by MySQL query with LIKE", "mysql|indexing|performance", "<p><code>EXPLAIN</code> shows a full table scan for <code>WHERE name LIKE '%abc'</code>.</p>"),
    ("Insert into a table if the row does not exist", "sql|mysql|insert", "<p>I want to insert a row only when the primary key is new, without an error.</p>"),
    ("Git: undo the last commit but keep the changes", "git|git-reset", "<p>I committed too early. How do I undo the commit and keep my working tree?</p>"),
    ("How to resolve merge conflicts in Git?", "git|merge|conflict", "<p>After <code>git pull</code> I have conflicts in three files. What do I do now?</p>"),
    ("Git push rejected: non-fast-forward", "git|github", "<p><code>! [rejected] main -&gt; main (non-fast-forward)</code> when I push.</p>"),
    ("Java NullPointerException when calling a method on a list", "java|nullpointerexception|arraylist", "<p>My <code>ArrayList</code> is declared but <code>list.add(x)</code> throws NPE.</p>"),
    ("How to convert a String to an int in Java?", "java|string|integer", "<p>I read <code>\"42\"</code> from a file and need it as <code>int</code>.</p>"),
    ("Java HashMap iteration order", "java|hashmap|collections", "<p>Why does iterating a <code>HashMap</code> not keep the insertion order?</p>"),
    ("C# async await deadlock in WinForms", "c#|async-await|winforms", "<p>Calling <code>.Result</code> on a <code>Task</code> freezes my form.</p>"),
    ("LINQ group by multiple columns in C#", "c#|linq|group-by", "<p>How do I group a <code>List&lt;Order&gt;</code> by customer and year?</p>"),
    ("React state not updating immediately after setState", "javascript|reactjs|state", "<p>After <code>setState</code> the value I log is still the old one.</p>"),
    ("How to pass props to a child component in React?", "javascript|reactjs|react-props", "<p>The child component receives <code>undefined</code> for my prop.</p>"),
    ("Docker container exits immediately after start", "docker|dockerfile", "<p><code>docker run myimage</code> stops at once with exit code 0.</p>"),
    ("Copy files from host to Docker container", "docker|docker-volume", "<p>How do I get a config file from my laptop into a running container?</p>"),
    ("Python list comprehension with if else", "python|list-comprehension", "<p>How do I write <code>[x if x &gt; 0 else 0 for x in xs]</code> correctly?</p>"),
    ("Regex to match an email address in Python", "python|regex|email", "<p>My pattern <code>\\w+@\\w+</code> misses addresses with dots.</p>"),
]


def write_data_explorer_csv(path: Path) -> Path:
    """Write the 30 questions to ``path`` as a Data Explorer CSV; return ``path``."""
    rows = [
        {
            "Id": 21000000 + 7919 * i,
            "Title": title,
            "Body": body,
            "Tags": "".join(f"<{tag}>" for tag in tags.split("|")),
            "CreationDate": f"2014-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:26:09",
            "Score": i % 7 - 1,
            "ViewCount": 40 + 13 * i,
            "AnswerCount": i % 4,
        }
        for i, (title, tags, body) in enumerate(ROWS)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path
