"""Parse generated Terraform back with python-hcl2 and check it says what the spec asked for."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from batchform import __version__, hcl
from batchform.cache import Cache, Store, digest, open_cache
from batchform.errors import RoundTripError
from batchform.spec import Spec

Parsed = dict[str, Any]
_REFERENCE = re.compile(r"module\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)")
# python-hcl2 parses about 100 KB a second; above this much text, parse on every core.
PARALLEL_BYTES = 96_000
CHUNK_BYTES = 24_000
# Bump when the stored form of a parse result changes.
LOADS_FORMAT = "2"


def parse(path: str, text: str) -> Parsed:
    """Parse one file; a failure is a batchform bug reported with file and line."""
    import hcl2  # loading the grammar costs time that a cached run does not need to spend

    try:
        return hcl2.loads(text)
    except Exception as error:  # lark raises several unrelated classes
        line = getattr(error, "line", None)
        message = f"python-hcl2 cannot parse the generated text: {error}"
        raise RoundTripError(path, message, line) from error


def loads_cache(cache: Cache | None | Literal["default"] = "default") -> Store | None:
    """The store of python-hcl2 `loads` results by file content in `cache` (by default the
    batchform cache; None when caching is off); one store per batchform and python-hcl2 version."""
    if cache == "default":
        cache = open_cache()
    if cache is None:
        return None
    return cache.store("loads", f"batchform {__version__}; {_hcl2_build()}; format {LOADS_FORMAT}")


def _hcl2_build() -> str:
    # Read from the installed metadata, without importing hcl2: a cached run never loads it.
    from importlib.metadata import version

    return f"python-hcl2 {version('python-hcl2')}"


def parse_files(files: Mapping[str, str], cache: Store | None = None) -> dict[str, Parsed]:
    """Parse every file, taking results for already seen contents from `cache` and splitting
    large stacks into whole top-level blocks parsed in parallel."""
    if cache is None:
        return _parse_all(files)
    keys = {path: digest(text) for path, text in files.items()}
    parsed: dict[str, Parsed] = {}
    for path, key in keys.items():
        hit = _decode(cache.get(key))
        if hit is not None:
            parsed[path] = hit
    missing = {path: text for path, text in files.items() if path not in parsed}
    if missing:
        for path, result in _parse_all(missing).items():
            payload = _encode(result)
            if payload is not None:
                cache.put(keys[path], payload)
            parsed[path] = result
    return {path: parsed[path] for path in files}


def _encode(result: Parsed) -> bytes | None:
    import msgpack  # type: ignore[import-untyped]

    try:
        data: bytes = msgpack.packb(result, use_bin_type=True)
    except (OverflowError, ValueError, TypeError):  # a number msgpack cannot hold: not kept
        return None
    return data


def _decode(payload: bytes | None) -> Parsed | None:
    """A stored parse result, or None unless it has the shape python-hcl2 gives (a dict of
    lists of dicts, of plain JSON values)."""
    if payload is None:
        return None
    import msgpack

    try:
        data = msgpack.unpackb(payload, raw=False, strict_map_key=True, ext_hook=_no_ext)
    except Exception:  # truncated or foreign data: msgpack raises several classes
        return None
    if not isinstance(data, dict) or not all(
        isinstance(entries, list) and all(isinstance(entry, dict) for entry in entries)
        for entries in data.values()
    ):
        return None
    return data


def _no_ext(code: int, _: bytes) -> object:
    raise ValueError(f"unexpected extension type {code}")


def _parse_all(files: Mapping[str, str]) -> dict[str, Parsed]:
    from batchform.hcl import pool

    total = sum(len(text) for text in files.values())
    if not pool.worthwhile(total, PARALLEL_BYTES):
        whole = list(files.items())
        results = pool.map_parse(_parse_whole, whole, sizes=[len(text) for _, text in whole],
                                 files=len(whole), what="parsing back", parallel=False)
        return dict(zip(files, results, strict=True))
    import hcl2  # noqa: F401  # before the fork, so the workers inherit the loaded grammar

    pieces = [(path, chunk) for path, text in files.items() for chunk in _chunks(text)]
    # One piece at a time: pieces differ in size, and equal shares by count left one worker
    # with most of a large main.tf.
    pieces_parsed = pool.map_parse(_parse_piece, pieces, sizes=[len(chunk) for _, chunk in pieces],
                                   files=len(files), what="parsing back", parallel=True)
    parsed: dict[str, Parsed] = {path: {} for path in files}
    failed: set[str] = set()
    for (path, _), result in zip(pieces, pieces_parsed, strict=True):
        if result is None:
            failed.add(path)
            continue
        for kind, entries in result.items():
            parsed[path].setdefault(kind, []).extend(entries)
    for path in failed:
        parse(path, files[path])  # again on the whole file, to report the right line
    return parsed


def _parse_whole(item: tuple[str, str]) -> Parsed:
    return parse(*item)


def _parse_piece(piece: tuple[str, str]) -> Parsed | None:
    import hcl2

    try:
        result: Parsed = hcl2.loads(piece[1])
        return result
    except Exception:  # reported by the caller with the whole file's line numbers
        return None


def _chunks(text: str) -> Iterator[str]:
    """Split generated text between top-level blocks (a line starting a block at column 0)."""
    start = 0
    while len(text) - start > CHUNK_BYTES:
        cut = text.find("\n}\n", start + CHUNK_BYTES)
        if cut < 0:
            break
        yield text[start : cut + 3]
        start = cut + 3
    yield text[start:]


def blocks(parsed: Parsed, kind: str) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Yield (labels, body) of every block of one kind, e.g. every `resource`."""
    for entry in parsed.get(kind, []):
        yield from _walk_labels(entry, ())


