"""The scheduled backup: a dated folder under one root each night, and only the newest few kept there.

The copies kept on the server are for a quick restore; the ones that matter are copied off it (README, Backups).
Only folders this job made (a dated name and a manifest) are ever deleted.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from portal.clock import school_now
from portal.services import backup

DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{4}(-\d+)?$")  # 2026-12-04-0130, school time; -2 for a second that minute


@dataclass
class Nightly:
    folder: Path
    manifest: dict
    removed: list[Path] = field(default_factory=list)


def run(root: str | Path, actor: str, keep: int) -> Nightly:
    """Back up into a new dated folder under `root`, then delete the oldest of this job's folders beyond `keep`."""
    if keep < 1:
        raise backup.BackupRefused(f"keep at least one backup (PORTAL_BACKUPS_KEPT is {keep})")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o700)
    name = f"{school_now():%Y-%m-%d-%H%M}"
    folder, n = root / name, 1
    while folder.exists():
        n += 1
        folder = root / f"{name}-{n}"
    try:
        manifest = backup.create(folder, actor)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # half a backup is no backup: never leave one to be trusted
        raise
    made = sorted((p for p in root.iterdir() if p.is_dir() and DATED.match(p.name) and (p / backup.MANIFEST).is_file()),
                  key=lambda p: (p.name[:15], int(p.name[16:] or 1)))
    removed = made[:-keep]
    for old in removed:
        shutil.rmtree(old)
    return Nightly(folder, manifest, removed)
