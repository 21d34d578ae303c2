"""What a code cell does, read once: its language, its Python, and the facts rules and phases use.

A cell is parsed on its own, so one broken cell costs one finding and the others are still read.
Plain Python is parsed directly; a cell that is not valid Python goes through IPython's own input
transformer (line and cell magics, ``!cmd``, ``x = !cmd``) and is parsed again. The body of a
``%%writefile`` script is parsed as the script it is, so rules can see what a training script does.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

#: Cell magics whose body is Python run in the kernel.
PYTHON_BODY_MAGICS = frozenset({"time", "timeit", "capture", "prun", "mlwa", "debug"})
#: Cell magics whose body is shell commands.
SHELL_MAGICS = frozenset({"bash", "sh", "script", "system", "!"})
#: Cell magics whose body is a query.
QUERY_MAGICS = frozenset({"sql", "bigquery", "sparksql", "athena", "kql"})
#: Cell magics whose body is another language or markup, never Python.
FOREIGN_MAGICS = frozenset(
    "html javascript js latex markdown svg perl ruby R r julia octave sx".split()
)

#: A line IPython would rewrite: a magic, a shell escape, or ``x = !cmd`` / ``x = %magic``.
_ESCAPED = re.compile(r"^\s*([%!?]|[\w.,\s()\[\]]+=\s*[%!])")
_ROOT = re.compile(r"[.(\[]")
#: A line that starts with a bare word followed by an argument that is not Python
#: (``pip install x``, ``ls -la ../data``): IPython's automagic runs such lines as magics.
_AUTOMAGIC = re.compile(r"^\s*([a-z_]+)[ \t]+(?![=(.\[+*/%<>!&|^-]?=)(?=[-\w./~$'\"])")
#: Magics (and IPython's shell aliases) that automagic runs without a ``%``.
AUTOMAGICS = frozenset(
    "pip conda mamba ls cd pwd cat cp mv rm mkdir rmdir env set_env load_ext reload_ext "
    "matplotlib run store who whos history less man alias".split()
)
_IPY_CALL = re.compile(r"^get_ipython\(\)\.(system|getoutput|run_line_magic|run_cell_magic)$")


@dataclass(frozen=True, slots=True)
class Value:
    """A summary of an expression passed or assigned: enough to judge it without the AST.

    ``kind`` is one of str, num, bool, none, name, call, fstring, collection, other; ``text`` is the
    literal, the dotted name, the callee, or the f-string with ``{}`` where expressions stand.
    """

    kind: str
    text: str
    #: Plain names an assigned expression reads (``X_test`` in ``X_test.iloc[:5]``); data flow.
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Call:
    """One call: the callee as written (``pd.read_csv``, ``model.fit``), where, with what."""

    func: str
    line: int
    args: tuple[Value, ...]
    kwargs: Mapping[str, Value]
    targets: tuple[str, ...] = ()
    #: Plain names read anywhere in the call (receiver, arguments), for data flow.
    names: tuple[str, ...] = ()
    #: The last name of the callee: ``fit`` for ``model.fit`` (derived once; rules ask often).
    attr: str = field(init=False)
    #: The first name of the callee: ``model`` for ``model.fit``.
    root: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attr", self.func.rsplit(".", 1)[-1])
        object.__setattr__(self, "root", _ROOT.split(self.func, maxsplit=1)[0])

    def kw(self, name: str) -> Value | None:
        """The value of keyword ``name``, if given."""
        return self.kwargs.get(name)


@dataclass(frozen=True, slots=True)
class Shell:
    """A shell command (``!pip install x``, ``%%bash`` lines) or a line magic (``%pip install x``)."""

    kind: str  # "shell" or "magic"
    text: str  # the whole command, e.g. "pip install x" for both ``!pip install x`` and ``%pip``
    line: int


@dataclass(frozen=True, slots=True)
class Assign:
    """A name, attribute, or dict key bound to a value: ``password = "..."``, ``{"token": t}``."""

    target: str
    value: Value
    line: int


@dataclass(frozen=True, slots=True)
class CodeFacts:
    """Everything later stages need from one code cell (or one script the cell writes)."""

    language: str  # python, shell, query, other, empty
    cell_magic: str | None = None
    magic_args: str = ""
    error: tuple[int, str] | None = None
    imports: Mapping[str, str] = field(default_factory=dict)
    calls: tuple[Call, ...] = ()
    shells: tuple[Shell, ...] = ()
    assigns: tuple[Assign, ...] = ()
    strings: tuple[tuple[int, str], ...] = ()
    stored: frozenset[str] = frozenset()
    loaded: frozenset[str] = frozenset()
    defs: tuple[str, ...] = ()
    script_path: str | None = None
    script: CodeFacts | None = None
    #: ``if NAME:`` and ``if NAME == "literal":`` blocks: the name, the first and last line of
    #: the block's body, and the literal it must equal ("" for ``if NAME:``). A clean-up written
    #: under ``if delete_endpoint:`` runs only when that switch is on.
    guards: tuple[tuple[str, int, int, str], ...] = ()
    #: Attributes read off a value other than ``self`` (``search.best_score_``,
    #: ``automl.best_loss``): results a fitted object reports, read back.
    read_attributes: frozenset[str] = frozenset()
    #: Functions the code defines: name, first and last line, and parameter names (a metric
    #: computed inside ``def evaluate(y_true, y_pred):`` scores whatever it is later handed).
    functions: tuple[tuple[str, int, int, tuple[str, ...]], ...] = ()
    #: Command lines the code runs through ``os.system`` or ``subprocess`` (``subprocess.
    #: check_call([sys.executable, "-m", "pip", "install", "x"])``): unpinned-install reads the
    #: installs among them as the shell lines they are. Kept apart from ``shells`` (what a cell
    #: types itself), which the phase features and the other rules read.
    spawned: tuple[Shell, ...] = ()


def dotted(node: ast.AST) -> str:
    """The dotted name of an expression: ``a.b.c``, ``f().g`` for chains, ``?`` for the rest."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted(node.func)}()"
    if isinstance(node, ast.Subscript):
        return f"{dotted(node.value)}[]"
    return "?"


