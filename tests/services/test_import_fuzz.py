"""No file makes an import crash: every reader answers any bytes with a result or a refusal that says what to fix.

Hypothesis feeds each reader (pupils, contacts and marks CSV, the CTF) random bytes, good files cut short at any
point, good files with bytes dropped in, good files in other encodings, and text after a good header row; the
only acceptable outcomes are an import or ImportRejected/CtfRejected, whose every problem is a sentence.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal.services import ctf, imports
from portal.services.policies import load_policy_file

from conftest import EXAMPLES

GOOD = {
    "pupils": (EXAMPLES / "pupils.csv").read_bytes(),
    "contacts": (EXAMPLES / "contacts.csv").read_bytes(),
    "marks": b"\n".join((EXAMPLES / "marks.csv").read_bytes().splitlines()[:40]) + b"\n",
    "ctf": (EXAMPLES / "sample.ctf.xml").read_bytes()[:6000] + b"</AttendanceMarks></AttendSessions></YearData>"
           b"</Attendance></Pupil></CTFpupilData></CTfile>",
}
CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp437",
          "shift_jis", "utf-7"]
HUGE_LINE = b"upn,date,session,code\n" + b'"' + b"x" * 300_000 + b'"\n'


def _cut(pair):
    data, at = pair
    return data[:at % (len(data) + 1)]


def _insert(triple):
    data, at, extra = triple
    at %= len(data) + 1
    return data[:at] + extra + data[at:]


def _recode(pair):
    data, codec = pair
    return data.decode("utf-8").encode(codec, errors="replace")


def files(kind: str):
    good = st.just(GOOD[kind])
    header = GOOD[kind].split(b"\n", 1)[0] + b"\n"
    return st.one_of(
        st.binary(max_size=3000),
        st.tuples(good, st.integers(0, 10_000)).map(_cut),
        st.tuples(good, st.integers(0, 10_000), st.binary(min_size=1, max_size=12)).map(_insert),
        st.tuples(good, st.sampled_from(CODECS)).map(_recode),
        st.text(max_size=800).map(lambda text: header + text.encode("utf-8", errors="surrogatepass")),
        st.sampled_from([b"PK\x03\x04" + bytes(100), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), b"%PDF-1.7\n",
                         b"\x00" * 50, b"\xff\xfe", b"\xef\xbb\xbf", b"\r\n\r\n", b'"', HUGE_LINE]),
    )


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.fixture
def loaded(app_ctx):
    load_policy_file(EXAMPLES / "alp.toml", actor="test")
    imports.import_pupils(EXAMPLES / "pupils.csv", actor="test")


def _problems_are_sentences(problems) -> None:
    assert problems and all(str(p).strip() for p in problems)


def _csv_import(function, tmp_path, data: bytes, skip_invalid: bool) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    rejected = tmp_path / "fuzz.rejected.csv"
    rejected.unlink(missing_ok=True)
    try:
        result = function(path, actor="fuzz", skip_invalid=skip_invalid)
    except imports.ImportRejected as exc:
        _problems_are_sentences(exc.result.problems)
        if skip_invalid:  # the promise of --skip-invalid: the rejected rows' file is always written
            assert rejected.is_file()
    else:
        assert result.rows >= 0
        assert bool(result.rejected) == rejected.is_file()


@FUZZ
@given(data=files("pupils"), skip=st.booleans())
@example(data=HUGE_LINE.replace(b"upn,date,session,code", GOOD["pupils"].split(b"\n")[0]), skip=True)
def test_any_pupils_file(loaded, tmp_path, data, skip):
    _csv_import(imports.import_pupils, tmp_path, data, skip)


@FUZZ
@given(data=files("contacts"), skip=st.booleans())
def test_any_contacts_file(loaded, tmp_path, data, skip):
    _csv_import(imports.import_contacts, tmp_path, data, skip)


@FUZZ
@given(data=files("marks"), skip=st.booleans())
@example(data=HUGE_LINE, skip=False)
def test_any_marks_file(loaded, tmp_path, data, skip):
    _csv_import(imports.import_marks, tmp_path, data, skip)


@settings(max_examples=300, deadline=None)
@given(data=files("ctf"))
@example(data=GOOD["ctf"].replace(b"Riverside", "Riversid\u00e9".encode("cp1252")))
@example(data=GOOD["ctf"].replace(b'encoding="UTF-8"', b'encoding="U-TF-8"'))
@example(data=GOOD["ctf"].replace(b'encoding="UTF-8"', b'encoding="shift_jis"'))
@example(data=GOOD["ctf"].replace(b"<AttendanceStartDate>2023-09-04", b"<AttendanceStartDate>9999-12-30"))
def test_any_ctf_is_read_without_raising(data):
    read = ctf.read_ctf(data)
    assert all(str(p).strip() for p in read.problems)


@FUZZ
@given(data=files("ctf"), skip=st.booleans())
def test_any_ctf_imports_or_is_refused(loaded, tmp_path, data, skip):
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    try:
        ctf.import_ctf(path, actor="fuzz", skip_invalid=skip)
    except ctf.CtfRejected as exc:
        _problems_are_sentences(exc.read.problems)
