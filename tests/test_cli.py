"""The command line: argument handling through CliRunner, exit codes through real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchform import __version__
from batchform.cli import app

runner = CliRunner()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args],
        capture_output=True, text=True, cwd=cwd, check=False,
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"batchform {__version__}"


@pytest.mark.parametrize("args", [["-h"], ["generate", "-h"], ["init", "--help"]])
def test_help_everywhere(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_generate_default_stack(tmp_path: Path) -> None:
    result = run("generate", "--out", "stack", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "26 written" in result.stdout
    assert (tmp_path / "stack/main.tf").is_file()
    assert (tmp_path / "stack/modules/job_definition/README.md").is_file()
    again = run("generate", "--out", "stack", cwd=tmp_path)
    assert again.returncode == 0 and "0 written, 26 unchanged" in again.stdout


def test_generate_warns_on_stderr_and_succeeds(tmp_path: Path) -> None:
    text = (tmp_path / "spec.toml")
    text.write_text(
        'name = "w"\n[[compute_environments]]\nname = "ce"\nimage_id = "ami-0123456789abcdef0"\n'
        '[[job_queues]]\nname = "q"\ncompute_environments = ["ce"]\n'
    )
    result = run("generate", "spec.toml", "--out", "stack", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(
        'batchform: warning: spec.toml:4: compute_environments "ce": image_id: an AMI of your '
        "own must run the Amazon ECS container agent"
    )
    assert "written" in result.stdout and "warning" not in result.stdout


def test_init_then_generate(tmp_path: Path) -> None:
    assert run("init", "my.toml", cwd=tmp_path).returncode == 0
    result = run("generate", "my.toml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    refused = run("init", "my.toml", cwd=tmp_path)
    assert refused.returncode == 2 and "--force" in refused.stderr


def test_bad_spec_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('name = "Bad Name"\n')
    result = run("generate", "bad.toml", "--out", "stack", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("batchform: bad.toml:1: name:")
    assert not (tmp_path / "stack").exists()


def test_check_reports_drift(tmp_path: Path) -> None:
    assert run("generate", "--out", "stack", cwd=tmp_path).returncode == 0
    assert run("generate", "--check", "--out", "stack", cwd=tmp_path).returncode == 0
    main = tmp_path / "stack/main.tf"
    main.write_text(main.read_text().replace("min_vcpus           = 0", "min_vcpus = 8"))
    drift = run("generate", "--check", "--out", "stack", cwd=tmp_path)
    assert drift.returncode == 1
    # The diff alone on stdout (it can be piped to a patch tool), one line on stderr.
    assert drift.stdout.startswith("--- a/main.tf\n+++ b/main.tf\n")
    assert "+  min_vcpus           = 0" in drift.stdout
    assert drift.stderr.count("\n") == 1 and drift.stderr.startswith("batchform: stack: 1 file")


# --- one shape for every usage error ---------------------------------------------------------


@pytest.mark.parametrize(
    "args,words,help_of",
    [
        (["generate", "--bogus"], "no such option: --bogus (Possible options: --out)",
         "batchform generate"),
        (["generate", "--out"], "option '--out' requires an argument", "batchform generate"),
        (["lint"], "missing argument 'PATH' (or --plan PLAN_JSON)", "batchform lint"),
        (["lint", "-f"], "option '-f' requires an argument", "batchform lint"),
        (["frob"], "no such command 'frob'", "batchform"),
        (["--bogus"], "no such option: --bogus", "batchform"),
        (["init", "a.toml", "b.toml"], "got unexpected extra argument(s) (b.toml)",
         "batchform init"),
        (["test", "spec.toml"], "spec.toml: is a file, not a directory", "batchform test"),
    ],
)
def test_usage_errors_look_like_every_other_error(
    tmp_path: Path, args: list[str], words: str, help_of: str
) -> None:
    (tmp_path / "spec.toml").write_text("")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"batchform: {words}; see `{help_of} -h`\n"


def test_a_bug_is_one_line_and_exit_70(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import batchform.generate

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(batchform.generate, "generate_stack", broken)
    monkeypatch.chdir(tmp_path)
    from batchform.cli import run as run_cli

    assert run_cli(["generate"]) == 70
    stderr = capsys.readouterr().err
    assert stderr.startswith("batchform: internal error: ZeroDivisionError: planted\n")
    assert "This is a bug in batchform" in stderr and "Traceback" not in stderr


# --- help: readable, complete, with examples -------------------------------------------------

COMMANDS = ["init", "generate", "lint", "explain", "test"]


def help_text(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "batchform", *args, "-h"],
                            capture_output=True, text=True, check=False, timeout=60,
                            env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "command,usage,argument",
    [
        ("init", "batchform init [OPTIONS] [PATH]", "  PATH  "),
        ("generate", "batchform generate [OPTIONS] [SPEC]", "  SPEC  "),
        ("lint", "batchform lint [OPTIONS] [PATH...]", "  PATH...  "),
        ("explain", "batchform explain [OPTIONS] [CODE]", "  CODE  "),
        ("test", "batchform test [OPTIONS] DIR", "  DIR  "),
    ],
)
def test_help_names_arguments_plainly(command: str, usage: str, argument: str) -> None:
    text = help_text(command)
    assert text.startswith(f"Usage: {usage}\n")
    assert f"\n{argument}" in text
    for noise in ("<", "{", "list[", "python -m"):
        assert noise not in text, f"{noise!r} in the help of {command}:\n{text}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_an_example(command: str) -> None:
    text = help_text(command)
    examples = text.split("\nExamples:\n", 1)[1]
    assert examples.splitlines()[0].startswith(f"  batchform {command}")


def test_generate_help_shows_the_first_example() -> None:
    assert "\nExamples:\n  batchform generate batchform.toml --out stack\n" in help_text("generate")


def test_top_level_help_lists_every_command_in_full() -> None:
    from batchform.cli import app

    text = help_text()
    listing = text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    assert "..." not in listing
    flat = " ".join(listing.split())
    for info in app.registered_commands:
        assert info.callback is not None and info.callback.__doc__ is not None
        first = " ".join(info.callback.__doc__.split("\n\n")[0].split())
        assert first in flat, f"{info.name or info.callback.__name__}: {first!r}"


# --- startup: the top-level help without importing typer --------------------------------------

NO_TYPER_PROBE = """
import sys
sys.argv = ["batchform", *sys.argv[1:]]
import batchform.__main__ as entry
try:
    entry.main()
