"""The `cxmatrix` command: the command line for CLI arguments, the GUI otherwise.

`cxmatrix --version`, `cxmatrix new x.cxm --demo`, `cxmatrix export x.cxm out.pdf` and the
other subcommands run headless (as `cxmatrix-cli` runs everything); anything else (no
arguments, a file to open) starts the GUI. Both sides are imported only when chosen, so the
command line never loads Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

CLI_COMMANDS = frozenset({"new", "check", "import", "export", "diff", "snapshot", "snapshots",
                          "merge", "review", "apply-review", "server", "publish", "pull",
                          "members"})
CLI_FLAGS = frozenset({"--version", "-h", "--help"})


def wants_cli(args: Sequence[str]) -> bool:
    """True when the arguments (without the program name) are a command-line invocation."""
    return bool(args) and (args[0] in CLI_COMMANDS or args[0] in CLI_FLAGS)


def _attach_windows_console() -> None:
    """Give a windowed Windows build the console it was started from, so the CLI can print."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    import ctypes

    attach_parent_process = -1
    if ctypes.windll.kernel32.AttachConsole(attach_parent_process):  # type: ignore[attr-defined]
        sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
        sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_cli(args):
        _attach_windows_console()
        from cxmatrix.cli import main as cli_main

        return cli_main(args)
    from cxmatrix.app import main as gui_main

    return int(gui_main(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
