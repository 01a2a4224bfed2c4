"""The `batchform` command line: a thin typer layer over the library functions."""

from __future__ import annotations

import os
import re
import shlex
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from batchform import __version__
from batchform.errors import BatchformError, DriftError, UsageError

# Exit code of an error that is batchform's own fault (EX_SOFTWARE).
INTERNAL_ERROR = 70


class _HelpLayout:
    """Help pages the way batchform writes them: arguments by their metavar alone (`SPEC`,
    `PATH...`), the full first paragraph of each command, and examples verbatim at the end."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []  # type: ignore[attr-defined]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        if isinstance(self, TyperGroup):
            pieces.append(self.subcommand_metavar)
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                sections["Arguments"].append((_argument_name(param), record[1]))
            else:
                sections["Options"].append(record)
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        if isinstance(self, TyperGroup):
            commands = [(name, self.commands[name]) for name in self.list_commands(ctx)]
            rows = [(name, _first_paragraph(command.help or "")) for name, command in commands
                    if not command.hidden]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        epilog = self.epilog  # type: ignore[attr-defined]
        if epilog:
            with formatter.section("Examples"):
                for line in epilog.strip().splitlines():
                    formatter.write(" " * formatter.current_indent + line.strip() + "\n")


class Command(_HelpLayout, TyperCommand):
    """A batchform command."""


class LintCommand(Command):
    """`batchform lint`: remembers the order of --var-file and --var, which click does not keep
    across two options, because later values win as in terraform."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[_VARIABLE_ORDER] = _variable_order(args)
        return super().parse_args(ctx, args)


_VARIABLE_ORDER = "batchform.variable_order"


def _variable_order(args: list[str]) -> list[tuple[str, str]]:
    """(`--var-file` or `--var`, its value) for each occurrence, in command-line order."""
    found: list[tuple[str, str]] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        for option in ("--var-file", "--var"):
            if token == option:
                value = next(tokens, None)
                if value is not None:
                    found.append((option, value))
                break
            if token.startswith(option + "="):
                found.append((option, token[len(option) + 1 :]))
                break
    return found


class Group(_HelpLayout, TyperGroup):
    """The `batchform` command and its subcommands."""


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    return name if param.nargs == 1 else f"{name}..."


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


