"""Regenerating over a tree: hand edits survive, foreign files are untouched, writes are atomic."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchform import cli, generate, stackdir
from batchform.errors import EditedFilesError, RoundTripError, StackWriteError
from batchform.generate import MANIFEST, generate_stack, write_stack
from batchform.specfile import starter_spec_text

SPEC_A = starter_spec_text()
SPEC_B = SPEC_A.replace("max_vcpus = 64", "max_vcpus = 128").replace(
    'command = ["echo", "hello world"]', 'command = ["echo", "hello again"]'
)
EDITED = "modules/network/main.tf"


def run_main(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Run the console-script entry point in-process: exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["batchform", *args])
    with CliRunner().isolation() as (out, err, _):
        try:
            cli.main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def specs(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "a.toml"
    b = tmp_path / "b.toml"
    a.write_text(SPEC_A)
    b.write_text(SPEC_B)
    assert SPEC_A != SPEC_B
    return a, b


@pytest.fixture
def stack(tmp_path: Path, specs: tuple[Path, Path]) -> Path:
    out = tmp_path / "stack"
    generate_stack(specs[0], out)
    return out


def test_first_run_writes_every_file_and_a_manifest(stack: Path) -> None:
    manifest = json.loads((stack / MANIFEST).read_text())
    files = snapshot(stack)
    assert set(manifest["files"]) == set(files) - {MANIFEST}
    assert {"main.tf", "versions.tf", "outputs.tf", "README.md", EDITED} <= set(files)
    assert len(manifest["spec_sha256"]) == 64
    assert "pending" not in manifest


def test_rerun_with_the_same_spec_writes_nothing(stack: Path, specs: tuple[Path, Path]) -> None:
    before = {path.as_posix(): path.stat().st_mtime_ns for path in stack.rglob("*")}
    result = generate_stack(specs[0], stack)
    assert result.written == [] and result.removed == []
    assert len(result.unchanged) == len(snapshot(stack)) - 1
    assert {path.as_posix(): path.stat().st_mtime_ns for path in stack.rglob("*")} == before


def test_edited_file_refuses_with_exit_3_and_writes_nothing(
    stack: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = stack / EDITED
    edited.write_text(edited.read_text() + "# reviewed by ops\n")
    before = snapshot(stack)
    code, _, stderr = run_main(["generate", str(specs[1]), "--out", str(stack)], monkeypatch)
    assert code == 3
    assert EDITED in stderr
    assert "--force" in stderr
    assert snapshot(stack) == before


def test_force_overwrites_the_edited_file(
    stack: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = stack / EDITED
    original = edited.read_text()
    edited.write_text(original + "# reviewed by ops\n")
    code, stdout, stderr = run_main(
        ["generate", str(specs[0]), "--out", str(stack), "--force"], monkeypatch
    )
    assert code == 0, stderr
    assert "1 written" in stdout
    assert edited.read_text() == original


def test_files_batchform_did_not_write_are_never_touched(
    stack: Path, specs: tuple[Path, Path]
) -> None:
    ours = {
        "terraform.tfvars": b'region = "us-east-1"\n',
        "backend.tf": b'terraform {\n  backend "s3" {}\n}\n',
        "modules/network/extra.tf": b"# ours\n",
        ".terraform/providers/lock": b"x",
    }
    for name, data in ours.items():
        (stack / name).parent.mkdir(parents=True, exist_ok=True)
        (stack / name).write_bytes(data)
    generate_stack(specs[1], stack)
    generate_stack(specs[0], stack, force=True)
    for name, data in ours.items():
        assert (stack / name).read_bytes() == data


def test_a_file_in_the_way_that_batchform_never_wrote_is_not_overwritten(
    tmp_path: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "existing"
    out.mkdir()
    (out / "main.tf").write_text("# my own root module\n")
    code, _, stderr = run_main(["generate", str(specs[0]), "--out", str(out)], monkeypatch)
    assert code == 3
    assert "not written by batchform" in stderr and "main.tf" in stderr
    assert snapshot(out) == {"main.tf": b"# my own root module\n"}


def test_outputs_no_longer_generated_are_removed_only_if_unedited(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    first = {"main.tf": "a\n", "modules/old/main.tf": "old\n", "notes.tf": "n\n"}
    write_stack(first, out, spec_sha256="1")
    result = write_stack({"main.tf": "a\n"}, out, spec_sha256="2")
    assert result.removed == ["modules/old/main.tf", "notes.tf"]
    assert snapshot(out).keys() == {"main.tf", MANIFEST}
    assert not (out / "modules").exists()


def test_an_edited_output_no_longer_generated_is_kept_even_when_forced(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    write_stack({"main.tf": "a\n", "old.tf": "old\n"}, out, spec_sha256="1")
    (out / "old.tf").write_text("old, edited\n")
    with pytest.raises(EditedFilesError) as refused:
        write_stack({"main.tf": "a\n"}, out, spec_sha256="2")
    assert refused.value.paths == ["old.tf"]
    result = write_stack({"main.tf": "b\n"}, out, spec_sha256="2", force=True)
    assert result.kept == ["old.tf"]
    assert (out / "old.tf").read_text() == "old, edited\n"
    assert (out / "main.tf").read_text() == "b\n"
    assert "old.tf" not in json.loads((out / MANIFEST).read_text())["files"]
    # From now on it is the user's file: neither refused nor removed.
    assert write_stack({"main.tf": "b\n"}, out, spec_sha256="2").kept == []


def test_an_error_at_any_rename_leaves_the_previous_tree_intact(
    stack: Path, specs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (stack / "terraform.tfvars").write_text("x = 1\n")
    (stack / EDITED).unlink()  # a deleted generated file is simply written again
    before = snapshot(stack)
    real = {"replace": os.replace, "link": os.link}
    calls: list[object] = []

    def flaky(name: str) -> Callable[..., None]:
        def call(source: object, target: object, **options: object) -> None:
            calls.append(target)
            if len(calls) == failing_call:
                raise OSError(28, "No space left on device")
            real[name](source, target, **options)  # type: ignore[operator]
        return call

    for name in real:
        monkeypatch.setattr(stackdir.os, name, flaky(name))
    failing_call = 0
    shutil.copytree(stack, tmp_path / "count")
    generate_stack(specs[1], tmp_path / "count")
    renames = len(calls)
    assert renames >= 6
    for failing_call in range(1, renames + 1):
        calls.clear()
        with pytest.raises(StackWriteError, match="No space left on device while"):
            generate_stack(specs[1], stack)
        assert snapshot(stack) == before, f"rename or link {failing_call} of {renames} failed"
    for name, function in real.items():
        monkeypatch.setattr(stackdir.os, name, function)
    # And the next run is not confused by the failed ones.
    assert EDITED in generate_stack(specs[1], stack).written


def test_an_error_midway_into_a_new_directory_leaves_no_directory(
    tmp_path: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls = []

    def flaky_replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        calls.append(target)
        if len(calls) == 6:
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(stackdir.os, "replace", flaky_replace)
    with pytest.raises(StackWriteError):
        generate_stack(specs[0], tmp_path / "new" / "stack")
    assert not (tmp_path / "new" / "stack").exists()


def test_a_failing_render_writes_nothing(
    stack: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(stack)

    def broken(*_: object) -> None:
        raise RoundTripError("main.tf", "planted failure", 3)

    monkeypatch.setattr(generate, "check_round_trip", broken)
    code, _, stderr = run_main(["generate", str(specs[1]), "--out", str(stack)], monkeypatch)
    assert code == 70
    assert "main.tf:3: planted failure" in stderr
    assert snapshot(stack) == before


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from batchform import generate, stackdir

    calls = []

    def killing(real):
        def call(source, target, **options):
            calls.append(target)
            if len(calls) == int(sys.argv[3]):
                os.kill(os.getpid(), signal.SIGKILL)
            real(source, target, **options)
        return call

    stackdir.os.replace = killing(os.replace)
    stackdir.os.link = killing(os.link)
    generate.generate_stack(Path(sys.argv[1]), Path(sys.argv[2]))
    """
)


