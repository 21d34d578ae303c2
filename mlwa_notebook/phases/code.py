"""What one code cell says about its phase, on its own: the signal rows its ``CodeFacts`` match.

Nothing here looks at other cells; ``flow`` and the classifier add what the notebook around the
cell says.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from mlwa_notebook.cellcode import Call, CodeFacts, resolve
from mlwa_notebook.phases.flow import words
from mlwa_notebook.phases.index import Scores, SignalIndex, Tally, Why, signal_index
from mlwa_notebook.phases.signals import SE, SPLIT_WORDS, Signal

#: Weight of what a ``%%writefile`` script does, relative to code run in the cell itself.
SCRIPT_FACTOR = 0.8
#: A cell whose best own score reaches this decides mostly by itself.
STRONG = 2.5
#: Values a configuration cell binds (``REGION = "us-east-1"``, ``URI = f"gs://{BUCKET}"``).
CONSTANT_KINDS = frozenset({"str", "num", "bool", "none", "fstring", "collection"})
#: Calls that do not make a cell more than an import cell.
PLAIN_CALLS = frozenset({"print", "version", "filterwarnings", "set_option", "display"})


@lru_cache(maxsize=8192)
def _callee_keys(func: str) -> tuple[str, ...]:
    parts = func.replace("()", "").replace("[]", "").split(".")
    if len(parts) >= 2:
        keys = (f"{parts[-2]}.{parts[-1]}", parts[-1])
        # ``Model.create(...)``, ``FeatureGroup.get(...)``: the class says as much as the method.
        return (*keys, parts[-2]) if parts[-2][:1].isupper() else keys
    return (parts[-1],)


@lru_cache(maxsize=8192)
def _rows_matching(kind: str, text: str) -> tuple[Signal, ...]:
    """The rows of ``kind`` that match a callee (callees repeat: each is matched once)."""
    return tuple(sig for sig, _ in signal_index().matcher(kind).matches(text))


def _attributes(facts: CodeFacts, index: SignalIndex) -> dict[str, None]:
    """The attributes of the table read anywhere in a dotted callee, argument or value."""
    texts = [c.func for c in facts.calls]
    for c in facts.calls:
        texts.extend(v.text for v in c.args if v.kind in ("name", "call"))
        texts.extend(v.text for v in c.kwargs.values() if v.kind in ("name", "call"))
    texts.extend(a.value.text for a in facts.assigns if a.value.kind in ("name", "call"))
    joined = "\n".join(t for t in texts if "." in t)
    # In the order they appear, so that the reasons shown do not depend on the hash seed.
    return dict.fromkeys(index.attr_pattern.findall(joined)) if joined else {}


def _score_call(
    call: Call, imports: Mapping[str, str], index: SignalIndex, tally: Tally, factor: float
) -> bool:
    """Score one call; True when a row explains it (what it is called on then adds nothing)."""
    where = f"calls {call.func}() (line {call.line})"
    hit = False
    for key in _callee_keys(call.func):
        candidates = index.calls.get(key)
        if not candidates:
            continue
        qualified = resolve(call.func, imports) if candidates[0].module else ""
        for sig in candidates:
            if not sig.module or qualified.startswith(sig.module):
                tally.add(sig.phase, sig.weight * factor, where, sig)
                hit = True
                break
        if hit:
            break
    if not hit:
        for sig in _rows_matching("chain", call.func):
            tally.add(sig.phase, sig.weight * factor, where, sig)
            hit = True
    if not hit:
        for sig in _rows_matching("callee", call.attr):
            tally.add(sig.phase, sig.weight * factor, where, sig)
            hit = True
    for sig in index.uploads.get(call.attr, ()):
        if any(SPLIT_WORDS.search(v.text) for v in (*call.args, *call.kwargs.values())):
            tally.add(sig.phase, sig.weight * factor, f"uploads prepared splits ({where})", sig)
    if "." in call.func and call.attr in index.receiver_methods:
        for word in words(call.root):
            for methods, sig in index.receivers.get(word, ()):
                if call.attr in methods:
                    tally.add(sig.phase, sig.weight * factor, where, sig)
                    hit = True
    for name, value in call.kwargs.items():
        for pattern, sig in index.kwargs.get(name, ()):
            if pattern is None:
                tally.add(sig.phase, sig.weight * factor, f"passes {name}=", sig)
            elif value.kind == "str" and pattern.search(value.text):
                tally.add(sig.phase, sig.weight * factor, f"passes {name}={value.text!r}", sig)
    return hit


def score_code(
    facts: CodeFacts, imports: Mapping[str, str], source: str = "", script: bool = False
) -> tuple[Scores, Why, frozenset[str]]:
    """Phase scores of one code cell (or of the ``%%writefile`` script it writes) from what it
    calls, imports, runs and names.

    Returns the scores, the reasons, and the receivers of the calls that a row explained.
    """
    factor = SCRIPT_FACTOR if script else 1.0
    index = signal_index()
    tally = Tally()
    matched = {
        call.root
        for call in facts.calls
        if _score_call(call, imports, index, tally, factor) and "." in call.func
    }
    for attr in _attributes(facts, index):
        for sig in index.attrs.get(attr, ()):
            tally.add(sig.phase, sig.weight * factor, f"reads .{attr}", sig)
    for module in dict.fromkeys(facts.imports.values()):
        for sig in index.imports:
            if module.startswith(sig.pattern):
                tally.add(sig.phase, sig.weight * factor, f"imports {module}", sig)
    shell = index.matcher("shell")
    for command in facts.shells:
        for sig, _ in shell.matches(command.text):
            tally.add(sig.phase, sig.weight * factor, f"runs `{command.text[:60]}`", sig)
    if facts.cell_magic:
        for sig in index.magics.get(facts.cell_magic, ()):
            tally.add(sig.phase, sig.weight, f"%%{facts.cell_magic} cell", sig)
    if facts.strings:
        joined = "\n".join(s for _, s in facts.strings if len(s) < 500)
        for sig, found in index.matcher("string").matches(joined):
            tally.add(sig.phase, sig.weight * factor, f"mentions “{found[:40]}”", sig)
    _score_names(facts, index, tally, factor)
    if source and not facts.calls and facts.language in ("python", "other"):
        kind = "source" if facts.language == "other" else "comment"
        text = source if kind == "source" else _comments(source)
        for sig, found in index.matcher(kind).matches(text):
            tally.add(sig.phase, sig.weight, f"{kind} says “{found.strip()[:40]}”", sig)
    if facts.script is not None:
        s_scores, s_why, _ = score_code(facts.script, facts.script.imports, script=True)
        for phase, value in s_scores.items():
            tally.scores[phase] = tally.scores.get(phase, 0.0) + value
            tally.why.setdefault(phase, []).extend(
                f"script {facts.script_path}: {w}" for w in s_why[phase]
            )
    if not script:  # a script's helpers serve the script: only cells are helper libraries
        _fallbacks(facts, tally)
    return tally.scores, tally.why, frozenset(matched)


def _score_names(facts: CodeFacts, index: SignalIndex, tally: Tally, factor: float) -> None:
    """Words in the names a cell binds: ``xgb_endpoint``, ``tuner``, ``feature_group``."""
    named: dict[int, tuple[Signal, list[str]]] = {}
    for name in sorted(facts.stored):
        for word in words(name):
            for sig in index.names.get(word, ()):
                named.setdefault(id(sig), (sig, []))[1].append(name)
    for sig, names in named.values():
        # Several names with the word say it louder, up to twice.
        weight = sig.weight * min(2.0, 1.0 + 0.5 * (len(names) - 1)) * factor
        tally.add(sig.phase, weight, "names " + ", ".join(f"`{n}`" for n in names[:3]), sig)


def _comments(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.lstrip().startswith("#"))


def _fallbacks(facts: CodeFacts, tally: Tally) -> None:
    """What a cell with few signals still says: imports, helper definitions, configuration."""
    work = {p: v for p, v in tally.scores.items() if p != SE}
    if facts.imports and max(work.values(), default=0.0) < STRONG:
        only = all(c.attr in PLAIN_CALLS for c in facts.calls)
        shown = ", ".join(sorted(set(facts.imports.values()))[:3])
        tally.add(SE, 2.0 if only else 1.0, f"imports {shown}")
    if facts.defs:
        spread = sorted((v for v in work.values() if v >= 1.5), reverse=True)
        if len(spread) >= 3 and spread[0] < 0.5 * sum(spread):
            # A library of helpers for several phases serves none of them: it is setup.
            shown = ", ".join(facts.defs[:3])
            tally.add(SE, 0.6 * sum(spread), f"defines helpers for several phases ({shown})")
        elif not work:
            tally.add(SE, 1.5, f"defines {', '.join(facts.defs[:3])}")
    if not tally.scores and facts.language == "python" and facts.assigns and not facts.calls:
        constants = sum(a.value.kind in CONSTANT_KINDS for a in facts.assigns)
        if 2 * constants >= len(facts.assigns):
            tally.add(SE, 1.0, "sets configuration values")
