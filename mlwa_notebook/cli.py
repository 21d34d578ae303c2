"""``mlwa``: check notebooks in CI and pre-commit, read rule docs, inspect and validate lenses.

Exit codes: 0 clean, 1 findings at or above ``--fail-on`` or a notebook that cannot be read,
2 usage error or nothing readable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlwa_notebook import __version__
from mlwa_notebook.config import Config, find_config
from mlwa_notebook.discovery import find_notebooks
from mlwa_notebook.errors import MlwaError
from mlwa_notebook.vocabulary import SEVERITIES, severity_rank

if TYPE_CHECKING:
    from mlwa_notebook.report import Report
    from mlwa_notebook.resultcache import ResultCache
    from mlwa_notebook.runner import Outcome

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlwa",
        description="Check ML notebooks against the AWS Well-Architected Machine Learning Lens.",
    )
    parser.add_argument("--version", action="version", version=f"mlwa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="analyse notebooks (files or folders)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    # --output-format is ruff's spelling of the same option, so either one works in CI scripts.
    check.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=("text", "concise", "json", "jsonl", "sarif", "github"),
        default="text",
        help="text (default), concise (one `path:cell:line: CODE message` a finding), json, "
        "jsonl (one notebook report a line, streamed as each is ready), sarif or github",
    )
    check.add_argument(
        "--fail-on",
        choices=(*SEVERITIES, "never"),
        default=None,
        help="lowest severity that makes the exit code 1 (default: [tool.mlwa] "
        "fail-on, else warning)",
    )
    check.add_argument(
        "--select",
        type=_csv,
        default=None,
        metavar="CODES",
        help="only these rules (codes, code prefixes or names, comma-separated)",
    )
    check.add_argument(
        "--ignore", type=_csv, default=None, metavar="CODES", help="skip these rules"
    )
    check.add_argument(
        "--config",
        type=Path,
        default=None,
        help="pyproject.toml to read [tool.mlwa] from (default: the nearest)",
    )
    check.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    check.add_argument("--no-progress", action="store_true", help="no progress bar on a terminal")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every notebook; neither read nor write .mlwa_cache/",
    )
    check.add_argument(
        "--dask",
        default=None,
        metavar="SCHEDULER",
        help="analyse on a Dask cluster (tcp://scheduler:8786); needs mlwa-notebook[dask]",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="(text format) count the open findings per rule instead of listing them",
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even with findings (same as --fail-on never)",
    )
    check.add_argument("-o", "--output", type=Path, default=None, help="write the report here")
    check.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="FILE",
        help="leave out the findings recorded in FILE (`mlwa baseline write`); report the "
        "entries that no longer match",
    )

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rule = sub.add_parser("rule", help="show one rule's documentation")
    rule.add_argument("code", help="a rule code (MLW001) or name (unversioned-data)")

    lens = sub.add_parser("lens", help="the loaded lenses")
    lens_sub = lens.add_subparsers(dest="lens_command", metavar="SUBCOMMAND")
    show = lens_sub.add_parser("show", help="pillars, phases and best practices (default)")
    show.add_argument("--phase", default=None, help="only practices of this lens or cell phase")
    show.add_argument("--pillar", default=None, help="only practices of this pillar")
    show.add_argument("--format", choices=("text", "json"), default="text")
    validate = lens_sub.add_parser("validate", help="check a custom lens file")
    validate.add_argument("file", type=Path)
    clean = sub.add_parser("clean", help="remove the result cache (.mlwa_cache/) here and below")
    clean.add_argument("paths", nargs="*", metavar="PATH", default=["."])
    _export_parser(sub)
    _baseline_parser(sub)
    return parser


def _baseline_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    baseline = sub.add_parser("baseline", help="record today's findings, so CI fails on new ones")
    baseline_sub = baseline.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND")
    write = baseline_sub.add_parser(
        "write", help="write the open findings of PATH... to the baseline file"
    )
    write.add_argument("paths", nargs="+", metavar="PATH")
    write.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("mlwa-baseline.json"),
        help="the baseline file (default: mlwa-baseline.json)",
    )
    write.add_argument(
        "--config",
        type=Path,
        default=None,
        help="pyproject.toml to read [tool.mlwa] from (default: the nearest)",
    )


def _export_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from mlwa_notebook.export.formats import FORMATS

    export = sub.add_parser(
        "export",
        help="write the review: annotated notebook, HTML, Markdown, JSON, SARIF or WA Tool file",
        description="Export one notebook's review. The source is never changed unless "
        "--in-place; outputs are written atomically and never overwritten without --force.",
    )
    export.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    export.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="OUT",
        help="output file, '-' for standard output (default: beside the notebook, "
        "NAME.review.ipynb / .review.html / .review.md / .review.json, NAME.sarif, "
        "NAME.wa-tool.json)",
    )
    export.add_argument("--to", choices=FORMATS, default=FORMATS[0], help="format (default: ipynb)")
    export.add_argument("--force", action="store_true", help="overwrite an existing output")
    export.add_argument(
        "--in-place", action="store_true", help="annotate the notebook itself (ipynb only)"
    )
    export.add_argument(
        "--notes",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="short notes under flagged cells (ipynb, html; default: on)",
    )
    export.add_argument(
        "--config",
        type=Path,
        default=None,
        help="pyproject.toml to read [tool.mlwa] from (default: the nearest)",
    )


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} notebooks")
    if done == total:
        sys.stderr.write("\r" + " " * (width + 30) + "\r")
    sys.stderr.flush()


def _render(report: Report, fmt: str) -> str:
    if fmt == "json":
        from mlwa_notebook.views.machine import render_json

        return render_json(report)
    if fmt == "sarif":
        from mlwa_notebook.views.machine import render_sarif

        return render_sarif(report, _sarif_regions(report))
    if fmt == "github":
        from mlwa_notebook.views.machine import render_github

        return render_github(report, _sarif_regions(report))
    if fmt == "concise":
        from mlwa_notebook.views.text import render_concise

        return render_concise(report)
    from mlwa_notebook.views.text import render_text

    return render_text(report)


def _sarif_regions(report: Report) -> dict[str, dict[int, tuple[int, ...]]]:
    """The file line of every cell source line, so code scanning marks the right JSON line."""
    from mlwa_notebook.export.positions import cell_source_lines

    regions: dict[str, dict[int, tuple[int, ...]]] = {}
    for nb in report.notebooks:
        try:
            lines = cell_source_lines(Path(nb.path).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            continue  # the region is a convenience: the cell and line are in the result anyway
        if len(lines) == len(nb.cells):
            regions[nb.path] = {i: cell.file_lines for i, cell in enumerate(lines)}
    return regions


def _exit_code(report: Report, fail_on: str) -> int:
    if not report.notebooks:
        return EXIT_USAGE
    if fail_on == "never":
        return EXIT_OK
    # A corrupt or merge-conflicted notebook is a failure, as a syntax error is in ruff: else it
    # would pass pre-commit and CI unchecked. Only "never" (or --exit-zero) lets it through.
    if report.errors:
        return EXIT_FINDINGS
    threshold = severity_rank(fail_on)
    worst = [severity_rank(f.severity) for nb in report.notebooks for f in nb.findings]
    return EXIT_FINDINGS if any(w >= threshold for w in worst) else EXIT_OK


def _check_config(args: argparse.Namespace) -> Config:
    if args.config is not None:
        from mlwa_notebook.config import parse_config_file

        config = parse_config_file(args.config)
    else:
        config = find_config(Path(_first_local(args.paths)))
    config = config.with_overrides(args.select, args.ignore)
    _check_selection(config)
    return config


def _first_local(paths: Sequence[str]) -> str:
    """Where to look for the configuration: the first path on this machine, else here."""
    from mlwa_notebook.files import local_path

    for given in paths:
        local = local_path(given)
        if local is not None:
            return local
    return "."


def cmd_check(args: argparse.Namespace) -> int:
    config = _check_config(args)
    paths = list(find_notebooks(args.paths, config.exclude))
    if not paths:
        print(f"mlwa: no notebooks found in {', '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    fail_on = "never" if args.exit_zero else args.fail_on or config.fail_on
    if args.format == "jsonl":
        return _check_streamed(args, config, paths, fail_on)
    results = _results_of(args, config)
    answer = None
    if results is not None and args.baseline is None:
        # A tree where nothing changed prints what the same run printed last time.
        from mlwa_notebook.runcache import RunAnswer

        answer = RunAnswer(results, (args.format, args.statistics, fail_on), paths)
        found = answer.lookup()
        if found is not None:
            return _emit(args, *found)
    report, text = _checked_text(args, config, paths, results)
    code = _exit_code(report, fail_on)
    if answer is not None and not report.errors:
        answer.store(text, code)
    _emit(args, text, code)
    if args.format not in ("text", "concise"):
        for e in report.errors:
            print(f"mlwa: {e.path}: {e.message}", file=sys.stderr)
    return code


def _checked_text(
    args: argparse.Namespace, config: Config, paths: Sequence[str], results: ResultCache | None
) -> tuple[Report, str]:
    """The run's report and its text, in the format asked for."""
    show = not args.no_progress and sys.stderr.isatty() and len(paths) > 1
    with _engine_of(args, results) as engine:
        report = check_paths_progress(
            paths, config, args.jobs, _progress if show else None, **engine
        )
    baselined = 0
    if args.baseline is not None:
        report, baselined = _apply_baseline(report, args.baseline)
    if args.statistics and args.format == "text":
        from mlwa_notebook.views.text import render_statistics

        text = render_statistics(report)
    else:
        text = _render(report, args.format)
    if baselined and args.format == "text":
        text += f"\n{baselined} finding{'s' if baselined != 1 else ''} in the baseline ({args.baseline})"
    return report, text