@pytest.mark.parametrize("killed_at", [2, 4, 5])
def test_a_kill_midway_is_finished_by_the_next_run(
    stack: Path, specs: tuple[Path, Path], tmp_path: Path, killed_at: int
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(specs[1]), str(stack), str(killed_at)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    # Half the tree is new, half old; both halves are batchform's, so nothing counts as edited.
    generate_stack(specs[1], stack)
    expected = tmp_path / "expected"
    generate_stack(specs[1], expected)
    assert snapshot(stack) == snapshot(expected)


def test_check_exits_0_when_up_to_date(
    stack: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, stderr = run_main(
        ["generate", str(specs[0]), "--out", str(stack), "--check"], monkeypatch
    )
    assert code == 0, stderr
    assert "up to date" in stdout


def test_check_exits_1_with_a_diff_when_the_spec_changed(
    stack: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(stack)
    code, stdout, _ = run_main(
        ["generate", str(specs[1]), "--out", str(stack), "--check"], monkeypatch
    )
    assert code == 1
    assert "--- a/main.tf\n+++ b/main.tf\n" in stdout
    assert '-  command            = ["echo", "hello world"]' in stdout
    assert '+  command            = ["echo", "hello again"]' in stdout
    assert "--- a/variables.tf\n+++ b/variables.tf\n" in stdout
    assert "+    ondemand = 128" in stdout
    assert snapshot(stack) == before


def test_check_catches_a_hand_edit_and_a_missing_file(
    stack: Path, specs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (stack / EDITED).write_text((stack / EDITED).read_text() + "# edited\n")
    (stack / "outputs.tf").unlink()
    code, stdout, _ = run_main(
        ["generate", str(specs[0]), "--out", str(stack), "--check"], monkeypatch
    )
    assert code == 1
    assert f"--- a/{EDITED}" in stdout and "-# edited" in stdout
    assert "--- /dev/null\n+++ b/outputs.tf" in stdout


def test_check_through_a_real_process(stack: Path, specs: tuple[Path, Path]) -> None:
    def check(spec: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "batchform", "generate", str(spec), "--out", str(stack),
             "--check"],
            capture_output=True, text=True, check=False, timeout=60,
        )

    assert check(specs[0]).returncode == 0
    changed = check(specs[1])
    assert changed.returncode == 1
    assert "+++ b/main.tf" in changed.stdout