app = typer.Typer(
    name="batchform",
    cls=Group,
    help="Generate, lint and test Terraform for AWS Batch without the known traps.",
    epilog="""
        batchform init batchform.toml
        batchform generate batchform.toml --out stack
        batchform lint stack
        batchform test stack
    """,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"batchform {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Generate, lint and test Terraform for AWS Batch without the known traps."""


@app.command(
    cls=Command,
    epilog="""
        batchform init
        batchform init spec.yaml
    """,
)
def init(
    path: Annotated[
        Path,
        typer.Argument(
            help="Where to write the starter spec: a .toml, .yaml or .yml file, written in "
            "that format.",
            metavar="PATH",
        ),
    ] = Path("batchform.toml"),
    *,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter spec (TOML or YAML, as the file name says) to edit, then
    run `batchform generate` on it."""
    from batchform.specfile import write_starter_spec

    write_starter_spec(path, force=force)
    typer.echo(
        f"wrote {path}; edit it, then run: batchform generate {shlex.quote(str(path))} --out stack"
    )


# The spec a command reads (generate, graph).
SpecArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Spec file (TOML or YAML). Without one, the built-in default stack is used.",
        metavar="SPEC",
    ),
]


@app.command(
    cls=Command,
    epilog="""
        batchform generate batchform.toml --out stack
        batchform generate batchform.toml --out stack --check
    """,
)
def generate(
    spec: SpecArgument = None,
    *,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="Directory to write the stack into."),
    ] = Path("stack"),
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite generated files even if they were edited, and write into a "
            "non-empty directory batchform has not written before.",
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; print a diff and exit 1 if DIR differs from what the spec "
            "generates.",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Parse the generated files back afresh. The cache lives in "
            "$BATCHFORM_CACHE_DIR, else $XDG_CACHE_HOME/batchform or ~/.cache/batchform.",
        ),
    ] = False,
) -> None:
    """Render a root module and four modules (network, compute environment, job queue, job
    definition) for the spec into DIR.

    Files batchform did not write are never touched, nor are Terraform override files
    (override.tf, *_override.tf): keep hand changes there. Exit 3 when a generated file was
    edited by hand (--force overwrites it); with --check, exit 1 when DIR differs."""
    from batchform.cache import default_cache_dir
    from batchform.generate import check_stack, generate_stack

    cache_dir = None if no_cache else default_cache_dir()
    if check:
        try:
            with _parse_progress():
                warnings = check_stack(spec, out, cache_dir=cache_dir)
        except DriftError as drift:
            typer.echo(drift.diff, nl=False)
            raise
        _warn(warnings)
        typer.echo(f"{out}: up to date")
        return
    with _parse_progress():
        result = generate_stack(spec, out, force=force, cache_dir=cache_dir)
    _warn(result.warnings)
    typer.echo(result.summary())


@app.command(
    cls=Command,
    epilog="""
        batchform graph batchform.toml
        batchform graph batchform.toml > stack.mmd
    """,
)
def graph(
    spec: SpecArgument = None,
) -> None:
    """Print the diagram the generated README opens with: job definitions, the queues they go
    to, the compute environments each queue tries in order, and the network. Writes nothing.

    The diagram is Mermaid flowchart text, without the Markdown fence: GitHub and GitLab draw
    it inside a ```mermaid block, and mermaid-cli renders it to SVG or PNG."""
    from batchform.diagram import spec_diagram
    from batchform.specfile import read_spec

    read = read_spec(spec)
    _warn(read.warning_lines())
    typer.echo(spec_diagram(read.spec), nl=False)


def _parse_progress(output_format: str = "text") -> AbstractContextManager[None]:
    """A progress bar on stderr while a large parse runs: only when a person watches (stdout
    and stderr on a terminal) a text report."""
    if output_format != "text" or not (sys.stdout.isatty() and sys.stderr.isatty()):
        return nullcontext()
    from batchform.progress import parse_progress

    return parse_progress(sys.stderr)


def _warn(warnings: list[str]) -> None:
    """Warnings on the spec and the generated stack: on stderr, and the run goes on."""
    for warning in warnings:
        typer.echo(f"batchform: warning: {warning}", err=True)


@app.command(
    cls=Command,
    epilog="""
        batchform test stack
        batchform test stack --format json
    """,
)
def test(
    stack: Annotated[
        Path,
        typer.Argument(
            help="Stack directory to run through the lifecycle.", file_okay=False, metavar="DIR"
        ),
    ],
    *,
    provider: Annotated[
        str,
        typer.Option(
            "--provider",
            metavar="MODE",
            help="offline: batchform's stand-in for hashicorp/aws, no AWS account touched; "
            "aws (or registry): the real hashicorp/aws, which creates real resources after you "
            "confirm the account and region; auto: the real one if terraform init can install "
            "it, else offline.",
        ),
    ] = "offline",
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", help="With the real provider, create resources without asking first."
        ),
    ] = False,
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Skip destroy and keep the working copy with its state."),
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="Report format: text or json.")
    ] = "text",
) -> None:
    """Run DIR through fmt check, init, validate, plan, apply, a second plan that must be
    empty, output and destroy, on a private copy; exit non-zero at the first failing step.
    Ctrl-C stops terraform gracefully and still destroys; a second Ctrl-C keeps the copy."""
    from batchform.errors import (
        ApplyNotConfirmedError,
        InterruptedRunError,
        LifecycleError,
        UsageError,
    )
    from batchform.identity import AwsTarget
    from batchform.interrupts import Interrupts
    from batchform.lifecycle import provider_mode, run_lifecycle
    from batchform.progress import StepPrinter

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format!r}: expected text or json")
    mode = provider_mode(provider)
    interactive = sys.stdin.isatty()
    if mode == "aws" and not yes and not interactive:
        raise ApplyNotConfirmedError(
            f"--provider {provider} creates real, billable AWS resources: pass --yes, or run on "
            "a terminal to confirm the account and region before apply (nothing was run)"
        )
    printer = StepPrinter(sys.stdout) if output_format == "text" else None
    if printer is not None:
        printer.write_line(f"{stack}: lifecycle on a private copy, provider {mode}")

    interrupts = Interrupts()

    def ask(target: AwsTarget) -> bool:
        question = f"Create these resources in AWS account {target.account}, {target.region}?"
        with printer.paused() if printer is not None else nullcontext(), interrupts.suspended():
            try:
                return typer.confirm(question, default=False, err=True)
            except (typer.Abort, EOFError):  # Ctrl-C or end of input: no
                return False

    confirm = (lambda target: True) if yes else (ask if interactive else None)
    with interrupts.installed():
        report = run_lifecycle(
            stack, mode, keep, progress=printer, confirm=confirm, interrupts=interrupts
        )
    if printer is not None:
        typer.echo(report.render_tail(shown=printer.shown))
    else:
        import json

        typer.echo(json.dumps(report.to_dict(), indent=2))
    if report.interrupted:
        raise InterruptedRunError(
            f"{stack}: interrupted by {report.interrupted}", interrupts.exit_code
        )
    failed = report.failed
    if failed is not None:
        raise LifecycleError(f"{stack}: failed at {failed.name}")


@app.command(
    cls=LintCommand,
    epilog="""
        batchform lint stack
        batchform lint infra --format sarif > batchform.sarif
        batchform lint . --select BF005,BF012
        batchform lint envs/dev --var-file envs/dev/dev.tfvars --var image_tag=1.4.2
        terraform plan -out tfplan && terraform show -json tfplan > plan.json
        batchform lint --plan plan.json
    """,
)
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Terraform directories or .tf files; every .tf below a directory is read "
            "(a module, a root, or a repository of them).",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    *,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="PLAN_JSON",
            help="Lint a saved plan instead of source: the JSON of `terraform show -json "
            "PLANFILE`, with every module resolved (registry ones too); findings name the "
            "module's source path and the resource address.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="Output: text, json or sarif (SARIF 2.1.0)."
        ),
    ] = "text",
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            metavar="CODES",
            help="Only these rule codes, comma-separated (BF001,BF005).",
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option("--ignore", metavar="CODES", help="Skip these rule codes, comma-separated."),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Parse every file afresh. The cache lives in $BATCHFORM_CACHE_DIR, else "
            "$XDG_CACHE_HOME/batchform or ~/.cache/batchform.",
        ),
    ] = False,
    var_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--var-file",
            metavar="FILE",
            help="Variable values from a .tfvars or .tfvars.json file, for every root module, as "
            "terraform -var-file takes them (repeatable; after terraform.tfvars and "
            "*.auto.tfvars, later values winning).",
            show_default=False,
        ),
    ] = None,
    var_values: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            metavar="NAME=VALUE",
            help="One variable value, as terraform -var takes it (repeatable; in command-line "
            "order with --var-file).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also name the files passed over (FIFOs, sockets) and say how root modules "
            "were judged (an older AWS provider major).",
        ),
    ] = False,
) -> None:
    """Find AWS Batch traps in Terraform: jobs stuck in RUNNABLE, compute environments that
    cannot be replaced, job definitions that register a new revision on every apply, schema
    mistakes.

    With --plan, the JSON of a saved plan is linted instead, every value Terraform resolved.

    Exit 1 when an error-severity finding is reported (a file that cannot be parsed is one, BF000),
    0 otherwise, 2 on usage errors. Silence one finding with `# batchform:ignore CODE reason` on or above
    the block. `batchform explain CODE` tells what a rule checks and how to fix it."""
    from batchform.cache import open_cache
    from batchform.lint import lint_paths, lint_plan
    from batchform.lint.report import check_format, render

    check_format(output_format)
    if not paths and plan is None:
        from typer._click.exceptions import UsageError as MissingPaths

        raise MissingPaths("missing argument 'PATH' (or --plan PLAN_JSON)", ctx)
    variables = _variables(ctx, var_files or [], var_values or [])
    if plan is not None:
        if paths or variables:
            raise UsageError(
                "--plan lints the plan alone: give no PATH, --var or --var-file with it (the "
                "plan has the variable values it was made with)"
            )
        result = lint_plan(plan, select, ignore)
    else:
        with _parse_progress(output_format):
            result = lint_paths(
                paths or [], select, ignore, cache=None if no_cache else open_cache(),
                variables=variables,
            )
    for note in result.unreadable + (result.skipped + result.notes if verbose else []):
        print(f"batchform: {note}", file=sys.stderr)
    typer.echo(render(result, output_format))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _variables(ctx: typer.Context, var_files: list[Path], var_values: list[str]) -> list[Any]:
    """--var-file and --var values in the order they were given."""
    from batchform.lint.variables import VarFile, parse_assignment

    order: list[tuple[str, str]] = ctx.meta.get(_VARIABLE_ORDER, [])
    written = sorted(value for option, value in order if option == "--var-file")
    assigned = sorted(value for option, value in order if option == "--var")
    if written != sorted(str(path) for path in var_files) or assigned != sorted(var_values):
        # Not what the parser saw (an unusual spelling): files first, then values.
        order = [("--var-file", str(path)) for path in var_files]
        order += [("--var", value) for value in var_values]
    return [
        VarFile(Path(value)) if option == "--var-file" else parse_assignment(value)
        for option, value in order
    ]