def _walk_labels(
    node: dict[str, Any], labels: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    for label, body in node.items():
        name = hcl.unquote(label) if label.startswith('"') else label
        if isinstance(body, dict) and body.get("__is_block__"):
            yield (*labels, name), body
        elif isinstance(body, dict):
            yield from _walk_labels(body, (*labels, name))


def value(raw: Any) -> Any:
    """A parsed literal as Python: quoted strings unescaped, lists and objects recursively."""
    if isinstance(raw, str) and raw.startswith('"') and raw.endswith('"') and hcl.is_literal(raw):
        return hcl.unquote(raw)
    if isinstance(raw, list):
        return [value(item) for item in raw]
    if isinstance(raw, dict):
        return {
            (hcl.unquote(k) if k.startswith('"') else k): value(v)
            for k, v in raw.items()
            if not k.startswith("__")
        }
    return raw


@dataclass(frozen=True)
class Module:
    """A module's interface as parsed back: variables and outputs with their descriptions."""

    variables: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]


def module_interface(variables_tf: Parsed, outputs_tf: Parsed) -> Module:
    """Read a module's variables and outputs from its parsed files."""
    return Module(
        variables={labels[0]: body for labels, body in blocks(variables_tf, "variable")},
        outputs={labels[0]: body for labels, body in blocks(outputs_tf, "output")},
    )


def line_of(text: str, needle: str) -> int | None:
    """The first line holding needle, for pointing at a problem."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def check_round_trip(
    spec: Spec, files: Mapping[str, str], cache: Store | None = None
) -> dict[str, Parsed]:
    """Parse every .tf file (through `cache` when given) and check it against the spec; raise
    RoundTripError on a mismatch.

    A check that fails on cached results is done again on fresh parses (which then replace the
    entries): only python-hcl2's own reading of the text can report a batchform bug."""
    terraform = {path: text for path, text in files.items() if path.endswith(".tf")}
    parsed = parse_files(terraform, cache)
    if cache is None:
        _check(spec, files, parsed)
        return parsed
    try:
        _check(spec, files, parsed)
    except Exception:  # a malformed entry can fail in any way; the fresh parse decides
        parsed = parse_files(terraform)
        _check(spec, files, parsed)
        for path, text in terraform.items():
            payload = _encode(parsed[path])
            if payload is not None:
                cache.put(digest(text), payload)
    return parsed


def _check(spec: Spec, files: Mapping[str, str], parsed: dict[str, Parsed]) -> None:
    checker = _Checker(spec, files, parsed)
    checker.check_interfaces()
    checker.check_root()
    checker.check_modules()