finally:
    print("typer imported" if "typer" in sys.modules else "typer not imported", file=sys.stderr)
"""


def test_the_stored_top_level_help_is_what_typer_renders(update_golden: bool) -> None:
    from batchform import __main__ as entry
    from batchform.cli import top_level_help

    expected = entry.help_header(Path(entry.CLI_SOURCE).read_bytes()) + "\n" + top_level_help()
    if update_golden:
        Path(entry.HELP_FILE).write_text(expected, encoding="utf-8")
    assert Path(entry.HELP_FILE).read_text(encoding="utf-8") == expected, (
        "the stored top-level help is stale: refresh it with "
        "`pytest tests/test_cli.py --update-golden`"
    )


@pytest.mark.parametrize("args,code,stream", [(["--help"], 0, "stdout"), (["-h"], 0, "stdout"),
                                              ([], 2, "stderr"), (["--version"], 0, "stdout")])
def test_top_level_help_and_version_start_without_typer(
    args: list[str], code: int, stream: str
) -> None:
    from batchform.cli import top_level_help

    fast = subprocess.run([sys.executable, "-c", NO_TYPER_PROBE, *args], capture_output=True,
                          text=True, check=False, timeout=60, env={**os.environ, "COLUMNS": "100"})
    assert fast.returncode == code
    assert fast.stderr.endswith("typer not imported\n"), fast.stderr
    output = fast.stdout if stream == "stdout" else fast.stderr.removesuffix("typer not imported\n")
    assert output == (f"batchform {__version__}\n" if args == ["--version"] else top_level_help())


def test_a_narrow_terminal_gets_typers_own_wrapping() -> None:
    narrow = subprocess.run([sys.executable, "-c", NO_TYPER_PROBE, "--help"], capture_output=True,
                            text=True, check=False, timeout=60, env={**os.environ, "COLUMNS": "60"})
    assert narrow.returncode == 0
    assert narrow.stderr == "typer imported\n"
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 58


def test_help_stored_for_another_cli_is_not_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from batchform import __main__ as entry

    assert entry.stored_help() is not None
    edited = tmp_path / "cli.py"
    edited.write_bytes(Path(entry.CLI_SOURCE).read_bytes() + b"# edited\n")
    monkeypatch.setattr(entry, "CLI_SOURCE", str(edited))
    assert entry.stored_help() is None
