"""The command line: create, check, import and export matrices without the GUI.

    python -m cxmatrix new OUT.cxm [--demo]
    python -m cxmatrix check FILE.cxm [--json]
    python -m cxmatrix import IN.(json|xlsx|ods|csv|tsv|md|html) -o OUT.cxm [--sheet NAME]
                                   [--mapping NAME]
    python -m cxmatrix export FILE.cxm OUT.(json|xlsx|csv|pdf) [--page-size SIZE] [--lens DEPT ...]
                                   [--fit-page] [--only-findings]
    python -m cxmatrix export FILE.cxm OUT.png --page summary|chart|lens [--lens DEPT]
                                   [--scale 2] [--page-size SIZE] [--fit-page] [--only-findings]
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
from pathlib import Path
from typing import TYPE_CHECKING

from cxmatrix import __version__
from cxmatrix.domain.codes import MAPPING_PRESETS
from cxmatrix.domain.findings import SEVERITY_OF, Finding
from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.progress import Cancelled
from cxmatrix.domain.roles import Severity
from cxmatrix.domain.summary import summarise
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.store.errors import DocumentError
from cxmatrix.store.files import special_file_kind

if TYPE_CHECKING:
    from cxmatrix.store.server import ServerAddress

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
PAGE_SIZES = ("a4", "letter", "a3", "tabloid")
IMAGE_PAGES = ("summary", "chart", "lens")  # as in interchange.pdf.image, without reportlab


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cxmatrix", description="Map every customer touchpoint against every department: "
                                     "one clear owner for each.")
    parser.add_argument("--version", action="version", version=f"cxmatrix {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser("new", help="create a matrix file")
    new.add_argument("output", type=Path, help="the .cxm file to create")
    new.add_argument("--demo", action="store_true", help="fill it with the demo matrix")
    new.add_argument("--title", help="title of a blank matrix")
    new.add_argument("--force", action="store_true", help="replace an existing file")

    check = commands.add_parser("check", help="print the findings of a matrix")
    check.add_argument("file", type=matrix_source, help="a .cxm file (or any importable file)")
    check.add_argument("--json", action="store_true", help="print findings as JSON")

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
    exp.add_argument("file", type=matrix_source, help="the .cxm file")
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
                      help="the earlier matrix (.cxm, any importable file, a server matrix)")
    diff.add_argument("new", type=matrix_source, help="the later matrix")
    diff.add_argument("--match", choices=("name", "id"), default="name",
                      help="match touchpoints, stages and departments by name (default; two "
                           "different files) or by id (a copy of the same file: renames and "
                           "moves are told as such)")
    diff.add_argument("--json", action="store_true", help="print the comparison as JSON")
    _team_commands(commands)
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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


def _create(output: Path, matrix: Matrix, force: bool) -> None:
    from cxmatrix.store.document import Document

    if output.suffix.lower() != ".cxm":
        raise UsageError(f"{output.name}: the output must be a .cxm file")
    if output.exists() and not force:
        raise UsageError(f"{output.name}: already exists (use --force to replace it)")
    Document.create(output, matrix, overwrite=force).close()


def cmd_new(args: argparse.Namespace) -> int:
    from cxmatrix.domain.templates import blank_matrix
    from cxmatrix.interchange.demo import demo_matrix

    matrix = demo_matrix() if args.demo else blank_matrix(args.title or "Untitled matrix")
    if args.title and args.demo:
        matrix.set_properties(title=args.title)
    _create(args.output, matrix, args.force)
    print(f"Created {args.output} ({matrix.touchpoint_count} touchpoints, "
          f"{len(matrix.departments)} departments).")
    return EXIT_OK


def read_matrix(path: Path | ServerSource) -> Matrix:
    """A .cxm document opened read-only, any importable file, or a team-server matrix."""
    if isinstance(path, ServerSource):
        from cxmatrix.store.server import transfer

        return transfer.read_matrix(_address(path))
    if path.suffix.lower() == ".cxm":
        from cxmatrix.store.document import Document

        with Document.open(path, read_only=True) as document:
            return document.matrix
    from cxmatrix.interchange.formats import reader_for

    return reader_for(path)(path).matrix


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
    from cxmatrix.domain.findings import FindingsIndex

    matrix = read_matrix(args.file)
    findings = FindingsIndex(matrix).all()
    summary = summarise(matrix)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    if args.json:
        counts = dict.fromkeys(SEVERITY_OF, 0)
        for finding in findings:
            counts[finding.code] += 1
        print(json.dumps({
            "file": args.file.name,
            "touchpoints": summary.touchpoints,
            "departments": summary.departments,
            "single_owner_share": round(summary.single_owner_share, 4),
            "counts": counts,
            "findings": [finding_to_json(matrix, f) for f in findings],
        }, ensure_ascii=False, indent=2))
    else:
        share = (f"{summary.single_owner_share:.0%} with exactly one owner"
                 if summary.touchpoints else "no touchpoints yet")
        print(f"{matrix.title}: {summary.touchpoints} touchpoints, {summary.departments} "
              f"departments, {share}.")
        for finding in findings:
            data = finding_to_json(matrix, finding)
            where = data["touchpoint"] or data["department"] or ""
            print(f"{finding.severity.value:7} {finding.code:24} {where}: {finding.message}")
        by_severity = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
        nouns = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"),
                 Severity.INFO: ("info", "info")}
        print(", ".join(f"{n} {nouns[s][n != 1]}" for s, n in by_severity.items()))
    return EXIT_FINDINGS if errors else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from cxmatrix.interchange.formats import reader_for

    if args.input.suffix.lower() == ".cxm":
        raise UsageError(f"{args.input.name}: already a cxmatrix file; open it directly")
    if args.output.exists() and not args.force:
        raise UsageError(f"{args.output.name}: already exists (use --force to replace it)")
    options: dict[str, object] = {}
    if args.sheet is not None:
        options["sheet"] = args.sheet
    if args.mapping is not None:
        options["mapping"] = _mapping_option(args.mapping)
    result = reader_for(args.input)(args.input, **options)
    _create(args.output, result.matrix, args.force)
    for line in result.report:
        print(line)
    print(f"Wrote {args.output}.")
    return EXIT_OK


def _mapping_option(value: str) -> str | dict[str, str]:
    """A preset name, or a JSON file holding {"code": "own" | "influence" | "handle" | ""}."""
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

    writer = writer_for(args.output)
    if args.output.resolve() == args.file.resolve():
        raise UsageError(f"{args.output.name}: would overwrite the matrix itself")
    matrix = read_matrix(args.file)
    suffix = args.output.suffix.lower()
    pdf_only = {"fit_page": args.fit_page, "only_findings": args.only_findings}
    if suffix not in {".pdf", ".png"} and any(pdf_only.values()):
        raise UsageError(f"{args.output.name}: --fit-page and --only-findings are for PDF "
                         "reports and their PNG images")
    if suffix != ".png":
        if args.page is not None or args.scale is not None:
            raise UsageError(f"{args.output.name}: --page and --scale are for PNG images")
        writer(matrix, args.output, source_name=args.file.name, page_size=args.page_size,
               lenses=tuple(args.lens), **pdf_only)
        print(f"Wrote {args.output}.")
        return EXIT_OK
    from cxmatrix.interchange.pdf.image import DEFAULT_SCALE, write_images

    if len(args.lens) > 1:
        raise UsageError(f"{args.output.name}: an image shows one lens page; name one "
                         "department with --lens")
    if args.lens and args.page != "lens":
        raise UsageError(f"{args.output.name}: --lens chooses the department of --page lens")
    written = write_images(matrix, args.output, source_name=args.file.name,
                           page_size=args.page_size, page=args.page or "summary",
                           lens=args.lens[0] if args.lens else None,
                           scale=DEFAULT_SCALE if args.scale is None else args.scale,
                           **pdf_only)
    if len(written) == 1:
        print(f"Wrote {written[0]}.")
    else:
        print(f"Wrote {len(written)} images, one per page: {written[0]} … {written[-1]}.")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from cxmatrix.domain.compare import compare

    comparison = compare(read_matrix(args.old), read_matrix(args.new), match_by=args.match)
    if args.json:
        print(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
    elif comparison.is_empty:
        print(f"No differences between {args.old.name} and {args.new.name}.")
    else:
        counts = ", ".join(f"{count:,} {what}" for what, count in comparison.counts().items()
                           if count)
        print(f"{args.old.name} → {args.new.name}: {counts}")
        for line in comparison.lines():
            print(f"  {line}")
    return EXIT_OK if comparison.is_empty else EXIT_FINDINGS


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


COMMANDS = {"server": cmd_server, "publish": cmd_publish, "pull": cmd_pull,
            "members": cmd_members, "new": cmd_new, "check": cmd_check, "import": cmd_import,
            "export": cmd_export, "diff": cmd_diff}