@app.command(
    cls=Command,
    epilog="""
        batchform doctor --queue hello-batch-default
        batchform doctor --job 4db07bcd-aefb-4476-9b15-f6c50b241b17 --region eu-west-1
        batchform doctor --profile prod --format sarif > doctor.sarif
        batchform doctor --endpoint-url http://127.0.0.1:5000 --region us-east-1 --queue q
    """,
)
def doctor(
    *,
    job: Annotated[
        str | None, typer.Option("--job", metavar="ID", help="The job to explain (its id).")
    ] = None,
    queue: Annotated[
        str | None,
        typer.Option(
            "--queue",
            metavar="NAME",
            help="The job queue to explain (name or ARN). Without --job or --queue: every "
            "queue with RUNNABLE jobs.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", metavar="REGION", help="AWS region (else AWS_REGION or the profile's)."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", metavar="NAME", help="AWS profile (else the default credentials chain)."),
    ] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option(
            "--endpoint-url", metavar="URL", help="Send every request to this endpoint (an emulator)."
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="Output: text, json or sarif (SARIF 2.1.0)."),
    ] = "text",
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            metavar="MINUTES",
            help="How long AWS gets to scale for a job or register an instance before doctor "
            "calls it stuck.",
        ),
    ] = 10.0,
) -> None:
    """Ask AWS why jobs stay RUNNABLE: walk the job, its queue, the compute environments, their
    ECS cluster and instances, the roles and the network, with read-only requests only, and
    report the causes with the lint rules' codes.

    Exit 1 when it finds a cause, 0 when the chain is healthy (for instance when the job is
    waiting for capacity), 2 for bad usage, missing credentials or a permission AWS denied
    (naming the IAM action). `batchform explain CODE` tells more about a finding."""
    from datetime import timedelta

    from batchform.doctor import diagnose
    from batchform.errors import UsageError

    if not 0 <= grace <= 7 * 24 * 60:  # also refuses nan
        raise UsageError(f"--grace {grace:g}: expected minutes from 0 to a week (10080)")
    result = diagnose(
        job_id=job,
        queue=queue,
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
        output_format=output_format,
        grace=timedelta(minutes=grace),
    )
    typer.echo(result.rendered)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command(
    cls=Command,
    epilog="""
        batchform explain BF005
        batchform explain
    """,
)
def explain(
    code: Annotated[
        str | None,
        typer.Argument(
            help="A rule code such as BF001; without one, every rule is listed.", metavar="CODE"
        ),
    ] = None,
) -> None:
    """Explain a lint rule: what it catches, why it breaks AWS Batch, how to fix it."""
    from batchform.lint import explain as explain_rule

    typer.echo(explain_rule(code))


