"""Golden plans: the planned action per resource address, kept in a file and compared."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path

from batchform.errors import UsageError

INVENTORY_HEADER = (
    "# Planned action per resource address; refresh with: pytest --batchform-update-plans\n"
)


def load_inventory(path: Path) -> dict[str, str]:
    """Read an {address: action} inventory from a YAML or JSON file."""
    text = path.read_text()
    if path.suffix == ".json":
        document = json.loads(text)
    else:
        import yaml

        document = yaml.safe_load(text)
    if not isinstance(document, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in document.items()
    ):
        raise UsageError(
            f"{path}: an inventory maps resource addresses to actions, "
            "e.g. `module.job_queue.aws_batch_job_queue.this: create`"
        )
    return document


def write_inventory(path: Path, inventory: Mapping[str, str]) -> None:
    """Write an {address: action} inventory as YAML (or JSON for a .json path), sorted."""
    ordered = dict(sorted(inventory.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(ordered, indent=2) + "\n")
        return
    import yaml

    path.write_text(INVENTORY_HEADER + yaml.safe_dump(ordered, sort_keys=True, width=200))


def inventory_diff(expected: Mapping[str, str], actual: Mapping[str, str], name: str) -> str:
    """A unified diff from the expected inventory to the plan's; empty when they match."""

    def lines(inventory: Mapping[str, str]) -> list[str]:
        return [f"{address}: {action}\n" for address, action in sorted(inventory.items())]

    return "".join(difflib.unified_diff(lines(expected), lines(actual), name, "plan"))
