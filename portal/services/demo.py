"""The demo generator moved to `portal.demo`; benchmarks/import_and_alerts.py still imports `write_csvs` from here
(benchmarks/ belongs to another change). Remove this module when it imports from portal.demo."""

from portal.demo import write_csvs

__all__ = ["write_csvs"]
