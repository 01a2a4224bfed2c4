"""The `batchform` command line: a thin typer layer over the library functions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from batchform import __version__
from batchform.errors import BatchformError

app = typer.Typer(
    name="batchform",
    help="Generate, lint and test Terraform for AWS Batch without the known traps.",
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


@app.command()
def init(
    path: Annotated[
        Path,
        typer.Argument(help="Where to write the starter spec.", dir_okay=False, metavar="PATH"),
    ] = Path("batchform.toml"),
    *,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter spec to edit, then run `batchform generate` on it."""
    from batchform.specfile import write_starter_spec

    write_starter_spec(path, force=force)
    typer.echo(f"wrote {path}; edit it, then run: batchform generate {path} --out stack")


@app.command()
def generate(
    spec: Annotated[
        Path | None,
        typer.Argument(
            help="Spec file (TOML or YAML). Without one, the built-in default stack is used.",
            dir_okay=False,
            metavar="SPEC",
        ),
    ] = None,
    *,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="Directory to write the stack into."),
    ] = Path("stack"),
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite generated files even if they were edited."),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 with a diff if DIR differs from what the spec generates.",
        ),
    ] = False,
) -> None:
    """Render a root module and four modules (network, compute environment, job queue,
    job definition) for the spec into DIR."""
    from batchform.generate import check_stack, generate_stack

    if check:
        check_stack(spec, out)
        typer.echo(f"{out}: up to date")
        return
    result = generate_stack(spec, out, force=force)
    typer.echo(result.summary())


@app.command()
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
    from contextlib import nullcontext

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


@app.command()
def lint(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Terraform directories or .tf files; every .tf below a directory is read "
            "(a module, a root, or a repository of them).",
            show_default=False,
            metavar="PATH",
        ),
    ],
    *,
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
) -> None:
    """Find AWS Batch traps in Terraform: jobs stuck in RUNNABLE, compute environments that
    cannot be replaced, job definitions that re-register every apply, schema mistakes.

    Exit 1 when an error-severity finding is reported, 0 otherwise, 2 on usage errors or files
    that cannot be parsed. Silence one finding with `# batchform:ignore CODE reason` on or above
    the block. `batchform explain CODE` tells what a rule checks and how to fix it."""
    from batchform.lint import lint_paths

    result = lint_paths(paths, select, ignore, output_format=output_format, use_cache=not no_cache)
    typer.echo(result.rendered)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command()
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


def main() -> None:
    """Console-script entry point: run the app, turning batchform errors into exit codes."""
    try:
        app()
    except BatchformError as error:
        print(f"batchform: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
