"""Provider requirements read from source: `required_providers` of every module, a provider
block's legacy `version`, and the version the root's dependency lock file holds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePath

from batchform.errors import HclParseError
from batchform.hcl.syntax import Block, Expr, Literal, ObjectExpr, Template
from batchform.lint.engine.modules import ModuleInstance
from batchform.lint.model import ProviderVersions, VersionConstraint

# Terraform writes the lock file next to the root module's files.
LOCK_FILE = ".terraform.lock.hcl"
_REGISTRY = "registry.terraform.io/"


def provider_versions(
    root: ModuleInstance, modules: Iterable[ModuleInstance], source: str
) -> ProviderVersions:
    """The constraints every module directory puts on `source` (e.g. hashicorp/aws), and the
    root's locked version of it."""
    found: list[VersionConstraint] = []
    seen: set[Path] = set()
    for module in modules:
        if module.directory in seen:
            continue
        seen.add(module.directory)
        for file in module.files:
            for block in file.blocks:
                found.extend(_constraints(block, source))
    locked, lock_file = _locked(root, source)
    return ProviderVersions(tuple(found), locked, lock_file)


def _constraints(block: Block, source: str) -> list[VersionConstraint]:
    local_name = source.rsplit("/", 1)[-1]
    if block.type == "provider" and block.labels[:1] == (local_name,):
        version = block.attributes.get("version")
        text = _string(version.expr) if version is not None else None
        return [VersionConstraint(block.file, version.line, text)] if version and text else []
    if block.type != "terraform":
        return []
    found = []
    for required in block.blocks_of("required_providers"):
        for name, attribute in required.attributes.items():
            text = _required_version(name, attribute.expr, source)
            if text:
                found.append(VersionConstraint(required.file, attribute.line, text))
    return found


def _required_version(name: str, expr: Expr, source: str) -> str | None:
    """The version a `required_providers` entry asks of `source`, if it is that provider's."""
    if not isinstance(expr, ObjectExpr):
        # Terraform 0.12's `aws = "~> 2.0"`: the local name is the provider's type.
        return _string(expr) if name == source.rsplit("/", 1)[-1] else None
    fields = {_string(key): value for key, value in expr.items}
    given = fields.get("source")
    written = _string(given) if given is not None else f"hashicorp/{name}"
    if written is None or written.lower().removeprefix(_REGISTRY) != source:
        return None
    version = fields.get("version")
    return _string(version) if version is not None else None


def _string(expr: Expr) -> str | None:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Template) and all(isinstance(part, str) for part in expr.parts):
        return "".join(str(part) for part in expr.parts)
    return None


def _locked(root: ModuleInstance, source: str) -> tuple[str | None, str | None]:
    """The version the root's .terraform.lock.hcl holds for the provider, and the file's name
    as reports show it; (None, None) without a lock file or an entry in it."""
    from batchform.hcl.parser import parse_text

    path = root.directory / LOCK_FILE
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    shown = _shown(root, LOCK_FILE)
    try:
        parsed = parse_text(text, shown)
    except HclParseError:
        return None, None
    for block in parsed.blocks:
        address = block.labels[0].lower() if block.type == "provider" and block.labels else ""
        if address.removeprefix(_REGISTRY) == source:
            version = block.attributes.get("version")
            locked = _string(version.expr) if version is not None else None
            return locked, shown if locked else None
    return None, None


def _shown(root: ModuleInstance, name: str) -> str:
    """A file of the root directory named as its .tf files are (relative to the display root)."""
    for file in root.files:
        return str(PurePath(file.path).parent / name)
    return name
