"""`example_values`: the keys of a policy whose values are examples, not the school's real ones (docs/policy-format.md).

The parent site is not built from them unless asked (`site build --allow-examples`), and `policy check` notes each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.domain.policy_file import ERROR, Reader


@dataclass(frozen=True)
class ExampleValue:
    """A value the policy marks as an example, not the school's real one (`example_values`): never published."""

    key: str  # "schools[0].phone"
    path: tuple  # ("schools", 0, "phone")
    value: str  # as written in the file


def read_example_values(r: Reader) -> tuple[ExampleValue, ...]:
    """`example_values = ["schools[0].phone", ...]`: keys whose values are examples, each a key of this file."""
    found = []
    for index, key in enumerate(r.list("example_values")):
        if not isinstance(key, str):
            r.error("example_values", f"entry {index + 1} ({key!r}) should be a key in quotes, like \"schools[0].phone\"")
            continue
        path = parse_key(key)
        value = r.data
        for part in path:
            value = value[part] if isinstance(value, (dict, list)) and _has(value, part) else None
        if value is None or isinstance(value, (dict, list)):
            r.report(ERROR, "example_values", f"entry {index + 1}, {key!r}, is not a key with a value in this policy")
            continue
        found.append(ExampleValue(key, path, str(value)))
    return tuple(found)


def _has(container, part) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(part, int) and 0 <= part < len(container)


def parse_key(key: str) -> tuple:
    """'schools[0].sites[1].am' -> ("schools", 0, "sites", 1, "am")."""
    path: tuple = ()
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key):
        path += (int(index),) if index else (name,)
    return path
