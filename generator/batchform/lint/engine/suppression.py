"""Inline suppression: `# batchform:ignore CODE reason` on, above or inside a block."""

from __future__ import annotations

from batchform.hcl.syntax import SourceFile
from batchform.lint.findings import Finding


class Suppressions:
    """Which (file, line range, code) triples the comments of the loaded files silence."""

    def __init__(self, sources: list[SourceFile]) -> None:
        self._ranges: dict[str, list[tuple[int, int, str]]] = {}
        for source in sources:
            for line, code in source.ignores:
                span = _span(source, line)
                self._ranges.setdefault(source.path, []).append((span[0], span[1], code))

    def covers(self, finding: Finding) -> bool:
        """True when a comment silences this finding."""
        for start, end, code in self._ranges.get(finding.file, []):
            if code == finding.code and start <= finding.line <= end:
                return True
        return False


def _span(source: SourceFile, line: int) -> tuple[int, int]:
    """The top-level block a comment belongs to: the one holding it, or the one right below."""
    for block in source.blocks:
        if block.line <= line <= block.end_line:
            return block.line, block.end_line
    following = [block for block in source.blocks if block.line > line]
    if following:
        block = min(following, key=lambda candidate: candidate.line)
        return block.line, block.end_line
    return line, line