#: Longest callee or imported name kept. No real one is near it; a crafted 200 KB identifier
#: would otherwise reach every rule's callee patterns, so the work per name stays bounded.
MAX_NAME_CHARS = 256

#: Longest command line kept from a spawning call (``os.system(...)``): a shell line is no longer.
MAX_COMMAND_CHARS = 4096

#: At most this many names are kept per value or call: enough for data flow, bounded for huge
#: literals.
MAX_NAMES = 24


def names_in(node: ast.AST) -> tuple[str, ...]:
    """The distinct plain names an expression reads (at most ``MAX_NAMES``)."""
    found: dict[str, None] = {}
    stack = [node]
    while stack and len(found) < MAX_NAMES:
        sub: Any = stack.pop()  # Any: the exact-type dispatch below says what it is
        kind: Any = type(sub)
        if kind is ast.Name:
            found[sub.id] = None
            continue
        if kind is ast.Constant:
            continue
        for name in _child_fields(kind):
            child = getattr(sub, name, None)
            if type(child) is list:
                stack.extend(c for c in reversed(child) if isinstance(c, ast.AST))
            elif isinstance(child, ast.AST):
                stack.append(child)
    return tuple(found)


def _joined(node: ast.JoinedStr) -> str:
    return "".join(
        p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else "{}"
        for p in node.values
    )