class _Checker:
    def __init__(self, spec: Spec, files: Mapping[str, str], parsed: dict[str, Parsed]) -> None:
        self.spec = spec
        self.files = files
        self.parsed = parsed
        self.modules = {
            name: module_interface(
                parsed[f"modules/{name}/variables.tf"], parsed[f"modules/{name}/outputs.tf"]
            )
            for name in ("network", "compute_environment", "job_queue", "job_definition")
        }

    def fail(self, path: str, message: str, needle: str | None = None) -> None:
        line = line_of(self.files[path], needle) if needle else None
        raise RoundTripError(path, message, line)

    def check_interfaces(self) -> None:
        for name, module in self.modules.items():
            for variable, body in module.variables.items():
                if "description" not in body or "type" not in body:
                    self.fail(
                        f"modules/{name}/variables.tf",
                        f"variable {variable!r} lacks a description or a type",
                        f'variable "{variable}"',
                    )
            for output, body in module.outputs.items():
                if "description" not in body:
                    self.fail(
                        f"modules/{name}/outputs.tf",
                        f"output {output!r} lacks a description",
                        f'output "{output}"',
                    )

    def check_root(self) -> None:
        root = self.parsed["main.tf"]
        calls = {labels[0]: body for labels, body in blocks(root, "module")}
        spec = self.spec
        expected: dict[str, str] = {"network": "network"}
        expected.update({f"compute_environment_{ce.name}": "compute_environment"
                         for ce in spec.compute_environments})
        expected.update({f"job_queue_{q.name}": "job_queue" for q in spec.job_queues})
        expected.update({f"job_definition_{j.name}": "job_definition"
                         for j in spec.job_definitions})
        if set(calls) != set(expected):
            missing = sorted(set(expected) - set(calls))
            extra = sorted(set(calls) - set(expected))
            self.fail("main.tf", f"module calls differ from the spec: missing {missing}, "
                      f"unexpected {extra}")
        for call, module in expected.items():
            self._check_call(call, module, calls[call])
        # Each default read once: reading the images map per job was quadratic in jobs.
        tunables = {name: value(body.get("default"))
                    for name, body in self._root_variables().items()}
        for ce in spec.compute_environments:
            self._expect(calls, f"compute_environment_{ce.name}", {
                "name": f"{spec.name}-{ce.name}", "type": ce.type,
                "max_vcpus": f'${{var.max_vcpus["{ce.name}"]}}'})
            self._expect_default(tunables, "max_vcpus", ce.name, ce.max_vcpus)
            if not ce.is_fargate:
                self._expect(calls, f"compute_environment_{ce.name}", {
                    "instance_types": ce.resolved_instance_types,
                    "min_vcpus": ce.resolved_min_vcpus,
                    "image_type": ce.resolved_image_type})
        for queue in spec.job_queues:
            call = f"job_queue_{queue.name}"
            self._expect(calls, call, {"name": f"{spec.name}-{queue.name}",
                                       "priority": queue.priority})
            arns = calls[call].get("compute_environment_arns")
            wanted = [f"${{module.compute_environment_{n}.arn}}"
                      for n in queue.compute_environments]
            if arns != wanted:
                self.fail("main.tf", f"{call}: compute environments {arns} != {wanted}",
                          f'module "{call}"')
        for job in spec.job_definitions:
            call = f"job_definition_{job.name}"
            self._expect(calls, call, {
                "name": f"{spec.name}-{job.name}", "image": f'${{var.images["{job.name}"]}}',
                "command": job.command, "memory": job.memory, "retry_attempts": job.attempts})
            self._expect_default(tunables, "images", job.name, job.image)
            self._expect(calls, call, {"gpus": job.gpus, "scheduling_priority":
                                       job.scheduling_priority, "nodes": job.nodes})
            body = calls[call]
            if float(body.get("vcpus", "nan")) != job.vcpus:
                self.fail("main.tf", f"{call}: vcpus {body.get('vcpus')} != {job.vcpus}",
                          f'module "{call}"')
            for field in ("environment", "secrets"):
                given = getattr(job, field)
                if value(body.get(field, {})) != given:
                    self.fail("main.tf", f"{call}: {field} does not read back as the spec's",
                              f'module "{call}"')
        if ("backend.tf" in self.files) != (spec.backend is not None):
            self.fail("main.tf", "backend.tf must exist exactly when the spec has a backend")
        provider_tags: dict[str, Any] = {}
        for _, provider in blocks(root, "provider"):
            for default_tags in provider.get("default_tags", []):
                provider_tags = value(default_tags.get("tags", {}))
        if provider_tags != spec.tags:
            self.fail("main.tf", "default_tags do not read back as the spec's tags", "provider")
        self._check_references(calls)

    def _root_variables(self) -> dict[str, dict[str, Any]]:
        variables = {labels[0]: body for labels, body in blocks(self.parsed["variables.tf"],
                                                                "variable")}
        for name, body in variables.items():
            if "description" not in body or "type" not in body:
                self.fail("variables.tf", f"variable {name!r} lacks a description or a type",
                          f'variable "{name}"')
        return variables

    def _expect_default(
        self, defaults: dict[str, Any], variable: str, key: str, wanted: Any
    ) -> None:
        default = defaults.get(variable)
        got = default.get(key) if isinstance(default, dict) else None
        if got != wanted:
            self.fail("variables.tf", f"variable {variable!r}: the default for {key!r} reads "
                      f"back as {got!r}, spec says {wanted!r}", f'variable "{variable}"')

    def _expect(self, calls: dict[str, Any], call: str, wanted: Mapping[str, Any]) -> None:
        body = calls[call]
        for name, expected in wanted.items():
            got = value(body.get(name))
            if got != expected:
                self.fail("main.tf", f"{call}: {name} reads back as {got!r}, spec says "
                          f"{expected!r}", f'module "{call}"')

    def _check_call(self, call: str, module: str, body: dict[str, Any]) -> None:
        source = value(body.get("source"))
        if source != f"./modules/{module}":
            self.fail("main.tf", f"{call}: source {source!r} != './modules/{module}'",
                      f'module "{call}"')
        interface = self.modules[module]
        arguments = {k for k in body if not k.startswith("__") and k != "source"}
        unknown = sorted(arguments - set(interface.variables))
        if unknown:
            self.fail("main.tf", f"{call}: passes {unknown}, which modules/{module} does not "
                      "declare", f'module "{call}"')
        required = {n for n, v in interface.variables.items() if "default" not in v}
        missing = sorted(required - arguments)
        if missing:
            self.fail("main.tf", f"{call}: does not pass required variables {missing}",
                      f'module "{call}"')

    def _check_references(self, calls: dict[str, Any]) -> None:
        """Every `module.X.Y` in the root names a module call and one of its module's outputs."""
        for path in ("main.tf", "outputs.tf"):
            for match in _REFERENCE.finditer(self.files[path]):
                call, attribute = match.groups()
                module = self._module_of(call)
                if call not in calls or module is None:
                    self.fail(path, f"reference to unknown module {call!r}", match.group(0))
                elif attribute not in self.modules[module].outputs:
                    self.fail(path, f"module.{call}.{attribute}: modules/{module} has no output "
                              f"{attribute!r}", match.group(0))

    @staticmethod
    def _module_of(call: str) -> str | None:
        if call == "network":
            return "network"
        for module in ("compute_environment", "job_queue", "job_definition"):
            if call.startswith(module + "_"):
                return module
        return None

    def check_modules(self) -> None:
        self._expect_resource("compute_environment", "aws_batch_compute_environment", "this",
                              self._check_compute_environment)
        self._expect_resource("job_queue", "aws_batch_job_queue", "this", None)
        if self.spec.job_definitions:
            self._expect_resource("job_definition", "aws_batch_job_definition", "this",
                                  self._check_job_definition)

    def _expect_resource(self, module: str, kind: str, name: str, check: Any) -> None:
        path = f"modules/{module}/main.tf"
        found = {labels: body for labels, body in blocks(self.parsed[path], "resource")}
        body = found.get((kind, name))
        if body is None:
            self.fail(path, f"resource {kind}.{name} is missing")
        elif check is not None:
            check(path, body)

    def _check_compute_environment(self, path: str, body: dict[str, Any]) -> None:
        needle = 'resource "aws_batch_compute_environment"'
        lifecycle = body.get("lifecycle", [{}])[0]
        if lifecycle.get("create_before_destroy") is not True:
            self.fail(path, "the compute environment lacks create_before_destroy", needle)
        if "name_prefix" not in body or "name" in body:
            self.fail(path, "the compute environment must use name_prefix", needle)
        # Without service_role AWS Batch uses its service-linked role: no attachment to wait for.
        if "service_role" in body and "${aws_iam_role_policy_attachment.service}" not in body.get(
            "depends_on", []
        ):
            self.fail(path, "the compute environment must depend on the service role's "
                      "policy attachment", needle)
        resources = body.get("compute_resources", [{}])[0]
        if "desired_vcpus" in resources or "tags" in resources:
            self.fail(path, "compute_resources must set neither desired_vcpus nor tags", needle)
        # "$Latest" is read once, when the environment is created: a new version would never
        # reach it. The version must follow the template's latest_version.
        dynamic = [block for entry in resources.get("dynamic", [])
                   for label, block in entry.items() if hcl.unquote(label) == "launch_template"]
        templates = [*resources.get("launch_template", []),
                     *(block.get("content", [{}])[0] for block in dynamic)]
        for template in templates:
            if "latest_version" not in str(template.get("version", "")):
                self.fail(path, "the launch template's version must be its latest_version",
                          "launch_template")
        for labels, launch_template in blocks(self.parsed[path], "resource"):
            if labels[0] == "aws_launch_template":
                metadata = launch_template.get("metadata_options", [{}])[0]
                if "http_tokens" not in metadata:
                    self.fail(path, "the launch template must say how IMDS tokens are used",
                              'resource "aws_launch_template"')

    def _check_job_definition(self, path: str, body: dict[str, Any]) -> None:
        for name in ("container_properties", "node_properties"):
            if name in body and "jsonencode(" not in str(body[name]):
                self.fail(path, f"{name} must be built with jsonencode", name)
        if "container_properties" not in body and "node_properties" not in body:
            self.fail(path, "the job definition has neither container nor node properties",
                      'resource "aws_batch_job_definition"')
