"""Realistic demo data for a trust: pupils, contacts and a school year of marks, as the MIS would export them.

`generate(policy, pupils, seed, today)` builds a trust's roll (families, pupils, classes, contacts) and gives
three streams of CSV rows in the formats of design.md section 6; `write_csvs` writes them to files. The marks are
generated one pupil at a time and never held in memory, so the same code makes a 20,000-pupil trust's year of
marks (about 7.6 million rows) for the benchmarks.

Everything comes from one `random.Random(seed)`: the same seed, policy and `today` give byte-identical files.
No personal data is real: names are drawn from common British name lists, emails are @example.com and phone
numbers are in Ofcom's range kept for drama (07700 900000 to 07700 900999).

What the marks look like, per pupil, from the start of the school year that holds `today`:
- a target absence rate drawn so that most pupils are above 95%, about one in six is persistently absent (10% or
  more) and one or two in a hundred severely (50% or more); siblings tend to share their family's pattern;
- illness (I) in runs of 1 to 5 days, far more often in winter (November to February); medical appointments (M)
  as single sessions; unauthorised absence (O) for the pupils who miss most, in runs for the severe ones;
- lateness: L within the site's register window (minutes after `late_from`), and some U after it closes;
- term-time holidays taken by the whole family next to a school holiday (G, 3 to 10 school days; a few granted
  as exceptional leave, C), religious festivals (R), class trips and the Year 6 residential (V), sports (P);
- part-time nursery places (the afternoon is X, not required to attend), perhaps a snow day closing one school
  (Y4), pupils who joined or left during the year, and a handful of N marks more than 5 school days old that
  nobody recoded;
- on the latest school day up to `today` (only the morning if that is today), an unexplained N for about 3% of
  pupils: the first-day contact list.

Where things are: `generate` (the entry points), `builder` (the roll), `people`, `school_plan`, `pupil_year` (one
pupil's codes, event by event), `profiles`, `marks` (rows and CSV), `placement`, `identifiers`, `names`. Pure:
no database, no Flask; `flask demo` (portal/cli/demo.py) imports what it writes.
"""

from portal.demo.generate import generate, write_csvs, write_trust_csvs
from portal.demo.trust import DemoFiles, DemoTrust
from portal.demo.people import AGE_AT_START, ContactPerson, DemoPupil, Family
from portal.demo.profiles import Spread, spread
from portal.demo.marks import last_school_day_by, latest_register_day, read_mark_rows

__all__ = [
    "generate",
    "write_csvs",
    "write_trust_csvs",
    "DemoFiles",
    "DemoTrust",
    "AGE_AT_START",
    "ContactPerson",
    "DemoPupil",
    "Family",
    "Spread",
    "spread",
    "last_school_day_by",
    "latest_register_day",
    "read_mark_rows",
]
