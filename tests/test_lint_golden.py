"""Every stack `batchform generate` writes lints clean: zero findings, no suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchform.lint import lint_paths

REPO = Path(__file__).resolve().parents[1]
TREES = sorted((REPO / "tests" / "golden").glob("*/expected"))


def test_golden_trees_exist() -> None:
    assert TREES, "no golden stacks found under tests/golden/*/expected"


@pytest.mark.parametrize("tree", TREES, ids=[tree.parent.name for tree in TREES])
def test_golden_stack_lints_clean(tree: Path) -> None:
    result = lint_paths([tree], cache_dir=None, display_root=REPO)
    assert result.suppressed == 0
    assert result.findings == [], "\n".join(
        f"{f.file}:{f.line}: {f.code} {f.address}: {f.message}" for f in result.findings
    )
    assert len(result.files) >= 5


def test_default_modules_lint_clean() -> None:
    result = lint_paths([REPO / "modules"], cache_dir=None, display_root=REPO)
    assert result.findings == []
