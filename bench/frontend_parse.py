"""The bare baseline for `batchform lint` with its front end: every .tf file under DIR parsed
into batchform's syntax tree (tree-sitter), in one process, without cache or rules."""

from __future__ import annotations

import sys
from pathlib import Path

from batchform.hcl.loader import find_tf_files
from batchform.hcl.parser import parse_text


def main(root: str) -> None:
    """Parse every .tf file below `root` (hidden and .terraform directories skipped)."""
    for path in find_tf_files([Path(root)]).files:
        parse_text(path.read_text(encoding="utf-8"), str(path))


if __name__ == "__main__":
    main(sys.argv[1])
