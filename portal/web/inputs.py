"""What a request may carry, for every route at once: ids the database can hold, and no NUL characters.

- `<int:...>` in any rule is `IdConverter`: 1 to 2,147,483,647 (portal.domain.ids). A larger or negative number
  matches no rule, so /evidence/99999999999999999999 is "page not found", as any id that names nothing is, rather
  than a database error.
- A NUL character (\\0) in the path or the query string is refused with 400: PostgreSQL cannot store or compare
  text holding one, and no person types it. In form fields, forms.BaseForm removes it.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from portal.domain.ids import MAX_ID

NUL = "\x00"


class IdConverter(IntegerConverter):
    """Werkzeug's int converter, limited to the ids a database integer column holds."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_nul() -> None:
    if NUL in request.path or any(NUL in key or NUL in value for key, value in request.args.items(multi=True)):
        abort(400)


def register(app: Flask) -> None:
    """Before the blueprints are registered: their rules are compiled with the converter they find then."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul)
