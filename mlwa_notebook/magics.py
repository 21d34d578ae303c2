"""``%mlwa`` / ``%%mlwa`` and the check after every cell: ``%load_ext mlwa_notebook``.

The magics are thin: they parse a command, ask the kernel session for the report (live cells or
the saved file), and hand it to a view (``views/notebook_html``, ``views/radar``,
``views/widgets``). What the user sets (phase, answers, suppressions) goes to the notebook's
metadata through ``kernel/persist``.

To load the extension in every session (terminal IPython and every Jupyter kernel, which reads
the same file), add to the profile's ``ipython_config.py`` (``ipython profile create`` makes
``~/.ipython/profile_default/ipython_config.py``; use ``ipython_kernel_config.py`` for kernels
only)::

    c.InteractiveShellApp.extensions = ["mlwa_notebook"]
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display

from mlwa_notebook.checklist import checklist_for
from mlwa_notebook.errors import MlwaError
from mlwa_notebook.kernel.autocheck import AutoCheck
from mlwa_notebook.kernel.changes import AnswerChange, IgnoreChange, PhaseChange
from mlwa_notebook.kernel.session import Analysis, KernelSession
from mlwa_notebook.lens import FINE_PHASE_IDS, FINE_TO_LENS_PHASE, LENS_PHASE_IDS, PILLAR_IDS
from mlwa_notebook.location import cell_label
from mlwa_notebook.report import NotebookReport, PracticeState
from mlwa_notebook.views import notebook_html as views
from mlwa_notebook.vocabulary import PhaseSource

USAGE = """\
%mlwa SUBCOMMAND [--path NOTEBOOK.ipynb]     checks this notebook against the AWS Well-Architected ML Lens

  status                          what was analysed, the phase of every cell, pillar coverage, open findings
  findings                        open findings with their fix hints
  checklist [PHASE|PILLAR|all]    best practices to answer (default: the current cell's phase)
  answer BP-ID done [note]        tick a best practice (e.g. %mlwa answer MLOPS03-BP02 done data in DVC)
  answer BP-ID na REASON          mark it not applicable, with the reason
  answer BP-ID open [note]        re-open it
  phase [PHASE|none]              show or set the phase of this cell (e.g. %mlwa phase model-training)
  %%mlwa phase PHASE              (first line of a cell) set the cell's phase and run the rest of it
  ignore CODE [REASON]            suppress a finding code in this cell (--notebook: in the whole notebook)
  radar [--compare GIT-REF]       pillar radar; --compare overlays the notebook at a git ref (HEAD, HEAD~3)
  panel                           widget panel: overview, phases, checklist to tick, findings
  export [PATH] [--to FORMAT] [--force]   annotated copy of the notebook (or html, markdown, json, sarif, wa-tool)
  lens                            which lens and custom lenses are loaded, and the configuration
  auto [on|off]                   the short note under a cell that brings a new finding (on after loading)
  help                            this text

--path NOTEBOOK.ipynb names the notebook when the front end does not (plain IPython); it is
remembered for the session. Phases: """ + ", ".join(FINE_PHASE_IDS)

#: ``%%mlwa phase X`` / ``%%mlwa ignore X`` as a cell's first line: the rest of the cell is code.
CELL_SCOPED = re.compile(r"^%%mlwa\s+(?:--path\s+\S+\s+)?(phase|ignore)\b")
#: Options that take a value, and flags.
VALUE_OPTIONS = frozenset({"--path", "--compare", "--to"})
FLAG_OPTIONS = frozenset({"--notebook", "--force", "--cell"})  # --cell: see cell_scoped_magic
ANSWER_STATES = {"done": "done", "na": "na", "n/a": "na", "open": "open"}


@dataclass
class Command:
    """A parsed ``%mlwa`` line."""

    name: str
    args: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse(line: str) -> Command:
    """Split a magic line into subcommand, arguments, ``--option value`` pairs and flags."""
    try:
        tokens = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"%mlwa: {exc} (check the quotes)") from exc
    command = Command("")
    rest: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        name, eq, value = token.partition("=")
        if name in VALUE_OPTIONS:
            if not eq:
                index += 1
                if index >= len(tokens):
                    raise UsageError(f"%mlwa: {name} needs a value")
                value = tokens[index]
            command.options[name] = value
        elif token in FLAG_OPTIONS:
            command.flags.add(token)
        elif token.startswith("--"):
            raise UsageError(f"%mlwa: unknown option {token}\n\n{USAGE}")
        else:
            rest.append(token)
        index += 1
    command.name = rest[0].lower() if rest else "help"
    command.args = rest[1:]
    return command


def cell_scoped_magic(lines: list[str]) -> list[str]:
    """Input transformer: ``%%mlwa phase X`` becomes ``%mlwa phase X`` and the cell runs as code.

    So the cell's body runs as the cell itself (its errors fail the cell, its last value shows),
    not nested inside a magic.
    """
    if lines and CELL_SCOPED.match(lines[0]):
        return ["%mlwa --cell " + lines[0][len("%%mlwa ") :], *lines[1:]]
    return lines


def current_lens_phase(report: NotebookReport, index: int | None) -> str | None:
    """The lens phase the running cell's checklist shows, as the report decided it."""
    if index is None or not 0 <= index < len(report.cells):
        return None
    return report.cells[index].checklist_phase


def _show(rendered: views.Rendered) -> None:
    show(rendered.bundle(), raw=True)


def show(value: Any, raw: bool = False) -> None:
    """IPython's ``display`` (untyped), in one place."""
    display(value, raw=raw)  # type: ignore[no-untyped-call]


@magics_class
class MlwaMagics(Magics):
    """``%mlwa`` and ``%%mlwa``."""

    def __init__(self, shell: Any, session: KernelSession, auto: AutoCheck) -> None:
        super().__init__(shell)
        self.session = session
        self.auto = auto
        self.last_panel: Any = None
        self._commands: dict[str, Callable[[Command], Any]] = {
            "help": self._help,
            "status": self._status,
            "findings": self._findings,
            "checklist": self._checklist,
            "answer": self._answer,
            "phase": self._phase,
            "ignore": self._ignore,
            "radar": self._radar,
            "panel": self._panel,
            "export": self._export,
            "lens": self._lens,
            "auto": self._auto,
        }

    @line_cell_magic
    def mlwa(self, line: str, cell: str | None = None) -> Any:
        """Check this notebook against the AWS Well-Architected ML Lens: ``%mlwa help``."""
        if cell is None and not line.startswith("--cell "):
            return self._run(line)
        # ``%%mlwa phase|ignore``: the rest of the cell is the user's code and always runs; a
        # problem with the phase or the suppression is a warning line, not a failed cell.
        try:
            self._run(line, cell_scoped=True)
        except UsageError as exc:
            print(f"mlwa: {exc} (the cell ran anyway)", file=sys.stderr)
        if cell is not None:
            self._run_body(cell)
        return None

    def _run(self, line: str, cell_scoped: bool = False) -> Any:
        command = parse(line)
        handler = self._commands.get(command.name)
        if handler is None:
            raise UsageError(f"%mlwa: unknown subcommand {command.name!r}\n\n{USAGE}")
        if cell_scoped and command.name not in ("phase", "ignore"):
            raise UsageError(
                f"%%mlwa {command.name} takes no cell body; only `%%mlwa phase PHASE` and "
                f"`%%mlwa ignore CODE` run the rest of the cell (use %mlwa {command.name})"
            )
        try:
            if "--path" in command.options:
                self.session.set_path(command.options["--path"])
            return handler(command)
        except MlwaError as exc:
            raise UsageError(f"%mlwa {command.name}: {exc}") from exc

    def _run_body(self, cell: str) -> None:
        # Reached only when the input transformer did not rewrite the cell (called directly).
        assert self.shell is not None
        self.session.nested += 1
        try:
            self.shell.run_cell(cell, store_history=False)  # type: ignore[no-untyped-call]
        finally:
            self.session.nested -= 1

    # --- reading ------------------------------------------------------------------------------

    def _analysis(self) -> Analysis:
        return self.session.analyse(self.session.running_cell())

    def _help(self, _command: Command) -> None:
        _show(views.render_help(USAGE))

    def _status(self, _command: Command) -> None:
        found = self._analysis()
        _show(views.render_status(found.report, found.input.notes, found.running_index))

    def _findings(self, _command: Command) -> None:
        found = self._analysis()
        _show(views.render_findings(found.report, found.input.notes))

    def _checklist(self, command: Command) -> None:
        found = self._analysis()
        report = found.report
        wanted = command.args[0].lower() if command.args else None
        ranked: Sequence[PracticeState] = ()
        if wanted is None and current_lens_phase(report, found.running_index):
            # The running cell's checklist, ranked for it: the same decision the sidebar shows.
            index = cast(int, found.running_index)
            chosen = checklist_for(report.cells, report.checklist, index)
            states, ranked = list(chosen.practices), chosen.ranked
            title = f"Checklist for {cell_label(index)}: {chosen.phase}"
        elif wanted is None:
            states, title = list(report.checklist), "Checklist: all phases present"
        elif wanted == "all":
            states, title = list(report.checklist), "Checklist: all phases present"
        elif wanted in PILLAR_IDS:
            states = [s for s in report.checklist if s.pillar == wanted]
            title = f"Checklist: {views.pillar_name(wanted)}"
        elif wanted in LENS_PHASE_IDS or FINE_TO_LENS_PHASE.get(wanted):
            phase = wanted if wanted in LENS_PHASE_IDS else FINE_TO_LENS_PHASE[wanted]
            states = [s for s in report.checklist if s.phase == phase]
            title = f"Checklist: {phase}"
        else:
            choices = ", ".join([*LENS_PHASE_IDS, *PILLAR_IDS, "all"])
            raise MlwaError(f"no phase or pillar {wanted!r}; use one of {choices}")
        _show(views.render_checklist(states, title, found.input.notes, ranked))

    def _lens(self, _command: Command) -> None:
        config = self.session.config_for(self.session.location())
        lens = self.session.lens_for(config)
        sources = [(s.lens_id, s.name, str(s.path)) for s in lens.sources]
        source = str(config.source) if config.source else None
        _show(views.render_lens(sources, len(lens.best_practices), source))

    def _auto(self, command: Command) -> None:
        if command.args:
            value = command.args[0].lower()
            if value not in ("on", "off"):
                raise MlwaError(f"auto takes on or off, not {value!r}")
            self.auto.enabled = value == "on"
        state = "on" if self.auto.enabled else "off"
        median = self.auto.median_ms()
        cost = (
            f" (median {median:.1f} ms per cell over {len(self.auto.durations)} cells)"
            if median is not None
            else ""
        )
        _show(views.render_message(f"after-cell check is {state}{cost}"))

    # --- writing ------------------------------------------------------------------------------

    def _running_cell_id(self, what: str) -> str:
        running = self.session.running_cell()
        if running is None or not running.cell_id:
            raise MlwaError(
                f"the front end did not say which cell runs, so {what} cannot be set here; "
                "use the cell tag instead (see %mlwa help)"
            )
        return running.cell_id

    def _phase(self, command: Command) -> None:
        if not command.args:
            found = self._analysis()
            index = found.running_index
            if index is None:
                raise MlwaError("this cell is not in the analysed notebook (save it first)")
            cell = found.report.cells[index]
            how = (
                "set by you"
                if cell.phase_source == PhaseSource.EXPLICIT
                else f"from its {cell.phase_source}"
            )
            _show(
                views.render_message(
                    f"{cell_label(index)}: {cell.phase} ({how}, {views.percent(cell.confidence)})"
                )
            )
            return
        wanted = command.args[0].lower()
        phase = None if wanted in ("none", "clear", "auto") else wanted
        if phase is not None and phase not in FINE_PHASE_IDS:
            raise MlwaError(
                f"unknown phase {wanted!r}; use one of {', '.join(FINE_PHASE_IDS)} (or none)"
            )
        done = self.session.persist(PhaseChange(self._running_cell_id("its phase"), phase))
        _show(views.render_message(done.message))

    def _ignore(self, command: Command) -> None:
        if not command.args:
            raise MlwaError("which code? e.g. %mlwa ignore MLW004 seeded in the training script")
        from mlwa_notebook.rules import rule_by_key

        rule = rule_by_key(command.args[0]) or rule_by_key(command.args[0].upper())
        if rule is None:
            from mlwa_notebook.rules import ALL_RULES

            codes = ", ".join(f"{r.code} ({r.name})" for r in ALL_RULES)
            raise MlwaError(f"no rule {command.args[0]!r}; rules: {codes}")
        reason = " ".join(command.args[1:])
        cell_id = (
            None if "--notebook" in command.flags else self._running_cell_id("a cell suppression")
        )
        done = self.session.persist(IgnoreChange(rule.code, reason, cell_id))
        _show(views.render_message(done.message))

    def _answer(self, command: Command) -> None:
        if len(command.args) < 2:
            raise MlwaError("usage: %mlwa answer BP-ID done|na|open [note or reason]")
        done = self.answer(command.args[0], command.args[1], " ".join(command.args[2:]))
        _show(views.render_message(done))

    def answer(self, bp_id: str, state: str, text: str = "") -> str:
        """Keep a checklist answer (the kernel API the panel uses too); returns the message."""
        config = self.session.config_for(self.session.location())
        practice = self.session.lens_for(config).practice(bp_id)
        if practice is None:
            raise MlwaError(
                f"no best practice {bp_id!r} in the loaded lenses (see %mlwa checklist)"
            )
        value = ANSWER_STATES.get(state.lower())
        if value is None:
            raise MlwaError(f"answer done, na or open, not {state!r}")
        if value == "na" and not text.strip():
            raise MlwaError(
                f"say why {practice.id} does not apply: %mlwa answer {practice.id} na REASON"
            )
        from mlwa_notebook.identity import who

        where = self.session.location()
        by = who(Path(where.path).parent if where is not None else None)
        change = (
            AnswerChange(practice.id, value, reason=text.strip(), by=by)
            if value == "na"
            else AnswerChange(practice.id, value, note=text.strip(), by=by)
        )
        return self.session.persist(change).message

    # --- views --------------------------------------------------------------------------------

    def _radar(self, command: Command) -> None:
        from mlwa_notebook.views.radar import radar_bundle

        found = self._analysis()
        compare, label = None, "before"
        if "--compare" in command.options:
            compare, label = self.session.analyse_at_ref(command.options["--compare"])
        show(radar_bundle(found.report, compare, label), raw=True)

    def _panel(self, _command: Command) -> Any:
        from mlwa_notebook.views.widgets import build_panel

        panel = build_panel(self._panel_view(), _PanelActions(self))
        self.last_panel = panel
        show(panel)
        return None

    def _panel_view(self) -> Any:
        from mlwa_notebook.views.widgets import PanelView

        found = self._analysis()
        phase = current_lens_phase(found.report, found.running_index)
        return PanelView(found.report, found.input.notes, phase, found.running_index)

    def _export(self, command: Command) -> None:
        _show(views.render_message(export(self.session, command)))


class _PanelActions:
    """What the widget panel may ask of the kernel."""

    def __init__(self, magics: MlwaMagics) -> None:
        self._magics = magics

    def answer(self, bp_id: str, state: str, text: str) -> str:
        return self._magics.answer(bp_id, state, text)

    def refresh(self) -> Any:
        return self._magics._panel_view()


def export(session: KernelSession, command: Command) -> str:
    """``%mlwa export [PATH] [--to FORMAT] [--force]`` through the one exporter, when installed."""
    try:
        import mlwa_notebook.export as exporter
        from mlwa_notebook.export.formats import SUFFIXES
    except ImportError:
        return "export is not available in this installation (mlwa_notebook.export is missing)"
    output = Path(command.args[0]) if command.args else None
    fmt = command.options.get("--to") or (format_of(output, SUFFIXES) if output else "ipynb")
    if fmt not in exporter.FORMATS:
        raise MlwaError(
            f"unknown format {fmt!r}; use --to with one of {', '.join(exporter.FORMATS)}"
        )
    found = session.analyse(session.running_cell())
    config = session.config_for(found.input.location)
    saved = found.input.origin == "file"
    # The session has decided what the user sees: the live cells (unsaved edits included), or
    # the saved file, which the exporter reads itself (so SARIF points at the file's lines).
    # The exporter owns the file rules: default name, --force, atomic write.
    target, result = exporter.write_export(
        Path(found.input.path),
        fmt,
        output,
        force="--force" in command.flags,
        config=config,
        live=None if saved else found.input.notebook,
        lens=session.lens_for(config),
    )
    what = "the saved file" if saved else "the live cells (unsaved edits included)"
    masked = f", {result.masked} secret(s) masked" if result.masked else ""
    return f"exported {what} as {fmt} to {target} ({result.findings} open finding(s){masked})"


def format_of(output: Path, suffixes: Mapping[str, str]) -> str:
    """The export format an output file name asks for (``x.sarif`` → sarif); ipynb by default."""
    for fmt, suffix in sorted(suffixes.items(), key=lambda item: -len(item[1])):
        if output.name.endswith(suffix):
            return fmt
    for fmt, suffix in suffixes.items():
        if Path(suffix).suffix == output.suffix:
            return fmt
    return "ipynb"


def session_of(ipython: Any) -> KernelSession | None:
    """The ``%mlwa`` session of a shell, when the extension is loaded (for tests and tools)."""
    magics = ipython.magics_manager.registry.get(MlwaMagics.__name__)
    return magics.session if isinstance(magics, MlwaMagics) else None


def load(ipython: Any) -> None:
    """Register ``%mlwa``, the live-cells comm target and the after-cell check (on by default)."""
    if session_of(ipython) is not None:
        return
    session = KernelSession(ipython)
    auto = AutoCheck(session)
    ipython.register_magics(MlwaMagics(ipython, session, auto))
    ipython.events.register("pre_run_cell", auto.before)
    ipython.events.register("post_run_cell", auto)
    session.live.register(ipython)
    ipython.input_transformers_cleanup.append(cell_scoped_magic)


def unload(ipython: Any) -> None:
    """Remove what ``load`` added."""
    magics = ipython.magics_manager.registry.pop(MlwaMagics.__name__, None)
    if not isinstance(magics, MlwaMagics):
        return
    for event, callback in (("pre_run_cell", magics.auto.before), ("post_run_cell", magics.auto)):
        try:
            ipython.events.unregister(event, callback)
        except ValueError:
            pass
    magics.session.live.unregister()
    magics.session.close()
    if cell_scoped_magic in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.remove(cell_scoped_magic)
    for kind in ("line", "cell"):
        ipython.magics_manager.magics[kind].pop("mlwa", None)
