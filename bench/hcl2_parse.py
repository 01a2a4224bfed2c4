"""The bare baseline for `batchform lint`: python-hcl2 `loads` of every .tf file under DIR."""

from __future__ import annotations

import sys
from pathlib import Path

import hcl2


def main(root: str) -> None:
    """Parse every .tf file below `root` (hidden and .terraform directories skipped)."""
    base = Path(root)
    for path in sorted(base.rglob("*.tf")):
        if any(part.startswith(".") for part in path.relative_to(base).parts[:-1]):
            continue
        hcl2.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main(sys.argv[1])