def _filled(node: ast.expr | None) -> str:
    """What a string template shows for an argument: a literal's text, else ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float):
        return str(node.value)
    return "{}"


def _literal_head(template: str) -> bool:
    """Whether a string built from a template starts with its literal text (``s3://{}/train``),
    which says what it names. One that starts with an expression (``out_dir + "/x.csv"``) is
    left as the expression it is: where that came from says what it names."""
    return bool(template) and not template.startswith("{}")


def _format_template(node: ast.Call) -> str | None:
    """``"s3://{}/{}/train".format(bucket, prefix)`` read as the f-string it stands for, with
    the literal arguments filled in (``{}`` where an expression stands), or None."""
    func = node.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "format"
        and isinstance(func.value, ast.Constant)
        and isinstance(func.value.value, str)
    ):
        return None
    named = {kw.arg: kw.value for kw in node.keywords if kw.arg}
    parts: list[str] = []
    position = 0
    try:
        pieces = list(string.Formatter().parse(func.value.value))
    except ValueError:  # an unbalanced brace: Python would refuse it at run time
        return None
    for literal, field_name, _, _ in pieces:
        parts.append(literal)
        if field_name is None:
            continue
        head = re.split(r"[.\[]", field_name, maxsplit=1)[0]
        whole = head == field_name  # ``{0}`` or ``{name}``, not ``{0.attr}`` or ``{d[k]}``
        if head == "":
            head, position = str(position), position + 1
        arg = node.args[int(head)] if head.isdigit() and int(head) < len(node.args) else None
        parts.append(_filled(arg if head.isdigit() else named.get(head)) if whole else "{}")
    return "".join(parts)


#: A printf-style conversion (``%s``, ``%05.2f``, ``%(name)s``); ``%%`` is a literal percent.
_PRINTF = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d+)?(\.(\*|\d+))?[diouxXeEfFgGcrsa%]")


def _operator_template(node: ast.BinOp) -> str | None:
    """A string built by ``%`` from a literal template (``"s3://%s/train" % bucket``) or by
    ``+`` from parts one of which is a literal (``"s3://" + bucket + "/train"``): the f-string
    it stands for, or None."""
    if isinstance(node.op, ast.Mod):
        left = node.left
        if not (isinstance(left, ast.Constant) and isinstance(left.value, str)):
            return None
        given = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        args = iter(given if not isinstance(node.right, ast.Dict) else [])

        def fill(match: re.Match[str]) -> str:
            if match.group(0) == "%%":
                return "%"
            return _filled(next(args, None)) if match.group(1) is None else "{}"

        return _PRINTF.sub(fill, left.value)
    if not isinstance(node.op, ast.Add):
        return None
    texts: list[str | None] = []
    stack: list[ast.expr] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Add):
            stack.extend((item.right, item.left))
        else:
            texts.append(_string_text(item))
    if all(t is None for t in texts):
        return None  # numbers or arrays added: no string at all
    return "".join("{}" if t is None else t for t in texts)


def _string_text(node: ast.expr) -> str | None:
    """A string literal's text, or an f-string's with ``{}`` for its expressions; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return _joined(node)
    return None


def summarize(node: ast.AST) -> Value:
    """A ``Value`` for an expression."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, str):
            return Value("str", v)
        if isinstance(v, bool):
            return Value("bool", str(v))
        if v is None:
            return Value("none", "None")
        if isinstance(v, int | float):
            return Value("num", repr(v))
        return Value("other", repr(v)[:80])
    if isinstance(node, ast.Name | ast.Attribute):
        return Value("name", dotted(node))
    if isinstance(node, ast.Call):
        template = _format_template(node)
        if template is not None and _literal_head(template):
            return Value("fstring", template)
        return Value("call", dotted(node.func))
    if isinstance(node, ast.JoinedStr):
        return Value("fstring", _joined(node))
    if isinstance(node, ast.BinOp):
        template = _operator_template(node)
        if template is not None and _literal_head(template):
            return Value("fstring", template)
    if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return Value("collection", type(node).__name__.lower())
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return Value("num", f"-{node.operand.value!r}")
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name | ast.Attribute):
        # ``ws.datasets["name"]``: what is indexed says what is read.
        return Value("other", dotted(node)[:MAX_NAME_CHARS])
    return Value("other", type(node).__name__)


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [n for elt in target.elts for n in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, ast.Attribute | ast.Subscript):
        return [dotted(target)]
    return []


def _shell_from_ipython(kind: str, args: list[ast.expr], line: int) -> Shell | None:
    texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if kind in ("system", "getoutput") and texts:
        return Shell("shell", texts[0].strip(), line)
    if kind == "run_line_magic" and texts:
        return Shell("magic", " ".join(t for t in texts[:2] if t).strip(), line)
    return None


@cache
def _switch(test: ast.expr) -> tuple[str, str] | None:
    """The name an ``if`` tests and the literal it must equal: ``if run:`` gives ("run", ""),
    ``if use_trained == "True":`` gives ("use_trained", "'True'")."""
    if type(test) is ast.Name:
        return test.id, ""
    if (
        type(test) is ast.Compare
        and type(test.left) is ast.Name
        and len(test.ops) == 1
        and type(test.ops[0]) is ast.Eq
        and type(test.comparators[0]) is ast.Constant
    ):
        return test.left.id, repr(test.comparators[0].value)
    return None


def _child_fields(kind: Any) -> tuple[str, ...]:
    # Expression contexts (Load/Store) carry nothing; skipping them saves a third of the nodes.
    return tuple(f for f in kind._fields if f != "ctx")


def _facts_from_tree(tree: ast.Module, offset: int) -> CodeFacts:
    imports: dict[str, str] = {}
    calls: list[Call] = []
    shells: list[Shell] = []
    spawned: list[Shell] = []
    assigns: list[Assign] = []
    strings: list[tuple[int, str]] = []
    stored: set[str] = set()
    loaded: set[str] = set()
    defs: list[str] = []
    guards: list[tuple[str, int, int, str]] = []
    read_attributes: set[str] = set()
    functions: list[tuple[str, int, int, tuple[str, ...]]] = []
    call_targets: dict[int, tuple[str, ...]] = {}
    call_names: dict[int, tuple[str, ...]] = {}
    # One hand-rolled depth-first pass: parents before children (assignments name their calls),
    # dispatch on the exact node type, which is several times cheaper than ast.walk + isinstance.
    # mypy cannot narrow through `kind is ...`, so a node is Any here: the branch says its type.
    stack: list[ast.AST] = [tree]
    while stack:
        node: Any = stack.pop()
        kind: Any = type(node)
        if kind is ast.Name:
            (stored if type(node.ctx) is ast.Store else loaded).add(node.id)
            continue
        if kind is ast.Attribute:
            owner = node.value
            if type(node.ctx) is ast.Load and not (type(owner) is ast.Name and owner.id == "self"):
                read_attributes.add(node.attr)
            stack.append(owner)
            continue
        if kind is ast.Constant:
            value = node.value
            if type(value) is str:
                strings.append((node.lineno + offset, value))
            continue
        if kind is ast.Call:
            call_node: ast.Call = node
            line = call_node.lineno + offset
            func = dotted(call_node.func)
            if len(func) > MAX_NAME_CHARS:
                continue
            match = _IPY_CALL.match(func) if func.startswith("get_ipython") else None
            if match:
                shell = _shell_from_ipython(match.group(1), call_node.args, line)
                if shell is not None:
                    shells.append(shell)
                continue
            if func in _SPAWNERS and call_node.args:
                command = _spawned_command(call_node.args[0])
                if command:
                    spawned.append(Shell("shell", command, line))
            kwargs = {kw.arg or "**": summarize(kw.value) for kw in call_node.keywords}
            calls.append(
                Call(
                    func,
                    line,
                    tuple(summarize(a) for a in call_node.args),
                    kwargs,
                    call_targets.get(id(node), ()),
                    call_names.pop(id(node), ()) or names_in(node),
                )
            )
        elif kind is ast.Assign or kind is ast.AnnAssign:
            value_node = node.value
            if value_node is not None:
                targets = node.targets if kind is ast.Assign else [node.target]
                names = tuple(n for t in targets for n in _target_names(t))
                read = names_in(value_node)
                if type(value_node) is ast.Call:
                    call_targets[id(value_node)] = names
                    call_names[id(value_node)] = read
                summary = summarize(value_node)
                if read:
                    summary = Value(summary.kind, summary.text, read)
                line = node.lineno + offset
                assigns.extend(Assign(n, summary, line) for n in names)
        elif kind is ast.Dict:
            line = node.lineno + offset
            for key, val in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    assigns.append(Assign(key.value, summarize(val), line))
        elif kind is ast.Import:
            for alias in node.names:
                if len(alias.name) > MAX_NAME_CHARS:
                    continue
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    imports[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif kind is ast.ImportFrom:
            module = node.module or ""
            for alias in node.names:
                if len(module) + len(alias.name) < MAX_NAME_CHARS:
                    imports[alias.asname or alias.name] = f"{module}.{alias.name}".lstrip(".")
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
            defs.append(node.name)
            if kind is not ast.ClassDef:
                a = node.args
                params = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
                params += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
                last = getattr(node, "end_lineno", None) or node.lineno
                functions.append((node.name, node.lineno + offset, last + offset, tuple(params)))
        elif kind is ast.If and node.body and (switch := _switch(node.test)) is not None:
            last = max(getattr(n, "end_lineno", None) or n.lineno for n in node.body)
            guards.append((switch[0], node.body[0].lineno + offset, last + offset, switch[1]))
        for name in _child_fields(kind):
            child = getattr(node, name, None)
            if type(child) is list:
                stack.extend(c for c in reversed(child) if isinstance(c, ast.AST))
            elif isinstance(child, ast.AST):
                stack.append(child)
    calls.sort(key=lambda c: c.line)
    return CodeFacts(
        language="python",
        imports=imports,
        calls=tuple(calls),
        shells=tuple(shells),
        assigns=tuple(assigns),
        strings=tuple(strings),
        stored=frozenset(stored),
        loaded=frozenset(loaded),
        defs=tuple(defs),
        guards=tuple(guards),
        read_attributes=frozenset(read_attributes),
        functions=tuple(functions),
        spawned=tuple(spawned),
    )


#: Calls that run a command line, as written (``os.system("wget ...")``).
_SPAWNERS = frozenset(
    "os.system os.popen subprocess.run subprocess.call subprocess.check_call "
    "subprocess.check_output subprocess.Popen subprocess.getoutput".split()
)


def _spawned_command(first: ast.expr) -> str:
    """The command line a spawning call is handed: its text, or its argument list joined, with
    ``sys.executable`` read as ``python`` and any other expression as ``{}`` (unknown)."""
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value.strip()[:MAX_COMMAND_CHARS]
    if not isinstance(first, ast.List | ast.Tuple) or not first.elts:
        return ""
    words = []
    for elt in first.elts:
        if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
            words.append(elt.value)
        elif dotted(elt) == "sys.executable":
            words.append("python")
        else:
            words.append("{}")
    return " ".join(words)[:MAX_COMMAND_CHARS]


@cache
def _transformer() -> Any:
    # Imported here: IPython is only needed for cells that are not plain Python. The manager
    # keeps no state between cells, so one instance serves them all.
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()  # type: ignore[no-untyped-call]


def _ipython_transform(source: str) -> str:
    return str(_transformer().transform_cell(source))


def _transform_escaped_lines(source: str) -> str:
    """IPython's transform applied only to the lines that need it (magics, ``!cmd``).

    IPython re-tokenises the whole cell once per transformation, which makes a cell with a few
    magics cost as much as fifty plain ones; lines on their own are cheap. Indentation is kept
    (IPython would strip it from a lone line), so escapes inside blocks stay in their block.
    """
    out: list[str] = []
    for line in source.splitlines(keepends=True):
        automagic = _AUTOMAGIC.match(line)
        if automagic and automagic.group(1) in AUTOMAGICS:
            # IPython runs ``pip install x`` and ``ls -la`` as magics (automagic is on by
            # default): they are magics without the ``%``, not syntax errors.
            line = line[: automagic.start(1)] + "%" + line[automagic.start(1) :]
        if _ESCAPED.match(line):
            body = line.lstrip()
            indent = line[: len(line) - len(body)]
            out.append(indent + _ipython_transform(body))
        else:
            out.append(line)
    return "".join(out)


def _python_facts(source: str, offset: int = 0) -> CodeFacts:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        try:
            try:
                tree = ast.parse(_transform_escaped_lines(source))
            except SyntaxError:
                tree = ast.parse(_ipython_transform(source))
        except SyntaxError as exc:
            line = (exc.lineno or 1) + offset
            return CodeFacts(language="python", error=(line, exc.msg or "invalid syntax"))
        except Exception as exc:  # the transformer can fail on badly broken input
            return CodeFacts(language="python", error=(1 + offset, str(exc) or "invalid syntax"))
    return _facts_from_tree(tree, offset)


def _shell_facts(body: str, offset: int, magic: str, args: str) -> CodeFacts:
    shells = tuple(
        Shell("shell", line.strip(), n + 1 + offset)
        for n, line in enumerate(body.splitlines())
        if line.strip() and not line.strip().startswith("#")
    )
    return CodeFacts(language="shell", cell_magic=magic, magic_args=args, shells=shells)


def analyse_code(source: str) -> CodeFacts:
    """Read one code cell's source into ``CodeFacts``."""
    if not source.strip():
        return CodeFacts(language="empty")
    stripped = source.lstrip()
    if not stripped.startswith("%%"):
        return _python_facts(source)
    # Lines above the cell magic are blank; keep line numbers true to the cell.
    lead = source[: len(source) - len(stripped)].count("\n")
    first, _, body = stripped.partition("\n")
    magic, _, args = first[2:].partition(" ")
    magic, args = magic.strip(), args.strip()
    offset = lead + 1
    if magic in PYTHON_BODY_MAGICS:
        return replace(_python_facts(body, offset), cell_magic=magic, magic_args=args)
    if magic in SHELL_MAGICS:
        return _shell_facts(body, offset, magic, args)
    if magic in QUERY_MAGICS:
        return CodeFacts(language="query", cell_magic=magic, magic_args=args)
    if magic in ("writefile", "file"):
        path = args.split()[-1] if args.split() else ""
        script = _python_facts(body, offset) if path.endswith(".py") else None
        if script is None and path.startswith(("{", "$")):
            # A path held in a variable (``%%writefile {module_file}``, TFX's trainer module):
            # a Python script when its body parses as Python.
            parsed = _python_facts(body, offset)
            script = parsed if parsed.error is None and parsed.calls else None
        return CodeFacts(
            language="other",
            cell_magic=magic,
            magic_args=args,
            script_path=path,
            script=script,
            strings=_shipped_files(body, offset) if _is_container_file(path) else (),
        )
    if magic not in FOREIGN_MAGICS:
        # A magic an extension adds (``%%backend torch``, ``%%wandb``) usually wraps Python: read
        # the body as Python when it parses, so its calls count like any other cell's.
        facts = _python_facts(body, offset)
        if facts.error is None:
            return replace(facts, cell_magic=magic, magic_args=args)
    return CodeFacts(language="other", cell_magic=magic, magic_args=args)


#: Instructions of a container file that put files of the build context into the image.
_SHIPPING = re.compile(r"^\s*(?:COPY|ADD)\s+(.+)$", re.I)


def _is_container_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name in ("dockerfile", "containerfile") or name.endswith(".dockerfile")


def _shipped_files(body: str, offset: int) -> tuple[tuple[int, str], ...]:
    """What a written Dockerfile copies into its image (``COPY task.py .``), by line: a script
    the notebook wrote and ships this way runs when the image does."""
    return tuple(
        (offset + n, match.group(1).strip())
        for n, line in enumerate(body.splitlines(), start=1)
        if (match := _SHIPPING.match(line))
    )


def resolve(name: str, imports: Mapping[str, str]) -> str:
    """A dotted callee with its first name replaced by what it was imported as.

    ``pd.read_csv`` with ``import pandas as pd`` is ``pandas.read_csv``; names not imported stay.
    """
    head, sep, rest = name.partition(".")
    paren = head.find("(")
    if paren >= 0:
        base = head[:paren]
        return imports.get(base, base) + head[paren:] + sep + rest
    return imports.get(head, head) + sep + rest