# --------------------------------------------------------------------------------------------
# Entry point: one shape for every error
# --------------------------------------------------------------------------------------------


def main() -> None:
    """Run the command line on sys.argv; every error is one `batchform: ...` message on stderr
    and the exit code of its class (2 for usage errors, typer's own included). The console
    script starts in `batchform.__main__`, which answers the top-level help without typer."""
    sys.exit(run(sys.argv[1:]))


def top_level_help() -> str:
    """`batchform --help` as typer renders it on a terminal of 80 columns or more."""
    import contextlib
    import io

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            run(["--help"])
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return output.getvalue()


def run(args: list[str]) -> int:
    """Run the command line with args; the exit code."""
    # typer carries its own copy of click; these are the errors click raises while parsing.
    from typer._click import exceptions as click

    try:
        code = app(args=args, prog_name="batchform", standalone_mode=False)
    except BatchformError as error:
        _say(str(error))
        return error.exit_code
    except click.NoArgsIsHelpError as error:
        print(error.format_message(), file=sys.stderr)
        return 2
    except click.UsageError as error:
        _say(_usage_message(error, args))
        return 2
    except click.ClickException as error:
        _say(error.format_message())
        return error.exit_code
    except typer.Abort:
        _say("aborted")
        return 1
    except Exception as error:  # a bug: one line to report, the traceback on request
        _say(f"internal error: {type(error).__name__}: {error}\nThis is a bug in batchform; "
             "please report it with the command you ran (BATCHFORM_TRACEBACK=1 shows where).")
        if os.environ.get("BATCHFORM_TRACEBACK"):
            raise
        return INTERNAL_ERROR
    return code if isinstance(code, int) else 0


