"""READMEs of the generated stack: usage for the root, inputs and outputs tables per module."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from batchform import hcl
from batchform.render import MODULES, Stack, render_template
from batchform.roundtrip import Parsed, module_interface, value


def render_readmes(stack: Stack, parsed: Mapping[str, Parsed]) -> dict[str, str]:
    """The root README and one README per module, tables derived from the parsed modules."""
    files = {"README.md": render_template("root/README.md.j2", stack=stack)}
    for module in MODULES:
        interface = module_interface(
            parsed[f"modules/{module}/variables.tf"], parsed[f"modules/{module}/outputs.tf"]
        )
        inputs = [
            {
                "name": name,
                "description": value(body["description"]),
                "type": _expression(body["type"]),
                "default": _default(body["default"]) if "default" in body else None,
                "required": "default" not in body,
            }
            for name, body in interface.variables.items()
        ]
        outputs = [
            {"name": name, "description": value(body["description"])}
            for name, body in interface.outputs.items()
        ]
        files[f"modules/{module}/README.md"] = render_template(
            "modules/README.md.j2", stack=stack, module=module, inputs=inputs, outputs=outputs
        )
    return files


def _expression(raw: Any) -> str:
    text = str(raw)
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return " ".join(text.split())


def _default(raw: Any) -> str:
    if raw is None or raw == "null":
        return "null"
    if isinstance(raw, str) and raw.startswith('"'):
        return hcl.quote(hcl.unquote(raw))
    if isinstance(raw, (bool, int, float)):
        return json.dumps(raw)
    return json.dumps(value(raw))