def _emit(args: argparse.Namespace, text: str, code: int) -> int:
    if args.output is not None:
        from mlwa_notebook.atomic import write_text_atomic

        write_text_atomic(args.output, text + "\n")
    else:
        print(text)
    return code


def _results_of(args: argparse.Namespace, config: Config) -> ResultCache | None:
    """The result cache a check reads and writes: none with --no-cache, nor on a cluster
    (the workers read the notebooks, wherever they are)."""
    if args.no_cache or args.dask:
        return None
    from mlwa_notebook.resultcache import ResultCache

    return ResultCache.for_config(config)


@contextmanager
def _engine_of(args: argparse.Namespace, results: ResultCache | None) -> Iterator[dict[str, Any]]:
    """The result cache and the Dask client a check runs with, as ``check_paths`` takes them."""
    if not args.dask:
        yield {"results": results}
        return
    from mlwa_notebook.distributed import connect

    client = connect(args.dask)
    try:
        yield {"client": client}
    finally:
        client.close()


def _check_streamed(
    args: argparse.Namespace, config: Config, paths: Sequence[str], fail_on: str
) -> int:
    """``--format jsonl``: each notebook's report on its own line as soon as it is ready.

    Nothing but the exit code's inputs is kept, so memory stays flat over any number of
    notebooks; an error is a line too (``{"error": ...}``) and is repeated on stderr.
    """
    import json

    from mlwa_notebook.report import ErrorRecord

    if args.baseline is not None:
        raise MlwaError("--baseline needs the whole run: use --format json")
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    notebooks = errors = failing = 0
    threshold = severity_rank(fail_on) if fail_on != "never" else None
    try:
        with _engine_of(args, _results_of(args, config)) as engine:
            for outcome in iter_outcomes_of(paths, config, args.jobs, **engine):
                line = _streamed_line(outcome)
                if isinstance(outcome, ErrorRecord):
                    errors += 1
                    print(f"mlwa: {outcome.path}: {outcome.message}", file=sys.stderr)
                else:
                    notebooks += 1
                    if threshold is not None and any(
                        severity_rank(f.severity) >= threshold for f in outcome.findings
                    ):
                        failing += 1
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if not notebooks:
        return EXIT_USAGE
    if threshold is None:
        return EXIT_OK
    return EXIT_FINDINGS if errors or failing else EXIT_OK


