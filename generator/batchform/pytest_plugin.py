"""pytest plugin: lifecycle fixtures and golden plans for Terraform stacks, in users' own tests.

    def test_stack(batchform_stack, plan_inventory):
        stack = batchform_stack("stack")  # a directory, a spec file, a spec mapping, or None
        assert stack.outputs["job_queues"] == {"default": "hello-batch-default"}
        plan_inventory(stack.plan, "tests/plans/stack.yaml")

The stack is copied, initialised, validated, planned, applied and planned again (that plan must
be empty); it is destroyed when the test ends. Options: --batchform-provider offline|aws|auto
(default offline; aws, also spelled registry, creates real resources with your credentials),
--batchform-keep, --batchform-update-plans.

With the offline provider, every stack of a pytest session (of each xdist worker) runs against
one provider process, started when the first stack needs it and stopped when the session ends:
one simulated account, as stacks applied side by side would share one AWS account (names must
not clash), at the cost of one process start per session. That is safe because every stack is
destroyed when its test ends, so the next test starts from an account without it. With
--batchform-keep, stacks outlive their tests, so each gets a process and an account of its own.

It loads in every pytest run of every user who installed batchform, so it imports only pytest
and the standard library here; the harness and the generator are imported when a fixture runs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from batchform.harness import Plan, Terraform
    from batchform.lifecycle import ProviderMode
    from batchform.provider.launcher import ProviderProcess

_KEPT = pytest.StashKey[list[str]]()
# A stack directory, a spec file, a spec mapping, a batchform Spec, or None (the default spec).
StackSource = Any


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command-line options."""
    group = parser.getgroup("batchform", "batchform Terraform lifecycle tests")
    group.addoption(
        "--batchform-provider",
        choices=("offline", "aws", "auto", "registry"),
        default="offline",
        help="hashicorp/aws for stack fixtures: offline (batchform's stand-in, no AWS), aws "
        "(or registry: the real one, creating real resources with your credentials), or auto "
        "(the real one if terraform init can install it, else offline). Default: offline.",
    )
    group.addoption(
        "--batchform-keep",
        action="store_true",
        help="Do not destroy stacks after their tests; keep working copies and state.",
    )
    group.addoption(
        "--batchform-update-plans",
        action="store_true",
        help="Rewrite golden plan inventories from the plans instead of comparing.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker and a place to collect kept working copies."""
    config.addinivalue_line(
        "markers",
        "batchform_stack(source): the stack (directory, spec file or spec mapping) that the "
        "terraform_stack fixture applies",
    )
    config.stash[_KEPT] = []


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say where kept stacks are, with the command that destroys them."""
    kept = config.stash.get(_KEPT, [])
    if kept:
        terminalreporter.section("batchform kept stacks")
        for line in kept:
            terminalreporter.write_line(line)


@dataclass
class AppliedStack:
    """A stack applied for a test: its outputs, the plan that created it, and its terraform."""

    source: Path
    terraform: Terraform
    plan: Plan
    outputs: dict[str, Any]
    provider: str
    provider_note: str

    @property
    def directory(self) -> Path:
        """The private working copy terraform runs in."""
        return self.terraform.workdir

    def replan(self, vars: Mapping[str, Any] | None = None) -> Plan:
        """Plan again against the applied state, e.g. with other variable values."""
        return self.terraform.plan(vars=vars)

    def change(self, source: StackSource, vars: Mapping[str, Any] | None = None) -> Plan:
        """Replace the stack's configuration with `source` (directory, spec file or mapping) and
        plan against the applied state: what an edit of the spec would do."""
        next_dir = self.terraform.root / "next"
        shutil.rmtree(next_dir, ignore_errors=True)
        self.terraform.change_config(stack_directory(source, next_dir))
        return self.replan(vars)

    def apply(self, plan: Plan) -> dict[str, Any]:
        """Apply a plan made by `replan`; return the new outputs."""
        self.terraform.apply(plan)
        self.outputs = self.terraform.output()
        return self.outputs


def stack_directory(source: StackSource, out_dir: Path) -> Path:
    """A stack directory for `source`: a directory as is; a spec file, a spec mapping, a Spec
    or None (the default spec) rendered by batchform into `out_dir`."""
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        return Path(source)
    from batchform.generate import render_stack
    from batchform.specfile import load_spec, parse_spec

    if source is None or isinstance(source, (str, Path)):
        spec = load_spec(Path(source) if source is not None else None)
    elif isinstance(source, Mapping):
        # Through the spec parser (JSON is YAML), so problems name the field like a spec file.
        spec = parse_spec(json.dumps(source), source="<spec mapping>", suffix=".yaml")
    else:
        spec = source
    for name, text in render_stack(spec).items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return out_dir


class SessionProvider:
    """The offline provider process shared by a session's stacks, started on first use."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.process: ProviderProcess | None = None

    def get(self) -> ProviderProcess:
        """The running process (started now if need be)."""
        from batchform.provider.launcher import ProviderProcess

        if self.process is None or not self.process.running():
            root = self.tmp_path_factory.mktemp("batchform-provider")
            self.process = ProviderProcess.start(data_dir=root / "data", log=root / "provider.log")
        return self.process

    def stop(self) -> None:
        """Stop the process, if one was started."""
        if self.process is not None:
            self.process.stop()
            self.process = None


class StackFactory:
    """Applies stacks for one test and destroys them all when the test ends."""

    def __init__(
        self,
        config: pytest.Config,
        tmp_path_factory: pytest.TempPathFactory,
        shared: SessionProvider | None = None,
    ) -> None:
        self.provider: ProviderMode = config.getoption("batchform_provider")
        self.keep = bool(config.getoption("batchform_keep"))
        self.kept = config.stash[_KEPT]
        self.tmp_path_factory = tmp_path_factory
        self.shared = None if self.keep else shared
        self.stacks: list[AppliedStack] = []

    def __call__(
        self,
        source: StackSource = None,
        *,
        vars: Mapping[str, Any] | None = None,
        provider: ProviderMode | None = None,
        idempotent: bool = True,
    ) -> AppliedStack:
        """Init, validate, plan and apply `source`; check a second plan is empty."""
        from batchform.harness import Terraform
        from batchform.lifecycle import init_provider, provider_mode, registry_provider_unavailable

        mode = provider_mode(provider or self.provider)
        if mode == "aws":
            reason = registry_provider_unavailable()
            if reason:
                pytest.skip(f"real hashicorp/aws provider cannot be installed: {reason}")
        directory = stack_directory(source, self.tmp_path_factory.mktemp("batchform-stack"))
        tf = Terraform(directory)
        try:
            used, note = init_provider(tf, mode, shared=self.shared.get if self.shared else None)
            tf.validate()
            plan = tf.plan(vars=vars)
        except BaseException:
            tf.close()
            raise
        stack = AppliedStack(directory, tf, plan, {}, used, note)
        self.stacks.append(stack)
        tf.apply(plan)
        if idempotent:
            tf.check_idempotent()
        stack.outputs = tf.output()
        return stack

    def finish(self) -> None:
        """Destroy every stack (unless kept); a failed destroy keeps its state and is raised."""
        errors = []
        for stack in reversed(self.stacks):
            tf = stack.terraform
            if self.keep:
                self.kept.append(f"{tf.workdir}: destroy with `{tf.destroy_command()}`")
                tf.close(keep=True)  # stops its provider process; the copy stays
                continue
            try:
                tf.destroy()
            except Exception as error:  # noqa: BLE001 - every stack gets its destroy attempt
                errors.append(error)
                self.kept.append(str(error).splitlines()[-1])
            finally:
                tf.close()
        if errors:
            raise errors[0]


@pytest.fixture(scope="session")
def batchform_offline_provider(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SessionProvider]:
    """The offline provider process of this session (see the module's docstring)."""
    shared = SessionProvider(tmp_path_factory)
    yield shared
    shared.stop()


@pytest.fixture
def batchform_stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    batchform_offline_provider: SessionProvider,
) -> Iterator[StackFactory]:
    """Factory: `batchform_stack(dir_or_spec)` applies a stack and destroys it after the test."""
    factory = StackFactory(request.config, tmp_path_factory, batchform_offline_provider)
    yield factory
    factory.finish()


