"""The `batchform` command and `python -m batchform`.

`batchform`, `batchform -h` and `batchform --version` are answered here without importing typer,
the slowest import of the command line: the top-level help is the text typer renders for this
very cli.py (stored in data/top_level_help.txt by `pytest tests/test_cli.py --update-golden`,
which a test keeps current), served only where typer would render it the same way. Everything
else goes to `batchform.cli`.
"""

import os
import sys

HELP_FILE = os.path.join(os.path.dirname(__file__), "data", "top_level_help.txt")
CLI_SOURCE = os.path.join(os.path.dirname(__file__), "cli.py")
# typer wraps help to the terminal's width up to 80 columns: below that it would differ.
HELP_WIDTH = 80


def main() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from batchform import __version__

        sys.stdout.write(f"batchform {__version__}\n")
        return
    if args in ([], ["-h"], ["--help"]):
        text = stored_help()
        if text is not None:
            # Like typer: help on stdout when asked for, on stderr (exit 2) without a command.
            _write(text, to_stdout=bool(args))
            sys.exit(0 if args else 2)
    from batchform.cli import main as cli_main

    cli_main()


def _write(text: str, *, to_stdout: bool) -> None:
    stream = sys.stdout if to_stdout else sys.stderr
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # The reader left (`batchform -h | head -1`): as typer does, exit 1 without a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        sys.exit(1)


def help_header(source: bytes) -> str:
    """The first line of the stored help: which cli.py it was rendered from."""
    import zlib

    return f"rendered by typer from cli.py with crc32 {zlib.crc32(source):08x}"


def stored_help() -> str | None:
    """The stored top-level help, when it was rendered from this cli.py and the terminal is
    wide enough for typer to render it the same; None otherwise."""
    if _columns() < HELP_WIDTH:
        return None
    try:
        with open(HELP_FILE, encoding="utf-8") as stream:
            header, _, text = stream.read().partition("\n")
        with open(CLI_SOURCE, "rb") as stream:
            source = stream.read()
    except OSError:
        return None
    return text if header == help_header(source) else None


def _columns() -> int:
    # What shutil.get_terminal_size() reports, without importing shutil.
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or HELP_WIDTH


if __name__ == "__main__":
    main()