def _streamed_line(outcome: Outcome) -> dict[str, Any]:
    from mlwa_notebook.report import ErrorRecord, notebook_to_dict, plain

    if isinstance(outcome, ErrorRecord):
        return {"error": plain(outcome)}
    return notebook_to_dict(outcome)


def _notebook_prints(report: Report) -> dict[str, dict[str, str]]:
    """Per notebook path, the fingerprint of each cell's source (read again from the file)."""
    from mlwa_notebook.baseline import cell_fingerprints
    from mlwa_notebook.notebook import parse_json

    prints: dict[str, dict[str, str]] = {}
    for nb in report.notebooks:
        try:
            prints[nb.path] = cell_fingerprints(nb, parse_json(Path(nb.path).read_bytes(), nb.path))
        except (OSError, MlwaError, ValueError):
            prints[nb.path] = {}  # it was read a moment ago; without prints nothing matches
    return prints


def _apply_baseline(report: Report, file: Path) -> tuple[Report, int]:
    """The report less the findings the baseline holds; stale entries are listed on stderr."""
    from mlwa_notebook.baseline import apply_baseline, read_baseline

    applied = apply_baseline(report, read_baseline(file), _notebook_prints(report), file.parent)
    if applied.stale:
        n = len(applied.stale)
        print(
            f"mlwa: {n} baseline entr{'ies' if n != 1 else 'y'} no longer match"
            f"{'' if n != 1 else 'es'} (fixed, or the cell changed); shrink {file} with "
            "`mlwa baseline write`:",
            file=sys.stderr,
        )
        for key in applied.stale:
            print(f"  {key.path}, cell {key.cell_id}, {key.code}", file=sys.stderr)
    return applied.report, applied.baselined