@pytest.fixture
def terraform_stack(request: pytest.FixtureRequest, batchform_stack: StackFactory) -> AppliedStack:
    """The stack named by `@pytest.mark.batchform_stack(source)` (else the default spec),
    applied for the test and destroyed after it."""
    marker = request.node.get_closest_marker("batchform_stack")
    source = marker.args[0] if marker and marker.args else None
    kwargs = dict(marker.kwargs) if marker else {}
    return batchform_stack(source, **kwargs)


def assert_plan_inventory(plan: Plan, path: str | Path, *, update: bool = False) -> None:
    """Compare the plan's {address: action} with the inventory at `path` (YAML or JSON), both
    ways; with `update`, (re)write the inventory instead."""
    from batchform.inventory import inventory_diff, load_inventory, write_inventory

    path = Path(path)
    actual = plan.actions()
    if update:
        write_inventory(path, actual)
        return
    if not path.is_file():
        pytest.fail(f"{path}: no inventory; create it with --batchform-update-plans", pytrace=False)
    diff = inventory_diff(load_inventory(path), actual, str(path))
    if diff:
        pytest.fail(
            f"plan differs from {path}:\n{diff}\n"
            "If the change is intended, refresh it with: pytest --batchform-update-plans",
            pytrace=False,
        )


@pytest.fixture
def plan_inventory(request: pytest.FixtureRequest) -> Callable[[Plan, str | Path], None]:
    """`plan_inventory(plan, path)`: the golden-plan check, honouring --batchform-update-plans."""
    update = bool(request.config.getoption("batchform_update_plans"))

    def check(plan: Plan, path: str | Path) -> None:
        assert_plan_inventory(plan, path, update=update)

    return check
