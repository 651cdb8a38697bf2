"""Pure attendance rules: standard library and small pure libraries only; no Flask, no database.

Every rule of domain.md lives here as plain functions over plain data, with "today" passed in.
"""