def cmd_baseline(args: argparse.Namespace) -> int:
    if args.baseline_command != "write":
        print("mlwa: baseline takes a subcommand: write", file=sys.stderr)
        return EXIT_USAGE
    from mlwa_notebook.baseline import keys_of, write_baseline
    from mlwa_notebook.resultcache import ResultCache

    if args.config is not None:
        from mlwa_notebook.config import parse_config_file

        config = parse_config_file(args.config)
    else:
        config = find_config(Path(args.paths[0]))
    paths = list(find_notebooks(args.paths, config.exclude))
    if not paths:
        print(f"mlwa: no notebooks found in {', '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    report = check_paths_progress(paths, config, None, None, ResultCache.for_config(config))
    prints = _notebook_prints(report)
    root = args.output.parent
    keys = [k for nb in report.notebooks for k in keys_of(nb, prints[nb.path], root, nb.findings)]
    total = write_baseline(args.output, keys)
    for e in report.errors:
        print(f"mlwa: {e.path}: {e.message} (not in the baseline)", file=sys.stderr)
    print(
        f"mlwa: wrote {args.output} ({total} finding{'s' if total != 1 else ''} in "
        f"{len(report.notebooks)} notebook{'s' if len(report.notebooks) != 1 else ''})",
        file=sys.stderr,
    )
    return EXIT_FINDINGS if report.errors else EXIT_OK


def check_paths_progress(
    paths: Sequence[str],
    config: Config,
    jobs: int | None,
    progress: Callable[[int, int], None] | None,
    results: ResultCache | None = None,
    client: Any = None,
) -> Report:
    from mlwa_notebook.runner import collect

    outcomes = []
    for outcome in iter_outcomes_of(paths, config, jobs, results, client):
        outcomes.append(outcome)
        if progress:
            progress(len(outcomes), len(paths))
    return collect(outcomes)


def iter_outcomes_of(
    paths: Sequence[str],
    config: Config,
    jobs: int | None,
    results: ResultCache | None = None,
    client: Any = None,
) -> Iterator[Outcome]:
    """Outcomes in path order: on this machine's cores, or on a Dask cluster with ``client``."""
    if client is not None:
        from mlwa_notebook.distributed import iter_outcomes_on

        return iter_outcomes_on(client, paths, config)
    from mlwa_notebook.runner import iter_outcomes

    return iter_outcomes(paths, config, jobs, results)


def _check_selection(config: Config) -> None:
    if not config.select and not config.ignore:
        return  # nothing to check: a cached run need not load the rules
    from mlwa_notebook.rules import ALL_RULES

    keys = {r.code for r in ALL_RULES} | {r.name for r in ALL_RULES}
    asked = set(config.select or ()) | set(config.ignore)
    unknown = sorted(k for k in asked if k not in keys and not any(c.startswith(k) for c in keys))
    if unknown:
        raise MlwaError(f"unknown rule(s): {', '.join(unknown)}; see `mlwa rules`")


def cmd_rules(args: argparse.Namespace) -> int:
    from mlwa_notebook.views.ruledocs import render_rule_list

    print(render_rule_list(args.format))
    return EXIT_OK


def cmd_rule(args: argparse.Namespace) -> int:
    from mlwa_notebook.rules import rule_by_key
    from mlwa_notebook.views.ruledocs import render_rule_doc

    rule = rule_by_key(args.code)
    if rule is None:
        print(f"mlwa: no rule {args.code!r}; see `mlwa rules`", file=sys.stderr)
        return EXIT_USAGE
    print(render_rule_doc(rule))
    return EXIT_OK


def cmd_lens(args: argparse.Namespace) -> int:
    from mlwa_notebook.views.lensview import render_lens

    if args.lens_command == "validate":
        from mlwa_notebook.lens import validate_lens_file

        problems = validate_lens_file(args.file)
        for p in problems:
            print(p)
        if problems:
            print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
            return EXIT_FINDINGS
        print(f"{args.file}: valid lens")
        return EXIT_OK
    config = find_config(Path.cwd())
    print(
        render_lens(
            config,
            getattr(args, "pillar", None),
            getattr(args, "phase", None),
            getattr(args, "format", "text"),
        )
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from mlwa_notebook.export import export_notebook, write_export

    config = None
    if args.config is not None:
        from mlwa_notebook.config import parse_config_file

        config = parse_config_file(args.config)
    if args.output == "-":
        if args.in_place:
            print("mlwa: --in-place writes the notebook itself: leave out -o -", file=sys.stderr)
            return EXIT_USAGE
        from mlwa_notebook.files import read_regular
        from mlwa_notebook.notebook import parse_json
        from mlwa_notebook.repo import data_tracking

        source = args.notebook
        try:
            data = read_regular(source)
        except OSError as exc:
            print(f"mlwa: {source}: cannot read the file: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
        result = export_notebook(
            parse_json(data, str(source)),
            str(source),
            args.to,
            config=config or find_config(source),
            tracking=data_tracking(source),
            notes=args.notes,
            text=data.decode("utf-8-sig"),
        )
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
        return EXIT_OK
    target, result = write_export(
        args.notebook,
        args.to,
        Path(args.output) if args.output else None,
        force=args.force,
        in_place=args.in_place,
        config=config,
        notes=args.notes,
    )
    masked = f"; {result.masked} secret value(s) masked in the copy" if result.masked else ""
    print(f"mlwa: wrote {target} ({result.findings} open findings{masked})", file=sys.stderr)
    return EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    import shutil

    from mlwa_notebook.resultcache import cache_root, clean

    folders = [Path(p) for p in args.paths]
    removed = clean(folders)
    # MLWA_CACHE_DIR, or the cache beside the configuration of a folder below the project root.
    configured = cache_root(find_config(folders[0]))
    if configured.is_dir():
        shutil.rmtree(configured, ignore_errors=True)
        removed.append(configured)
    for folder in removed:
        print(f"mlwa: removed {folder}", file=sys.stderr)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "rules": cmd_rules,
    "rule": cmd_rule,
    "lens": cmd_lens,
    "export": cmd_export,
    "baseline": cmd_baseline,
    "clean": cmd_clean,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except MlwaError as exc:
        print(f"mlwa: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
