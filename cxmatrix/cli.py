"""The command line: create, check, import and export matrices without the GUI.

    python -m cxmatrix new OUT.cxm [--demo]
    python -m cxmatrix check FILE.cxm[@SNAPSHOT|@target] [--json]
    python -m cxmatrix snapshot FILE.cxm NAME [--note TEXT]
    python -m cxmatrix snapshot FILE.cxm NAME --rename NEW | --delete | --restore OUT.cxm
    python -m cxmatrix snapshots FILE.cxm [--json]
    python -m cxmatrix diff A B [--json] [--match name|id]   (A, B: FILE.cxm[@SNAPSHOT|@target])
    python -m cxmatrix import IN.(json|xlsx|ods|csv|tsv|md|html) -o OUT.cxm [--sheet NAME]
                                   [--mapping NAME]
    python -m cxmatrix export FILE.cxm OUT.(json|xlsx|csv|pdf) [--page-size SIZE] [--lens DEPT ...]
                                   [--fit-page] [--only-findings]
    python -m cxmatrix merge FILE.cxm WORKBOOK.xlsx... [--dry-run] [--json] [--accept all|none]
                                   [--delete]
    python -m cxmatrix export FILE.cxm OUT.png --page summary|chart|lens [--lens DEPT]
                                   [--scale 2] [--page-size SIZE] [--fit-page] [--only-findings]
    python -m cxmatrix review FILE.cxm --out DIR [--department NAME]... [--lead NAME]...
                                   [--due DATE] [--from NAME]
    python -m cxmatrix apply-review FILE.cxm PACK.xlsx... [--dry-run] [--json]
                                   [--accept all|none]
    python -m cxmatrix server init|list URL
    python -m cxmatrix publish FILE.cxm URL [--name NAME]
    python -m cxmatrix pull URL NAME -o FILE.cxm
    python -m cxmatrix members URL#NAME [--add LOGIN --role ROLE [--departments D ...]]
                                   [--remove LOGIN]

Wherever a matrix is read (check, export, diff), ``postgresql://user@host/db#NAME`` names a
matrix on a team server; passwords come from libpq (PGPASSWORD, ~/.pgpass).

Bad input prints one line on stderr and exits with status 2; `check` exits 1 when the matrix
has any error-severity finding.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxmatrix import __version__
from cxmatrix.domain.findings import SEVERITY_OF, Finding, FindingCounts
from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.progress import Cancelled
from cxmatrix.domain.roles import Severity
from cxmatrix.domain.summary import owner_share
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.store.errors import DocumentError
from cxmatrix.store.files import special_file_kind

if TYPE_CHECKING:  # (the domain's review and snapshots are not imported to check a file)
    from cxmatrix.domain.review import Review
    from cxmatrix.domain.snapshots import Snapshot, SnapshotInfo
    from cxmatrix.interchange.references import Reference
    from cxmatrix.store.server import ServerAddress

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
PAGE_SIZES = ("a4", "letter", "a3", "tabloid")
IMAGE_PAGES = ("summary", "chart", "lens")  # as in interchange.pdf.image, without reportlab


STATES = ("FILE.cxm@SNAPSHOT names a snapshot (by name or number), FILE.cxm@target the "
          "target state, FILE.cxm@today today without the plan")


class ServerSource(str):
    """A matrix on a team server, named where a file could be (``postgresql://...#NAME``)."""

    @property
    def name(self) -> str:
        return self.partition("#")[2] or str(self)

    @property
    def suffix(self) -> str:
        return ""

    def resolve(self) -> ServerSource:
        return self


def matrix_source(text: str) -> Path | ServerSource:
    """A file path, or a team-server matrix (argparse type of the matrices read)."""
    if text.startswith(("postgresql://", "postgres://", "postgresql+")):
        if "#" not in text:
            raise argparse.ArgumentTypeError(f"{text}: name the matrix after '#' "
                                             "(postgresql://user@host/db#NAME)")
        return ServerSource(text)
    return Path(text)


class UsageError(Exception):
    """A mistake in how the command was called (shown as one line, exit status 2)."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command`` "check", one that knows only that command
    (its arguments, help and errors are the same), for the command run most often: building
    every command's parser took 8-10 ms of a check (each argument formats its help)."""
    parser = argparse.ArgumentParser(
        prog="cxmatrix", description="Map every customer touchpoint against every department: "
                                     "one clear owner for each.")
    parser.add_argument("--version", action="version", version=f"cxmatrix {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    if command == "check":
        _add_check(commands)
        return parser
    from cxmatrix.domain.codes import MAPPING_PRESETS  # (import's codes: not for a check)

    new = commands.add_parser("new", help="create a matrix file")
    new.add_argument("output", type=Path, help="the .cxm file to create")
    new.add_argument("--demo", action="store_true", help="fill it with the demo matrix")
    new.add_argument("--title", help="title of a blank matrix")
    new.add_argument("--force", action="store_true", help="replace an existing file")

    _add_check(commands)

    snap = commands.add_parser(
        "snapshot", help="take a named snapshot of a matrix, or rename, delete or restore one",
        description="Take a snapshot (a named, dated, frozen copy kept inside the .cxm file), "
                    "or with an option rename, delete or restore an existing one.")
    snap.add_argument("file", type=Path, help="the .cxm file")
    snap.add_argument("name", help="the snapshot's name (an existing one's, or its number, "
                                   "with --rename, --delete or --restore)")
    snap.add_argument("--note", default="", help="a note kept with a new snapshot")
    what = snap.add_mutually_exclusive_group()
    what.add_argument("--rename", metavar="NEW_NAME", help="rename the snapshot")
    what.add_argument("--delete", action="store_true", help="delete the snapshot")
    what.add_argument("--restore", type=Path, metavar="OUT.cxm",
                      help="write the snapshot as a new .cxm file (the file is unchanged)")
    snap.add_argument("--force", action="store_true",
                      help="with --restore: replace an existing output file")

    snaps = commands.add_parser("snapshots", help="list the snapshots of a matrix")
    snaps.add_argument("file", type=Path, help="the .cxm file")
    snaps.add_argument("--json", action="store_true", help="print the list as JSON")

    imp = commands.add_parser("import", help="import a spreadsheet (.xlsx, .ods, .csv), the "
                              "tables of a Markdown or HTML document, or a JSON file")
    imp.add_argument("input", type=Path)
    imp.add_argument("-o", "--output", type=Path, required=True, help="the .cxm to create")
    imp.add_argument("--sheet", help="the sheet that holds the matrix (default: detected)")
    imp.add_argument("--mapping", metavar="PRESET|FILE.json",
                     help="how codes map to roles: a preset (" + ", ".join(MAPPING_PRESETS)
                          + "; default: auto) or a JSON file of code -> role, e.g. "
                            '{"X": "handle", "P": "own"}')
    imp.add_argument("--force", action="store_true", help="replace an existing output file")

    exp = commands.add_parser("export",
                              help="export a matrix to JSON, Excel, CSV, PDF or PNG images")
    exp.add_argument("file", type=matrix_source,
                     help=f"the .cxm file (or a server matrix postgresql://...#NAME); {STATES}")
    exp.add_argument("output", type=Path,
                     help="OUT.json, OUT.xlsx, OUT.csv, OUT.pdf or OUT.png (a page of the PDF "
                          "report; a section of several pages gives OUT-1.png, OUT-2.png…)")
    exp.add_argument("--page-size", choices=PAGE_SIZES, default="a4", help="PDF page size")
    exp.add_argument("--lens", nargs="+", default=[], metavar="DEPARTMENT",
                     help="add department lens pages to the PDF (PNG: the department of "
                          "--page lens; default: the focus department)")
    exp.add_argument("--fit-page", action="store_true",
                     help="PDF: set the chart as large as lets it fit on one page")
    exp.add_argument("--only-findings", action="store_true",
                     help="PDF: chart only the touchpoints with an error or a warning")
    exp.add_argument("--compare-with", metavar="SNAPSHOT",
                     help="PDF: compare with this snapshot of the file (by name or number) "
                          "in place of the 'From today to target' section")
    exp.add_argument("--no-target", action="store_true",
                     help="PDF: leave out the 'From today to target' section and the chart's "
                          "marks of planned changes")
    exp.add_argument("--page", choices=IMAGE_PAGES, default=None,
                     help="PNG: the page of the report to draw (default: summary)")
    exp.add_argument("--scale", type=float, default=None, metavar="FACTOR",
                     help="PNG: pixels per PDF point (default 2: 144 dpi, sharp on a "
                          "projector)")

    diff = commands.add_parser(
        "diff", help="compare two matrices: structure, cells, ownership, findings",
        description="Compare two matrices. Exit status 0 when they are the same, 1 when "
                    "they differ, 2 on bad input.")
    diff.add_argument("old", type=matrix_source,
                      help=f"the earlier matrix (.cxm, any importable file, a server matrix "
                           f"postgresql://...#NAME); {STATES}")
    diff.add_argument("new", type=matrix_source, help="the later matrix (the same forms)")
    diff.add_argument("--match", choices=("name", "id"), default=None,
                      help="match touchpoints, stages and departments by name or by id "
                           "(renames and moves are told as such); default: by id for two "
                           "states of one .cxm file, by name for two files")
    diff.add_argument("--json", action="store_true", help="print the comparison as JSON")

    merge = commands.add_parser(
        "merge", help="bring back workbooks exported from a matrix and edited by colleagues",
        description="Review what colleagues changed in workbooks exported from FILE.cxm "
                    "(three ways: as exported, as they saved it, as the matrix is now) and "
                    "apply it. Changes made only in a workbook apply; changes made only in "
                    "the matrix stay; a value changed on both sides, or differently by two "
                    "workbooks, is a conflict left as it is now. Deletions apply only with "
                    "--delete. Before writing, the matrix is kept as a snapshot in the file. "
                    "Exit status 0 when everything was settled, 1 when conflicts were left "
                    "as they are, 2 on bad input (nothing is changed).")
    merge.add_argument("file", type=Path, help="the .cxm file the workbooks were exported from")
    merge.add_argument("workbooks", type=Path, nargs="+", metavar="WORKBOOK.xlsx",
                       help="one or more returned copies of the same export")
    merge.add_argument("--dry-run", action="store_true",
                       help="show the review and what would apply; change nothing")
    merge.add_argument("--json", action="store_true", help="print the review as JSON")
    merge.add_argument("--accept", choices=("all", "none"), default="all",
                       help="all: apply every change that does not conflict (default); "
                            "none: only list them")
    merge.add_argument("--delete", action="store_true",
                       help="also apply the deletions the workbooks make (rows and columns "
                            "deleted); without it they are listed, never applied")
    _review_commands(commands)
    _team_commands(commands)
    return parser


def _review_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = commands.add_parser(
        "review", help="write review packs: one workbook per department for its lead",
        description="Write one review pack per department into DIR, for its lead to agree "
                    "with or dispute the department's column, and mark those departments "
                    "asked in FILE.cxm. Departments that agreed and are still up to date "
                    "are skipped unless --all.")
    review.add_argument("file", type=Path, help="the .cxm matrix")
    review.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the folder to write the packs into")
    review.add_argument("--department", action="append", default=[], metavar="NAME",
                        help="a department to ask (repeat for several; default: all)")
    review.add_argument("--lead", action="append", default=[], metavar="NAME",
                        help="whom each pack goes to, in the order of --department (default: "
                             "the department's lead)")
    review.add_argument("--due", type=_iso_day, metavar="DATE",
                        help="the day to answer by (YYYY-MM-DD)")
    review.add_argument("--from", dest="sender", default="", metavar="NAME",
                        help="who asks (default: the matrix's 'prepared by')")
    review.add_argument("--all", action="store_true",
                        help="also send packs to departments that agreed and are up to date "
                             "(skipped by default; their agreement becomes 'asked')")
    apply = commands.add_parser(
        "apply-review", help="apply the review packs the leads returned",
        description="Read returned review packs and apply what each lead said: agreements "
                    "become sign-offs, rows answered No become disputes, proposed roles "
                    "become target changes (only with --accept all). A pack for another "
                    "matrix or department, or older than a later change to the same cells, "
                    "is refused. Exit status 0 when every pack applied completely, 1 when "
                    "one was refused or incomplete, 2 on bad input (nothing is changed).")
    apply.add_argument("file", type=Path, help="the .cxm matrix the packs were written from")
    apply.add_argument("packs", type=Path, nargs="+", metavar="PACK.xlsx")
    apply.add_argument("--dry-run", action="store_true",
                       help="show what each lead said and what would apply; change nothing")
    apply.add_argument("--json", action="store_true", help="print the plan as JSON")
    apply.add_argument("--accept", choices=("all", "none"), default="none",
                       help="the proposed target roles: all: accept every one; none: only "
                            "list them (default)")


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _team_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    server = commands.add_parser("server", help="set up or list a team server (PostgreSQL)")
    server.add_argument("action", choices=("init", "list"),
                        help="init: make an empty database a team server (or migrate it); "
                             "list: the matrices on it")
    server.add_argument("url", help="postgresql://user@host/dbname")
    publish = commands.add_parser("publish", help="put a .cxm matrix on a team server")
    publish.add_argument("file", type=Path)
    publish.add_argument("url", help="postgresql://user@host/dbname")
    publish.add_argument("--name", help="the matrix's name on the server (default: the "
                                        "file's name)")
    pull = commands.add_parser("pull", help="take an offline .cxm copy of a server matrix")
    pull.add_argument("url", help="postgresql://user@host/dbname")
    pull.add_argument("name", help="the matrix's name on the server")
    pull.add_argument("-o", "--output", type=Path, required=True)
    pull.add_argument("--force", action="store_true", help="replace an existing file")
    members = commands.add_parser("members", help="list or change who may edit a server "
                                                  "matrix")
    members.add_argument("url", help="postgresql://user@host/dbname#NAME")
    members.add_argument("--add", metavar="LOGIN", help="add (or change) a member")
    members.add_argument("--role", choices=("owner", "lead", "viewer"), default="viewer")
    members.add_argument("--departments", nargs="+", default=[],
                         help="the departments a lead leads")
    members.add_argument("--remove", metavar="LOGIN", help="remove a member")
    members.add_argument("--password-env", metavar="VAR",
                         help="create the login with the password in this environment "
                              "variable, when it does not exist")


def _add_check(commands: Any) -> None:
    check = commands.add_parser("check", help="print the findings of a matrix")
    check.add_argument("file", type=matrix_source,
                       help=f"a .cxm file (or any importable file, or a server matrix "
                            f"postgresql://...#NAME); {STATES}")
    check.add_argument("--json", action="store_true", help="print findings as JSON")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except (DocumentError, InterchangeError, DomainError, UsageError) as error:
        print(f"cxmatrix: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Cancelled:
        print("cxmatrix: cancelled", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (e.g. `check | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("cxmatrix: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"cxmatrix: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _create(output: Path, matrix: Matrix, force: bool,
            snapshots: Sequence[Snapshot] = ()) -> None:
    from cxmatrix.store.document import write_document

    if output.suffix.lower() != ".cxm":
        raise UsageError(f"{output.name}: the output must be a .cxm file")
    # An existing file is refused by write_document, with the same message as a file that
    # another process created meanwhile. Not read back: the domain checked it.
    write_document(output, matrix, overwrite=force, snapshots=snapshots)


def cmd_new(args: argparse.Namespace) -> int:
    from cxmatrix.domain.templates import blank_matrix
    from cxmatrix.interchange.demo import demo_import

    demo = demo_import() if args.demo else None
    matrix = demo.matrix if demo else blank_matrix(args.title or "Untitled matrix")
    if args.title and args.demo:
        matrix.set_properties(title=args.title)
    _create(args.output, matrix, args.force, demo.snapshots if demo else ())
    print(f"Created {args.output} ({matrix.touchpoint_count} touchpoints, "
          f"{len(matrix.departments)} departments).")
    return EXIT_OK


def read_matrix(path: Path | str | ServerSource) -> Matrix:
    """A .cxm document opened read-only (or one of its states, FILE.cxm@SNAPSHOT,
    FILE.cxm@target), any importable file, or a team-server matrix."""
    if isinstance(path, ServerSource):
        from cxmatrix.store.server import transfer

        return transfer.read_matrix(_address(path))
    from cxmatrix.interchange.references import parse_reference, read_reference

    return read_reference(parse_reference(str(path)))


def finding_to_json(matrix: Matrix, finding: Finding) -> dict[str, object]:
    touchpoint = (matrix.touchpoint(finding.touchpoint_id)
                  if finding.touchpoint_id is not None else None)
    department = (matrix.department(finding.department_id)
                  if finding.department_id is not None else None)
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "touchpoint": touchpoint.name if touchpoint else None,
        "stage": matrix.stage(touchpoint.stage_id).name if touchpoint else None,
        "department": department.name if department else None,
        "departments": [matrix.department(d).name for d in finding.department_ids],
    }


def cmd_check(args: argparse.Namespace) -> int:
    from cxmatrix.store.load import collector_paused

    # Beside the load's, the 25,000 findings and lines of an L check set off collections
    # that found nothing to free (14 ms).
    with collector_paused():
        return _check(args)


def _check(args: argparse.Namespace) -> int:
    from cxmatrix.domain.findings import messages, sort_key, today_and_target
    from cxmatrix.domain.signoff import json_state, matrix_agreed, summary_sentence
    from cxmatrix.domain.states import current_state

    matrix = read_matrix(args.file)
    both = today_and_target(matrix)
    today = current_state(matrix) if matrix.has_plan else matrix
    findings = list(both.today_findings)
    if today is not matrix:  # (without a plan, compute_findings sorted them by this key)
        findings.sort(key=sort_key(today))  # type: ignore[arg-type]
    summary = owner_share(today)
    errors = both.today.errors  # (counted from today_findings)
    name = Path(args.file).name
    if args.json:
        counts = dict.fromkeys(SEVERITY_OF, 0)
        for finding in findings:
            counts[finding.code] += 1
        target_counts = dict.fromkeys(SEVERITY_OF, 0)
        for finding in both.target_findings:
            target_counts[finding.code] += 1
        print(json.dumps({
            "file": name,
            "touchpoints": summary.touchpoints,
            "departments": summary.departments,
            "single_owner_share": round(summary.single_owner_share, 4),
            "counts": counts,
            "findings": [finding_to_json(matrix, f) for f in findings],
            "planned_changes": len(matrix.planned_changes()),
            "today": _severity_counts(both.today),
            "target": _severity_counts(both.target),
            "target_counts": target_counts,
            "signoffs": json_state(matrix),
            "agreed": matrix_agreed(matrix, errors),
        }, ensure_ascii=False, indent=2))
    else:
        share = (f"{summary.single_owner_share:.0%} with exactly one owner"
                 if summary.touchpoints else "no touchpoints yet")
        print(f"{matrix.title}: {summary.touchpoints} touchpoints, {summary.departments} "
              f"departments, {share}.")
        columns = {(s, code): f"{s.value:7} {code:24} " for s in Severity for code in SEVERITY_OF}
        touchpoint, department = matrix.touchpoint, matrix.department
        lines = []
        add = lines.append
        for finding, message in zip(findings, messages(findings), strict=True):
            # Named from the matrix itself: a sign-off finding can be about a planned
            # touchpoint or department, which today's state leaves out.
            if finding.touchpoint_id is not None:
                where = touchpoint(finding.touchpoint_id).name
            elif finding.department_id is not None:
                where = department(finding.department_id).name
            else:
                where = ""
            add(f"{columns[finding.severity, finding.code]}{where}: {message}")
        if lines:
            print("\n".join(lines))
        by_severity = {Severity.ERROR: both.today.errors, Severity.WARNING: both.today.warnings,
                       Severity.INFO: both.today.infos}
        nouns = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"),
                 Severity.INFO: ("info", "info")}
        print(", ".join(f"{n} {nouns[s][n != 1]}" for s, n in by_severity.items()))
        if matrix.has_plan:
            changes = len(matrix.planned_changes())
            print(f"{both.text()} ({changes} planned change{'' if changes == 1 else 's'})")
        if matrix.signoffs:
            print(f"Sign-off: {summary_sentence(matrix)}.")
    return EXIT_FINDINGS if errors else EXIT_OK


def _severity_counts(counts: FindingCounts) -> dict[str, int]:
    return {"errors": counts.errors, "warnings": counts.warnings, "info": counts.infos}


def cmd_import(args: argparse.Namespace) -> int:
    from cxmatrix.interchange.formats import reader_for

    if args.input.suffix.lower() == ".cxm":
        raise UsageError(f"{args.input.name}: already a cxmatrix file; open it directly")
    if args.output.exists() and not args.force:  # before reading: the same refusal, sooner
        from cxmatrix.store.document import ALREADY_EXISTS

        raise DocumentError(args.output, ALREADY_EXISTS)
    options: dict[str, object] = {}
    if args.sheet is not None:
        options["sheet"] = args.sheet
    if args.mapping is not None:
        options["mapping"] = _mapping_option(args.mapping)
    result = reader_for(args.input)(args.input, **options)
    _create(args.output, result.matrix, args.force, result.snapshots)
    for line in result.report:
        print(line)
    print(f"Wrote {args.output}.")
    return EXIT_OK


def _mapping_option(value: str) -> str | dict[str, str]:
    """A preset name, or a JSON file holding {"code": "own" | "influence" | "handle" | ""}."""
    from cxmatrix.domain.codes import MAPPING_PRESETS

    if value in MAPPING_PRESETS or not value.lower().endswith(".json"):
        return value
    path = Path(value)
    try:
        kind = special_file_kind(path.stat().st_mode)
        if kind is not None:
            raise UsageError(f"{path.name}: is {kind}, not a JSON mapping file")
        table = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UsageError(f"{path.name}: no such mapping file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path.name}: not a readable JSON mapping ({error})") from None
    if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str | None) for k, v in table.items()):
        raise UsageError(f"{path.name}: the mapping must be a JSON object of code -> role")
    return {k: v or "" for k, v in table.items()}


def cmd_export(args: argparse.Namespace) -> int:
    from cxmatrix.interchange.formats import writer_for
    from cxmatrix.interchange.references import parse_reference, read_reference, read_snapshots

    writer = writer_for(args.output)
    if isinstance(args.file, ServerSource):
        return _export_server_matrix(args, writer)
    reference = parse_reference(str(args.file))
    if args.output.resolve() == reference.path.resolve():
        raise UsageError(f"{args.output.name}: would overwrite the matrix itself")
    matrix = read_reference(reference)
    suffix = args.output.suffix.lower()
    pdf_only = {"fit_page": args.fit_page, "only_findings": args.only_findings}
    if suffix not in {".pdf", ".png"} and any(pdf_only.values()):
        raise UsageError(f"{args.output.name}: --fit-page and --only-findings are for PDF "
                         "reports and their PNG images")
    if suffix != ".pdf" and (args.compare_with is not None or args.no_target):
        raise UsageError(f"{args.output.name}: --compare-with and --no-target are for PDF "
                         "reports")
    if suffix != ".png":
        if args.page is not None or args.scale is not None:
            raise UsageError(f"{args.output.name}: --page and --scale are for PNG images")
        extra: dict[str, object] = {}
        if suffix == ".json" and reference.is_plain:
            extra["snapshots"] = read_snapshots(reference.path)
        if suffix == ".pdf":
            extra.update(_report_versions(args, reference))
        writer(matrix, args.output, source_name=reference.label, page_size=args.page_size,
               lenses=tuple(args.lens), **pdf_only, **extra)
        print(f"Wrote {args.output}.")
        return EXIT_OK
    from cxmatrix.interchange.pdf.image import DEFAULT_SCALE, write_images

    if len(args.lens) > 1:
        raise UsageError(f"{args.output.name}: an image shows one lens page; name one "
                         "department with --lens")
    if args.lens and args.page != "lens":
        raise UsageError(f"{args.output.name}: --lens chooses the department of --page lens")
    written = write_images(matrix, args.output, source_name=reference.label,
                           page_size=args.page_size, page=args.page or "summary",
                           lens=args.lens[0] if args.lens else None,
                           scale=DEFAULT_SCALE if args.scale is None else args.scale,
                           drift=_snapshot_drift(reference), **pdf_only)
    if len(written) == 1:
        print(f"Wrote {written[0]}.")
    else:
        print(f"Wrote {len(written)} images, one per page: {written[0]} … {written[-1]}.")
    return EXIT_OK


def _export_server_matrix(args: argparse.Namespace, writer: Any) -> int:
    """Export a team-server matrix as it is now (its snapshots stay on the server)."""
    if args.output.suffix.lower() == ".png":
        raise UsageError(f"{args.output.name}: export a server matrix as PDF, xlsx, csv or json;"
                         " for images pull it first (cxmatrix pull)")
    if args.compare_with is not None:
        raise UsageError("--compare-with reads a .cxm file's snapshots: pull the matrix first "
                         "(cxmatrix pull URL NAME -o FILE.cxm)")
    if args.page is not None or args.scale is not None:
        raise UsageError(f"{args.output.name}: --page and --scale are for PNG images")
    matrix = read_matrix(args.file)
    extra: dict[str, object] = {}
    if args.output.suffix.lower() == ".pdf":
        extra["with_target"] = not args.no_target
    writer(matrix, args.output, source_name=args.file.name, page_size=args.page_size,
           lenses=tuple(args.lens), fit_page=args.fit_page, only_findings=args.only_findings,
           **extra)
    print(f"Wrote {args.output}.")
    return EXIT_OK


def _snapshot_drift(reference: Reference) -> list[Any]:
    """The drift of a .cxm file's snapshots (the summary page's chart); none for other
    files."""
    from cxmatrix.domain.snapshots import drift
    from cxmatrix.store.document import Document

    if reference.path.suffix.lower() != ".cxm":
        return []
    with Document.open(reference.path, read_only=True) as document:
        return drift((s.name, s.taken, s.figures) for s in document.snapshots())


def _report_versions(args: argparse.Namespace, reference: Reference) -> dict[str, object]:
    """The PDF report's today/target options: the snapshot to compare with, the drift of
    the file's snapshots (for the summary page), and whether to show the target."""
    from cxmatrix.domain.snapshots import drift
    from cxmatrix.store.document import Document

    options: dict[str, object] = {"with_target": not args.no_target}
    if reference.path.suffix.lower() != ".cxm":
        if args.compare_with is not None:
            raise UsageError(f"{reference.path.name}: --compare-with needs a .cxm file "
                             "(snapshots are kept only there)")
        return options
    with Document.open(reference.path, read_only=True) as document:
        infos = document.snapshots()
        options["drift"] = drift((s.name, s.taken, s.figures) for s in infos)
        if args.compare_with is not None:
            options["compare_with"] = document.snapshot(args.compare_with)
    return options


def cmd_diff(args: argparse.Namespace) -> int:
    from cxmatrix.domain.compare import compare
    from cxmatrix.domain.states import current_state
    from cxmatrix.interchange.references import TARGET, parse_reference, read_reference

    # A server matrix (postgresql://...#NAME) is read as it is; a file may name a state.
    old_ref = None if isinstance(args.old, ServerSource) else parse_reference(str(args.old))
    new_ref = None if isinstance(args.new, ServerSource) else parse_reference(str(args.new))
    old = read_reference(old_ref) if old_ref else read_matrix(args.old)
    new = read_reference(new_ref) if new_ref else read_matrix(args.new)
    old_label = old_ref.label if old_ref else args.old.name
    new_label = new_ref.label if new_ref else args.new.name
    old_state = old_ref.state if old_ref else ""
    new_state = new_ref.state if new_ref else ""
    # A target state has no plan: the other side is compared as it is today, so the
    # comparison shows the planned changes as changes rather than a plan taken away.
    if new_state == TARGET and old_state != TARGET and old.has_plan:
        old = current_state(old)
    if old_state == TARGET and new_state != TARGET and new.has_plan:
        new = current_state(new)
    same = (_same_file(old_ref.path, new_ref.path) if old_ref and new_ref
            else str(args.old) == str(args.new))
    match_by = args.match or ("id" if same else "name")
    comparison = compare(old, new, match_by=match_by)
    if args.json:
        print(json.dumps({"old": old_label, "new": new_label, **comparison.to_dict()},
                         ensure_ascii=False, indent=2))
    elif comparison.is_empty:
        print(f"No differences between {old_label} and {new_label}.")
    else:
        counts = ", ".join(f"{count:,} {what}" for what, count in comparison.counts().items()
                           if count)
        print(f"{old_label} → {new_label}: {counts}")
        for line in comparison.lines():
            print(f"  {line}")
    return EXIT_OK if comparison.is_empty else EXIT_FINDINGS


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve() or first.samefile(second)
    except OSError:
        return False


def _cxm(path: Path) -> Path:
    if path.suffix.lower() != ".cxm":
        raise UsageError(f"{path.name}: snapshots are kept only in .cxm files")
    return path


def cmd_snapshot(args: argparse.Namespace) -> int:
    from cxmatrix.store.document import Document

    path = _cxm(args.file)
    if args.force and args.restore is None:
        raise UsageError("--force is for --restore OUT.cxm")
    if args.restore is not None:
        output = args.restore
        if output.suffix.lower() != ".cxm":
            raise UsageError(f"{output.name}: the output must be a .cxm file")
        if _same_file(output, path):
            raise UsageError(f"{output.name}: would overwrite the matrix itself")
        if output.exists() and not args.force:
            raise UsageError(f"{output.name}: already exists (use --force to replace it)")
        with Document.open(path, read_only=True) as document:
            info = document.find_snapshot(args.name)
            document.restore_snapshot_as(info.id, output, overwrite=args.force)
        print(f"Wrote snapshot {info.name!r} of {path.name} to {output}.")
        return EXIT_OK
    with Document.open(path) as document:
        if document.read_only:
            raise UsageError(f"{path.name}: cannot be changed ({document.read_only_reason})")
        if args.rename is not None:
            info = document.find_snapshot(args.name)
            document.rename_snapshot(info.id, args.rename)
            new_name = document.find_snapshot(info.id).name
            print(f"Renamed snapshot {info.name!r} of {path.name} to {new_name!r}.")
        elif args.delete:
            info = document.delete_snapshot(document.find_snapshot(args.name).id)
            print(f"Deleted snapshot {info.name!r} of {path.name}.")
        else:
            info = document.take_snapshot(args.name, args.note)
            print(f"Took snapshot {info.name!r} of {path.name} ({_figures_text(info)}).")
    return EXIT_OK


def _figures_text(info: SnapshotInfo) -> str:
    figures = info.figures
    planned = f", {info.planned_changes} planned change" + (
        "" if info.planned_changes == 1 else "s")
    return (f"{figures.touchpoints} touchpoints, {figures.one_owner_share:.0%} with exactly "
            f"one owner, {figures.no_owner} without, {figures.several_owners} with several"
            + planned)


def cmd_snapshots(args: argparse.Namespace) -> int:
    from cxmatrix.store.document import Document

    path = _cxm(args.file)
    with Document.open(path, read_only=True) as document:
        snapshots = document.snapshots()
    if args.json:
        print(json.dumps({"file": path.name, "snapshots": [{
            "id": s.id, "name": s.name, "taken": s.taken.isoformat(), "note": s.note,
            "touchpoints": s.figures.touchpoints, "one_owner": s.figures.one_owner,
            "one_owner_share": round(s.figures.one_owner_share, 4),
            "no_owner": s.figures.no_owner, "several_owners": s.figures.several_owners,
            "handle_without_own": s.figures.handle_without_own,
            "planned_changes": s.planned_changes} for s in snapshots]},
            ensure_ascii=False, indent=2))
    elif not snapshots:
        print(f"{path.name} has no snapshots (take one with: cxmatrix snapshot {path.name} "
              "NAME).")
    else:
        for s in snapshots:
            print(f"{s.id:4}  {s.taken:%Y-%m-%d %H:%M}  {s.name}: {_figures_text(s)}"
                  + (f"  ({s.note})" if s.note else ""))
    return EXIT_OK



def cmd_merge(args: argparse.Namespace) -> int:
    from cxmatrix.interchange.workbook_update import review_workbooks
    from cxmatrix.store.document import Document

    if args.file.suffix.lower() != ".cxm":
        raise UsageError(f"{args.file.name}: merge brings workbooks back into a .cxm file")
    for workbook in args.workbooks:
        if workbook.suffix.lower() not in (".xlsx", ".xlsm"):
            raise UsageError(f"{workbook.name}: not an Excel workbook (.xlsx) exported by "
                             "cxmatrix; to read another spreadsheet use 'cxmatrix import'")
    with Document.open(args.file, read_only=args.dry_run) as document:
        found = review_workbooks(document.matrix, args.workbooks)
        decisions = (found.accept_all(deletions=args.delete) if args.accept == "all"
                     else {})
        chosen = {key for key, index in decisions.items() if index is not None}
        merged = found.apply(decisions) if chosen else None
        written = False
        if merged is not None and not args.dry_run:
            names = ", ".join(w.name for w in args.workbooks)
            taken = {info.name for info in document.snapshots()}
            label = f"Before update from {names}"[:200]
            number = 2
            while label in taken:
                label = f"Before update from {names}"[:190] + f" ({number})"
                number += 1
            document.take_snapshot(label)
            document.replace_matrix(merged)
            written = True
        left = [c for c in found.conflicts if c.key not in chosen]
        if args.json:
            print(json.dumps(review_to_json(found, chosen, args, written), ensure_ascii=False,
                             indent=2))
        else:
            print_review(found, chosen, args, written)
    return EXIT_FINDINGS if left else EXIT_OK


def review_to_json(found: Review, chosen: set[str], args: argparse.Namespace,
                   written: bool) -> dict[str, object]:
    """The documented JSON of ``cxmatrix merge`` (README)."""
    return {
        "matrix": str(args.file), "workbooks": list(found.files), "written": written,
        "counts": merge_counts(found, chosen),
        "changes": [{"key": c.key, "kind": c.kind, "what": c.what, "group": c.group,
                     "text": c.text, "status": c.status, "deletion": c.deletion,
                     "files": list(c.files), "exported": c.base, "now": c.ours,
                     "options": [{"label": o.label, "files": list(o.files)}
                                 for o in c.options],
                     "applied": c.key in chosen} for c in found.changes],
        "kept_in_app": found.kept_in_app,
        "notices": list(found.notices)}


def merge_counts(found: Review, chosen: set[str]) -> dict[str, int]:
    return {"changes": len(found.changes), "applied": len(chosen),
            "conflicts": len(found.conflicts), "deletions": len(found.deletions),
            "kept_in_app": found.kept_in_app}


def print_review(found: Review, chosen: set[str], args: argparse.Namespace,
                 written: bool) -> None:
    files = ", ".join(found.files)
    for notice in found.notices:
        print(f"Note: {notice}")
    if not found.changes:
        print(f"{files}: nothing to bring back; {args.file.name} already holds every change.")
        return
    counts = merge_counts(found, chosen)
    print(f"{files} → {args.file.name}: {_count(counts['changes'], 'change')}, "
          f"{_count(counts['conflicts'], 'conflict')}, "
          f"{_count(counts['deletions'], 'deletion')}"
          + (f"; {found.kept_in_app} changes made only in the matrix stay"
             if found.kept_in_app else ""))
    group = None
    for change in found.changes:
        if change.group != group:
            group = change.group
            print(f"  {group}")
        if change.key in chosen:
            mark = "apply   " if written or not args.dry_run else "would   "
        elif change.status == "conflict":
            mark = "CONFLICT"
        elif change.deletion:
            mark = "deletion"
        else:
            mark = "listed  "
        print(f"    {mark}  {change.text}")
        if change.status == "conflict":
            print(f"              now: {change.ours}; "
                  + "; ".join(o.label for o in change.options))
    if written:
        print(f"Applied {_count(len(chosen), 'change')} to {args.file.name} (the matrix "
              "before is kept as a snapshot in the file).")
    elif args.dry_run:
        print(f"Dry run: {_count(len(chosen), 'change')} would apply; nothing was written.")
    else:
        print("Nothing was applied (--accept none).")
    if found.conflicts:
        print(f"{_count(len([c for c in found.conflicts if c.key not in chosen]), 'conflict')}"
              " left as the matrix has them: settle them in the window (File > Update from "
              "Workbook).")
    pending = [c for c in found.deletions if c.key not in chosen and c.status == "applies"]
    if pending:
        print(f"{_count(len(pending), 'deletion')} not applied: add --delete to apply "
              f"{'it' if len(pending) == 1 else 'them'}.")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _address(text: str) -> ServerAddress:
    from cxmatrix.store.server import parse_address

    return parse_address(text)


def cmd_server(args: argparse.Namespace) -> int:
    from cxmatrix.store.server import transfer

    address = _address(args.url)
    if args.action == "init":
        print(f"{address.label} {transfer.init(address)}.")
        return EXIT_OK
    matrices = transfer.list_matrices(address)
    for matrix in matrices:
        print(f"{matrix.name}\tpublished {matrix.published:%Y-%m-%d %H:%M} by "
              f"{matrix.published_by}")
    if not matrices:
        print(f"{address.label} has no matrices yet (cxmatrix publish FILE.cxm URL).")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from cxmatrix.store.server import transfer

    address = _address(args.url)
    name = transfer.publish(args.file, address, args.name)
    print(f"Published {args.file.name} as {name!r} on {address.label}.")
    return EXIT_OK


def cmd_pull(args: argparse.Namespace) -> int:
    from cxmatrix.store.server import transfer

    if args.output.suffix.lower() != ".cxm":
        raise UsageError(f"{args.output.name}: the output must be a .cxm file")
    address = _address(args.url).with_name(args.name)
    transfer.pull(address, args.output, overwrite=args.force)
    print(f"Wrote {args.output} from {address.label}.")
    return EXIT_OK


def cmd_members(args: argparse.Namespace) -> int:
    from cxmatrix.store.server import members

    address = _address(args.url)
    if not address.name:
        raise UsageError(f"{args.url}: name the matrix after '#'")
    password = os.environ.get(args.password_env) if args.password_env else None
    if args.add or args.remove:
        add = (args.add, args.role, list(args.departments)) if args.add else None
        listed = members.change_members(address, add=add, remove=args.remove,
                                        password=password)
    else:
        listed = members.members(address)
    for member in listed:
        print(member.describe())
    return EXIT_OK


def _review_file(path: Path, what: str) -> None:
    if path.suffix.lower() != ".cxm":
        raise UsageError(f"{path.name}: {what} works on a .cxm file")


def cmd_review(args: argparse.Namespace) -> int:
    from cxmatrix.domain.signoff import department_signoff, resend_note, short_day
    from cxmatrix.interchange.xlsx.review_pack.writer import (
        PackRequest,
        asked_record,
        write_packs,
    )
    from cxmatrix.store.document import Document

    _review_file(args.file, "review")
    if not args.out.is_dir():
        raise UsageError(f"{args.out}: no such folder")
    with Document.open(args.file) as document:
        if document.read_only:
            raise UsageError(f"{args.file.name}: cannot mark the departments asked: "
                             f"{document.read_only_reason or 'the file is read-only'}")
        matrix = document.matrix
        if args.department:
            departments = []
            for name in args.department:
                found = matrix.find_department(name)
                if found is None:
                    known = ", ".join(d.name for d in matrix.departments)
                    raise UsageError(f"{args.file.name}: no department {name!r} (the "
                                     f"departments are {known})")
                departments.append(found)
        else:
            departments = list(matrix.departments)
        if args.lead and len(args.lead) != len(departments):
            raise UsageError(f"--lead given {len(args.lead)} times for {len(departments)} "
                             "departments: give one per --department, in the same order")
        leads = args.lead or [d.lead for d in departments]
        chosen = list(zip(departments, leads, strict=True))
        if not args.all:  # an agreement still as agreed needs no new pack
            skipped = [d for d, _ in chosen if department_signoff(matrix, d.id).agreed]
            chosen = [(d, lead) for d, lead in chosen if d not in skipped]
            for dept in skipped:
                record = matrix.signoffs[dept.id]
                print(f"Skipped {dept.name}: agreed on {short_day(record.when)} and up to "
                      "date (--all sends it a pack too)")
            if not chosen:
                print(f"{args.file.name}: nothing to send.")
                return EXIT_OK
        requests = [PackRequest(d.id, lead, args.due, args.sender or matrix.prepared_by)
                    for d, lead in chosen]
        replaced = [(d, note) for d, _ in chosen
                    if (note := resend_note(department_signoff(matrix, d.id))) is not None]
        written = write_packs(matrix, args.out, requests)
        today = date.today()
        document.set_signoffs([(r.department_id, asked_record(matrix, r, today))
                               for r in requests])
        for pack in written:
            print(f"Wrote {pack.path} ({_count(pack.rows, 'touchpoint')}"
                  f"{', for ' + pack.lead if pack.lead else ''})")
        for dept, note in replaced:
            print(f"{dept.name}: asked again; this {note}")
        print(f"{args.file.name}: {_count(len(written), 'department')} marked asked.")
    return EXIT_OK


def cmd_apply_review(args: argparse.Namespace) -> int:
    from cxmatrix.interchange.xlsx.review_pack.reader import plan_packs
    from cxmatrix.store.document import Document

    _review_file(args.file, "apply-review")
    for pack in args.packs:
        if pack.suffix.lower() not in (".xlsx", ".xlsm"):
            raise UsageError(f"{pack.name}: not a review pack (.xlsx) written by cxmatrix")
    with Document.open(args.file, read_only=args.dry_run) as document:
        plan = plan_packs(document.matrix, args.packs, strict=True)
        accepted = ({p.key for p in plan.proposals} if args.accept == "all" else set())
        signoffs, targets = plan.changes(accepted)
        written = False
        if (signoffs or targets) and not args.dry_run:
            document.apply_review(signoffs, targets)
            written = True
        if args.json:
            print(json.dumps(pack_plan_to_json(document.matrix, plan, accepted, args, written),
                             ensure_ascii=False, indent=2))
        else:
            print_pack_plan(document.matrix, plan, accepted, args, written)
    incomplete = any(lead.refused or lead.missing for lead in plan.leads)
    return EXIT_FINDINGS if incomplete else EXIT_OK


def pack_plan_to_json(matrix: Matrix, plan: Any, accepted: set[str], args: argparse.Namespace,
                      written: bool) -> dict[str, object]:
    """The documented JSON of ``cxmatrix apply-review`` (README)."""
    def name(tid: int) -> str | None:
        return matrix.touchpoint(tid).name if matrix.has_touchpoint(tid) else None

    return {
        "matrix": str(args.file), "written": written,
        "packs": [{
            "file": lead.file, "department": lead.department or None, "lead": lead.lead,
            "refused": lead.refused or None, "agreed": lead.agreed,
            "state": lead.signoff.state.value if lead.signoff else None,
            "date": lead.signoff.when.isoformat() if lead.signoff and lead.signoff.when
            else None,
            "already_recorded": lead.already,
            "disputes": [{"touchpoint": name(d.touchpoint_id), "comment": d.comment,
                          "proposed": d.proposed.value if d.proposed else None}
                         for d in lead.disputes],
            "proposals": [{"touchpoint": name(p.touchpoint_id),
                           "from": p.before.value if p.before else None,
                           "to": p.proposed.value if p.proposed else None,
                           "comment": p.comment, "cell": p.where,
                           "applied": written and p.key in accepted}
                          for p in lead.proposals],
            "missing": list(lead.missing), "flags": list(lead.flags)}
            for lead in plan.leads]}


def print_pack_plan(matrix: Matrix, plan: Any, accepted: set[str], args: argparse.Namespace,
                    written: bool) -> None:
    for lead in plan.leads:
        print(lead.summary)
        for dispute in lead.disputes:
            where = (matrix.touchpoint(dispute.touchpoint_id).name
                     if matrix.has_touchpoint(dispute.touchpoint_id) else "(removed)")
            print(f"  disputed  {where}" + (f": {dispute.comment}" if dispute.comment else ""))
        for proposal in lead.proposals:
            if proposal.key in accepted:
                mark = "apply   " if written else "would   "
            else:
                mark = "proposed"
            comment = f" ({proposal.comment})" if proposal.comment else ""
            print(f"  {mark}  {proposal.text}{comment}")
        for line in lead.missing:
            print(f"  missing   {line}")
        for line in lead.flags:
            print(f"  note      {line}")
    if args.dry_run:
        print("Dry run: nothing was changed.")
    elif written:
        print(f"{args.file.name}: applied.")
    else:
        print(f"{args.file.name}: nothing to change.")


COMMANDS = {"review": cmd_review, "apply-review": cmd_apply_review, "server": cmd_server,
            "publish": cmd_publish, "pull": cmd_pull,
            "members": cmd_members, "new": cmd_new, "check": cmd_check, "import": cmd_import,
            "export": cmd_export, "diff": cmd_diff, "snapshot": cmd_snapshot,
            "snapshots": cmd_snapshots, "merge": cmd_merge}
