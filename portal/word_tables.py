"""A Babel extraction method for words the domain and services keep in tables (BAND_WORDS, the register codes'
short words and explanations): they stay free of Flask-Babel, the pages translate each value with the `translated`
filter (portal/web/words.py), and `pybabel extract` (and tests/unit/test_translations.py) finds every value
through this method, named in babel.cfg with the tables to read:

    [portal.word_tables.extract: portal/domain/codes.py]
    tables = SHORT_WORDS
    rows = _TABLE:1, _TABLE:2

`tables`: module-level dicts, each string value is a message (or a module-level string, itself one). `plurals`: module-level dicts whose values are (singular, plural) pairs, each a plural message (ngettext). `rows`: a module-level tuple of rows and the index
of a message in each row (name a table once for each column it holds messages in); an f-string there may name module-level string constants (`f"... {_AUTHORISED}"`).
"""

from __future__ import annotations

import ast


def _text(node, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                if value.value.id not in constants:
                    return None
                parts.append(constants[value.value.id])
            else:
                text = _text(value, constants)
                if text is None:
                    return None
                parts.append(text)
        return "".join(parts)
    return None


def _names(node) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
        else []
    return [t.id for t in targets if isinstance(t, ast.Name)]


def extract(fileobj, keywords, comment_tags, options):
    tables = {name.strip() for name in options.get("tables", "").split(",") if name.strip()}
    plurals = {name.strip() for name in options.get("plurals", "").split(",") if name.strip()}
    rows: dict[str, list[int]] = {}
    for item in options.get("rows", "").split(","):
        if item.strip():
            name, index = item.strip().split(":")
            rows.setdefault(name.strip(), []).append(int(index))
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    constants: dict[str, str] = {}
    for node in tree.body:
        names = _names(node)
        value = getattr(node, "value", None)
        if value is None:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            constants.update({name: value.value for name in names})
            if tables.intersection(names):  # a single message named in `tables`
                yield node.lineno, "_", value.value, []
        if tables.intersection(names) and isinstance(value, ast.Dict):
            for item in value.values:
                text = _text(item, constants)
                if text:
                    yield item.lineno, "_", text, []
        if plurals.intersection(names) and isinstance(value, ast.Dict):
            for item in value.values:
                if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                    pair = tuple(_text(e, constants) for e in item.elts)
                    if all(pair):
                        yield item.lineno, "ngettext", pair, []
        for name in rows.keys() & set(names):
            for row in getattr(value, "elts", []):
                for index in rows[name]:
                    if isinstance(row, ast.Tuple) and len(row.elts) > index:
                        text = _text(row.elts[index], constants)
                        if text:
                            yield row.lineno, "_", text, []
