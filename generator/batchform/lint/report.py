"""Render lint results as text, JSON or SARIF 2.1.0."""

from __future__ import annotations

import json

from batchform import __version__
from batchform.errors import UsageError
from batchform.lint.findings import LintResult
from batchform.lint.rules import all_rules

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning"}


def render(result: LintResult, output_format: str) -> str:
    """The result in one of FORMATS."""
    if output_format == "text":
        return render_text(result)
    if output_format == "json":
        return render_json(result)
    if output_format == "sarif":
        return render_sarif(result)
    raise UsageError(f"unknown format {output_format!r}; use one of {', '.join(FORMATS)}")


def render_text(result: LintResult) -> str:
    """`file:line: CODE severity address: message (fix)` per finding, then a summary line."""
    lines = [
        f"{item.file}:{item.line}: {item.code} {item.severity} {item.address}: "
        f"{item.message} ({item.fix})"
        for item in result.findings
    ]
    errors = sum(1 for item in result.findings if item.severity == "error")
    warnings = len(result.findings) - errors
    summary = f"{len(result.files)} files, {errors} errors, {warnings} warnings"
    if result.suppressed:
        summary += f", {result.suppressed} suppressed"
    lines.append(summary)
    return "\n".join(lines)


def render_json(result: LintResult) -> str:
    """A JSON list of {code, severity, file, line, address, message, fix}."""
    return json.dumps([item.as_dict() for item in result.findings], indent=2)


def render_sarif(result: LintResult) -> str:
    """A SARIF 2.1.0 log with one run, the rules that fired, and one result per finding."""
    rules = all_rules()
    used = sorted({item.code for item in result.findings})
    descriptors = [
        {
            "id": code,
            "name": rules[code].title,
            "shortDescription": {"text": rules[code].title},
            "fullDescription": {"text": rules[code].explanation},
            "help": {"text": f"{rules[code].explanation}\n\nFix: {rules[code].fix}"},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rules[code].severity]},
        }
        for code in used
    ]
    index = {code: position for position, code in enumerate(used)}
    results = [
        {
            "ruleId": item.code,
            "ruleIndex": index[item.code],
            "level": _SARIF_LEVEL[item.severity],
            "message": {"text": f"{item.address}: {item.message} ({item.fix})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": item.file.replace("\\", "/")},
                        "region": {"startLine": max(item.line, 1)},
                    },
                    "logicalLocations": [{"fullyQualifiedName": item.address}],
                }
            ],
        }
        for item in result.findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "batchform",
                        "version": __version__,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
