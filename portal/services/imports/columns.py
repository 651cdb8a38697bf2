"""A school's own column headings, from a mapping file (TOML), added to the alias table of domain.mis_columns."""

from __future__ import annotations

import tomllib
from pathlib import Path

from portal.domain import mis_columns
from portal.services import ServiceError
from portal.services.imports.common import Columns

FILE_NAME = "columns.toml"  # looked for in a watched folder


class ColumnsFileError(ServiceError):
    pass


def load_columns(path: str | Path | None) -> Columns:
    """{kind: {heading: portal column}} from the file; ColumnsFileError says what to fix."""
    if path is None:
        return {}
    path = Path(path)
    try:
        mapping = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ColumnsFileError(f"{path}: the column mapping file was not found") from None
    except (OSError, UnicodeError) as exc:
        raise ColumnsFileError(f"{path}: the column mapping file cannot be read ({exc}): save it as UTF-8 text") \
            from None
    except tomllib.TOMLDecodeError as exc:
        raise ColumnsFileError(f"{path}: the column mapping file is not valid TOML ({exc}); write it as\n"
                               '[pupils]\n"Pupil Surname" = "legal_surname"') from None
    columns, problems = mis_columns.check_mapping(mapping)
    if problems:
        raise ColumnsFileError(f"{path}: " + "; ".join(problems))
    return columns
