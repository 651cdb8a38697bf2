"""A Babel extraction method for words the domain keeps in tables (portal.domain.attendance.BAND_WORDS): the
domain stays free of Flask-Babel, the pages translate the words with `_(value)`, and `pybabel extract` (and
tests/unit/test_translations.py) finds every value through this method, named in babel.cfg with the tables to read:

    [portal.word_tables.extract: portal/domain/attendance.py]
    tables = BAND_WORDS
"""

from __future__ import annotations

import ast


def extract(fileobj, keywords, comment_tags, options):
    wanted = {name.strip() for name in options.get("tables", "").split(",") if name.strip()}
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        if not any(isinstance(t, ast.Name) and t.id in wanted for t in targets) or not isinstance(node.value, ast.Dict):
            continue
        for value in node.value.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.lineno, "_", value.value, []
