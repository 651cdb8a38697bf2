"""`import contacts`: each pupil's contacts from the MIS, and the parent accounts they give access to.

The MIS is the record of who holds parental responsibility, so for every pupil in the file its contacts become
exactly those in the file: a contact the MIS no longer lists loses access to that child at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.rows import parse_flag, parse_upn, parse_whole_number
from portal.extensions import db
from portal.models import Contact, ParentAccount, Pupil
from portal.services import sessions
from portal.services.imports.common import (
    Columns,
    CsvFile,
    ImportResult,
    Progress,
    check_rows,
    field_getter,
    finish,
    in_one_transaction,
    too_long,
)

EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
FIELDS = ("relationship_to_pupil", "email", "phone", "parental_responsibility", "lives_with_pupil", "priority",
          "preferred_language")


def import_contacts(path: str | Path, actor: str, skip_invalid: bool = False, rejected_path: Path | None = None,
                    progress: Progress | None = None, columns: Columns | None = None) -> ImportResult:
    csv_file = CsvFile(path, "contacts", columns)
    result = ImportResult("contacts", problems=csv_file.check_header())
    if result.problems:
        finish(result, csv_file, [], skip_invalid, rejected_path)
    pupils = {p.upn: p for p in db.session.scalars(select(Pupil))}
    get = field_getter(csv_file.index())
    seen: dict[tuple, int] = {}

    def check(line, fields):
        values, problems = _check_row(get, fields, pupils)
        key = (values.get("upn"), values.get("name", "").lower())
        if key in seen:
            problems.append(f"{values['name']} is listed for UPN {key[0]} on line {seen[key]} too")
        elif values.get("pupil"):
            seen[key] = line
        return values, problems

    good, bad = check_rows(csv_file, result, check, progress)
    finish(result, csv_file, bad, skip_invalid, rejected_path)

    def apply():
        _apply(good, result)
        db.session.flush()
        # A parent the MIS no longer gives parental responsibility for any child is signed out everywhere, now.
        sessions.end_for_former_parents(actor)

    return in_one_transaction(actor, csv_file, result, apply)


def _check_row(get, fields, pupils) -> tuple[dict, list[str]]:
    problems: list[str] = []
    values: dict = {"name": get(fields, "contact_name"), "relationship_to_pupil": get(fields, "relationship"),
                    "phone": get(fields, "phone"),
                    "preferred_language": get(fields, "preferred_language")[:60] or None}  # optional column
    upn, problem = parse_upn(get(fields, "upn")) if get(fields, "upn") else (None, "upn is empty")
    if problem:
        problems.append(problem)
    elif upn not in pupils:
        problems.append(f"UPN {upn} is not a pupil of any loaded school: import pupils first")
    values["upn"], values["pupil"] = upn, pupils.get(upn)
    for name, label in (("name", "contact_name"), ("relationship_to_pupil", "relationship")):
        if not values[name]:
            problems.append(f"{label} is empty")
    email = get(fields, "email").lower()
    if email and not EMAIL.fullmatch(email):
        problems.append(f"email {email!r} is not an email address")
    values["email"] = email or None
    for name in ("parental_responsibility", "lives_with_pupil"):
        values[name], problem = parse_flag(get(fields, name), name)
        problems += [problem] if problem else []
    problems += too_long(values, {"name": "contact_name", "relationship_to_pupil": "relationship",
                                  "email": "email", "phone": "phone"}, Contact)
    values["priority"], problem = parse_whole_number(get(fields, "priority"), "priority", 1, 99)
    problems += [problem] if problem else []
    values["priority"] = values["priority"] or 1
    return values, problems


def _apply(rows: list[dict], result: ImportResult) -> None:
    accounts = {a.email: a for a in db.session.scalars(select(ParentAccount))}
    by_pupil: dict[int, list[dict]] = {}
    for row in rows:
        by_pupil.setdefault(row["pupil"].id, []).append(row)
    for pupil_rows in by_pupil.values():
        pupil = pupil_rows[0]["pupil"]
        result.pupil_ids.add(pupil.id)
        result.school_ids.add(pupil.school_id)
        current = {c.name.lower(): c for c in pupil.contacts}
        for row in pupil_rows:
            contact = current.pop(row["name"].lower(), None)
            if contact is None:
                contact = Contact(name=row["name"], **{k: row[k] for k in FIELDS})
                pupil.contacts.append(contact)
                result.added += 1
            elif any(getattr(contact, k) != row[k] for k in FIELDS):
                for k in FIELDS:
                    setattr(contact, k, row[k])
                result.updated += 1
            else:
                result.unchanged += 1
            contact.parent_account = _account(contact, accounts)
        for gone in current.values():
            pupil.contacts.remove(gone)
            result.removed += 1


def _account(contact: Contact, accounts: dict[str, ParentAccount]) -> ParentAccount | None:
    """Only a contact with parental responsibility and an email address can sign in as a parent."""
    if not (contact.parental_responsibility and contact.email):
        return None
    account = accounts.get(contact.email)
    if account is None:
        account = accounts[contact.email] = ParentAccount(email=contact.email, created_at=utcnow())
        db.session.add(account)
    return account
