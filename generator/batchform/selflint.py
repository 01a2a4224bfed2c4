"""The generator's output linted before it is written: what lint finds is the spec's problem.

`build_stack` (and so `render_stack`) lints the rendered tree in memory (sharing the parse cache with `lint`, and
keeping the findings of each rendered tree, so that an unchanged stack is not linted twice). Each
finding is pointed back at the spec element whose module call it is in (module call name ->
compute environment, queue or job definition) and at the spec key the module argument comes
from (`var.vcpus` -> `vcpus`); addresses in the message are named the spec's way. An error
finding stops generate as a spec error (exit 2, nothing written); a warning is handed back for
the command line to print, and generate goes on: a warning names a risk, not a stack AWS
refuses.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from batchform import __version__
from batchform.errors import BatchformError, HclParseError, SpecError, SpecProblem
from batchform.render import module_calls
from batchform.spec import Spec

if TYPE_CHECKING:
    from batchform.cache import Cache, Store
    from batchform.lint.findings import Finding
    from batchform.specfile import SpecLocation

# Where the rendered tree is linted as if written: nothing is read from there, as every file
# of the stack is in memory.
RENDERED_ROOT = Path("/nonexistent/batchform-rendered-stack")
_CALL = re.compile(r"module\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_\-\[\]\"*]+)*)")
_NOUNS = {
    "compute_environments": "compute environment",
    "job_queues": "job queue",
    "job_definitions": "job definition",
}
# Module variables named otherwise than the spec key they carry.
_SPEC_KEYS = {
    "compute_environment_arns": "compute_environments",
    "public_subnet_cidrs": "cidr",
    "private_subnet_cidrs": "cidr",
    "interface_endpoints": "mode",
    "secrets_kms_key_arn": "secrets",
}
# Among several variables feeding one argument (container_properties), the key a rule is about.
_PREFERRED_KEYS = {"BF004": ("vcpus", "memory"), "BF008": ("vcpus", "memory"),
                   "BF017": ("image",), "BF019": ("image",)}


def lint_rendered(
    files: Mapping[str, str],
    spec: Spec,
    *,
    cache: Cache | None,
    locate: Callable[[], SpecLocation] | None = None,
) -> list[str]:
    """Lint the rendered stack; raise SpecError for error findings, return the warnings as the
    command line prints them (`spec.toml:12: job_definitions "x": image: ...`).

    `locate` reads the spec again to give fields their lines; without it fields are named from
    the spec itself, without lines."""
    findings = _findings(files, cache)
    if not findings:
        return []
    location = _located(locate, spec)
    mapper = _Mapper(spec, files, location)
    errors = [mapper.problem(f) for f in findings if f.severity == "error"]
    if errors:
        raise SpecError(location.source, errors)
    return [mapper.problem(finding).render(location.source) for finding in findings]


def _findings(files: Mapping[str, str], cache: Cache | None) -> list[Finding]:
    """Every finding of lint on the rendered files, kept in the cache by their content."""
    from batchform.lint import lint_files
    from batchform.lint.findings import PARSE_ERROR, Finding

    store = _results(cache)
    key = _key(files) if store is not None else ""
    payload = store.get(key) if store is not None else None
    if payload is not None:
        try:
            return [Finding(**item) for item in json.loads(payload)]
        except (ValueError, TypeError):
            pass  # a damaged entry: lint again
    # Syntax is the parse-back check's (python-hcl2, which has read every file by now): a file
    # lint's own front end cannot read is passed over, not blamed on the spec.
    result = lint_files(files, ignore=PARSE_ERROR, root=RENDERED_ROOT, cache=cache)
    if store is not None:
        store.put(key, json.dumps([item.as_dict() for item in result.findings]).encode())
    return result.findings


def _results(cache: Cache | None) -> Store | None:
    return cache.store("selflint", _lint_version()) if cache is not None else None


@functools.cache
def _lint_version() -> str:
    """What lint's findings depend on besides the files: batchform's version and the code and
    data of the linter (so a development checkout never reuses a changed rule's results), and
    botocore's version (BF016 reads its Batch model)."""
    from importlib.metadata import version

    package = Path(__file__).parent
    code = hashlib.sha256()
    sources = [*package.glob("lint/**/*.py"), *package.glob("aws/*.py"), *package.glob("hcl/*.py"),
               package / "schema.py", *package.glob("data/*.json")]
    for path in sorted(sources):
        code.update(path.read_bytes())
    return f"batchform {__version__}; botocore {version('botocore')}; code {code.hexdigest()[:16]}"


def _key(files: Mapping[str, str]) -> str:
    """The rendered Terraform's content and the day the rules judge by (BF033 reads a clock)."""
    from batchform import clock

    key = hashlib.sha256(clock.today().isoformat().encode())
    for path in sorted(files):
        if path.endswith(".tf"):
            key.update(f"\0{path}\0{files[path]}".encode("utf-8", "surrogatepass"))
    return key.hexdigest()


def _located(locate: Callable[[], SpecLocation] | None, spec: Spec) -> SpecLocation:
    """The spec file read again for its lines; the spec itself when there is no file to read
    (or it changed since, so that it no longer reads)."""
    if locate is not None:
        try:
            return locate()
        except BatchformError:
            pass
    return _unlocated(spec)


def _unlocated(spec: Spec) -> SpecLocation:
    from batchform.specfile import SpecLocation

    return SpecLocation("spec", spec.model_dump(mode="json"), lambda parts: None)


class _Mapper:
    """Turns findings on the rendered tree into problems of the spec."""

    def __init__(self, spec: Spec, files: Mapping[str, str], location: SpecLocation) -> None:
        self.calls = module_calls(spec)
        self.spec = spec
        self.files = files
        self.location = location

    def problem(self, finding: Finding) -> SpecProblem:
        match = _CALL.match(finding.address)
        element = self.calls.get(match.group(1)) if match else None
        parts = list(element or ())
        key = self._key(finding, element) if element else None
        if key is not None:
            parts.append(key)
        message = (
            f"{self._spoken(finding.message)} ({finding.code}: {finding.fix}; the generated "
            f"{finding.file}:{finding.line})"
        )
        return self.location.problem(parts, message)

    def _spoken(self, message: str) -> str:
        """Module addresses named as the spec names their elements."""

        def name(match: re.Match[str]) -> str:
            element = self.calls.get(match.group(1))
            if element is None:
                return match.group(0)
            if element == ("network",):
                return "the network"
            collection, index = element
            item = getattr(self.spec, collection)[int(index)]
            return f'{_NOUNS[collection]} "{item.name}"'

        return _CALL.sub(name, message)

    def _key(self, finding: Finding, element: tuple[str, ...]) -> str | None:
        """The spec key the finding's argument comes from, when the line is an argument's."""
        fields = self._fields(element)
        found = [
            _SPEC_KEYS.get(variable, variable)
            for variable in _variables_at(self.files.get(finding.file, ""), finding.line)
        ]
        known = [key for key in found if key in fields]
        for key in _PREFERRED_KEYS.get(finding.code, ()):
            if key in known:
                return key
        return known[0] if known else None

    def _fields(self, element: tuple[str, ...]) -> Iterable[str]:
        model = self.spec.network if element == ("network",) else getattr(
            self.spec, element[0]
        )[int(element[1])]
        return type(model).model_fields


def _variables_at(text: str, line: int) -> list[str]:
    """The module variables (`var.x`) the argument written at a line is built from, in order."""
    from batchform.hcl.parser import parse_text
    from batchform.hcl.syntax import Block, Traversal, walk

    if not text:
        return []
    try:
        parsed = parse_text(text, "rendered")
    except HclParseError:  # lint has reported it (BF000) already
        return []
    pending: list[Block] = list(parsed.blocks)
    while pending:
        block = pending.pop()
        for attribute in block.attributes.values():
            if attribute.line == line:
                return list(dict.fromkeys(
                    node.steps[0].name for node in walk(attribute.expr)
                    if isinstance(node, Traversal) and node.root == "var" and node.steps
                ))
        pending.extend(block.blocks)
    return []