def _say(message: str) -> None:
    print(f"batchform: {message}", file=sys.stderr)


# click's own wording for paths of the wrong kind, said the way batchform says it.
_PATH_MESSAGES = (
    (re.compile(r"^(?:file|directory|dir|path) '(.*)' is a directory\.?$", re.S),
     r"\1: is a directory, not a file"),
    (re.compile(r"^(?:file|directory|dir|path) '(.*)' is a file\.?$", re.S),
     r"\1: is a file, not a directory"),
    (re.compile(r"^(?:file|directory|dir|path) '(.*)' does not exist\.?$", re.S),
     r"\1: no such file or directory"),
)


def _usage_message(error: Any, args: list[str]) -> str:
    """A click usage error as one batchform line: what is wrong, and where the help is."""
    from typer._click import exceptions as click

    message = str(error.format_message())
    if isinstance(error, click.BadParameter) and not isinstance(error, click.MissingParameter):
        for pattern, replacement in _PATH_MESSAGES:
            if pattern.match(error.message):
                message = pattern.sub(replacement, error.message)
                break
    message = message.rstrip(".")
    message = message[:1].lower() + message[1:]
    context = getattr(error, "ctx", None)
    if context is not None:
        command = context.command_path
    else:  # raised while parsing, before click made a context: the command is the first word
        names = {info.name or getattr(info.callback, "__name__", "") for info in
                 app.registered_commands}
        command = f"batchform {args[0]}" if args and args[0] in names else "batchform"
    return f"{message}; see `{command} -h`"
