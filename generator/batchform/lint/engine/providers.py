"""The AWS provider versions a configuration selects, read from its `terraform` and `provider`
blocks and the root module's `.terraform.lock.hcl`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from batchform.aws.provider import ADDRESS, SOURCE
from batchform.hcl.syntax import Attribute, Block, Literal, ObjectExpr, SourceFile, Template
from batchform.lint.engine.modules import ModuleInstance
from batchform.lint.engine.scope import Scope
from batchform.lint.model.versions import ProviderVersions

_LOCAL_NAME = "aws"


def aws_versions(modules: Iterable[ModuleInstance], lock: SourceFile | None) -> ProviderVersions:
    """Every hashicorp/aws constraint of the module tree (each with its file and line) and the
    version the lock file records."""
    constraints: list[tuple[str, str]] = []
    for module in modules:
        for block in module.settings:
            constraints.extend(_constraints(module, block))
    locked = _locked(lock)
    return ProviderVersions(
        tuple(constraints), locked, lock.path if lock is not None and locked else None
    )


def _constraints(module: ModuleInstance, block: Block) -> Iterator[tuple[str, str]]:
    if block.type == "provider":
        # Terraform 0.12's `provider "aws" { version = "..." }`, still read by 1.x (deprecated).
        attribute = block.attributes.get("version")
        if block.labels[:1] == (_LOCAL_NAME,) and attribute is not None:
            value = module.resolver.evaluate(attribute.expr, Scope(module))
            if isinstance(value, str):
                yield value, f"{block.file}:{attribute.line}"
        return
    for required in block.blocks_of("required_providers"):
        for name, attribute in required.attributes.items():
            value = module.resolver.evaluate(attribute.expr, Scope(module))
            if isinstance(value, str) and name == _LOCAL_NAME:
                yield value, f"{required.file}:{attribute.line}"  # Terraform 0.12's short form
            elif isinstance(value, dict) and _is_aws(name, value.get("source")):
                version = value.get("version")
                if isinstance(version, str):
                    yield version, f"{required.file}:{_version_line(attribute)}"


def _version_line(attribute: Attribute) -> int:
    """The line of `version = ...` inside `aws = { ... }`."""
    if isinstance(attribute.expr, ObjectExpr):
        for key, value in attribute.expr.items:
            if _literal_text(key) == "version":
                return value.line
    return attribute.line


def _is_aws(local_name: str, source: object) -> bool:
    """Whether a required_providers entry is hashicorp/aws (no source: the local name decides,
    in the hashicorp namespace)."""
    if source is None:
        return local_name == _LOCAL_NAME
    return isinstance(source, str) and source.lower() in (SOURCE, ADDRESS)


def _locked(lock: SourceFile | None) -> str | None:
    if lock is None:
        return None
    for block in lock.blocks:
        if block.type == "provider" and block.labels[:1] == (ADDRESS,):
            version = block.attributes.get("version")
            expr = version.expr if version is not None else None
            text = _literal_text(expr)
            if text is not None:
                return text
    return None


def _literal_text(expr: object) -> str | None:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        return expr.parts[0]
    return None
