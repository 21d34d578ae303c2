"""What looks secret: credential shapes, names that say credential, placeholders, masking.

Every pattern here runs over text that a notebook (a careless or a hostile one) controls: cell
sources, 50 MB outputs, metadata. They are compiled with RE2 (``google-re2``), whose matching
time is linear in the length of the text whatever the pattern, so no input can make a scan
backtrack (``a.a.a.…`` against the connection-URL pattern, ``<<<…`` against the placeholder
test, ``sk-sk-sk-…`` against the OpenAI shape were quadratic under ``re``). One RE2 set finds
which shapes occur at all in one pass over the text; only those are then matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import re2  # type: ignore[import-untyped]

#: Names that say a value is a credential (identifiers only: short, bounded text).
SECRET_NAME = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|secret[_-]?key|"
    r"credential|auth)$"
    r"|^(pwd|passwd|password|api_key|apikey|secret_key|aws_secret_access_key|aws_session_token)$",
    re.I,
)


_DIGIT = re.compile(r"\d")


def _has_digit(value: str) -> bool:
    return _DIGIT.search(value) is not None


#: scikit-learn names each estimator's HTML view ``sk-<uuid>`` (and ``sk-container-id-7``).
_SK_HTML_ID = re.compile(r"^sk-(?:[0-9a-f]{8}-[0-9a-f]{4}-|container-id-)")


def _key_not_uuid(value: str) -> bool:
    return _has_digit(value) and _SK_HTML_ID.match(value) is None


@dataclass(frozen=True)
class Shape:
    """A well-known credential shape; where it has a group, the group is the secret."""

    label: str
    pattern: str
    #: A further test of the value (RE2 has no look-ahead): OpenAI-style keys hold a digit.
    accept: Callable[[str], bool] | None = None


SHAPES: tuple[Shape, ...] = (
    # Not in a presigned URL (``X-Amz-Credential=AKIA…%2F…``, RE2 has no look-behind): a signed
    # link names its signer's key id beside a signature that expires, not the secret key.
    Shape("AWS access key id", r"(?:^|[^=0-9A-Za-z]|[^Ll]=)((?:AKIA|ASIA)[0-9A-Z]{16})\b"),
    Shape("private key", r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----"),
    Shape("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    Shape("GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}\b"),
    Shape("Slack token", r"\bxox[abpr]-[A-Za-z0-9-]{10,}\b"),
    Shape(
        "Slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}",
    ),
    Shape("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    Shape("Google OAuth token", r"\bya29\.[0-9A-Za-z_\-]{20,}"),
    Shape("OpenAI-style API key", r"\bsk-[A-Za-z0-9_\-]{20,}\b", accept=_key_not_uuid),
    Shape("Stripe key", r"\b[rs]k_live_[0-9a-zA-Z]{20,}\b"),
    Shape("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}\b"),
    Shape("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    Shape(
        "JSON web token",
        r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
    ),
    Shape(
        "AWS secret access key",
        r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?([A-Za-z0-9/+=]{40})\b",
    ),
    Shape("Azure storage key", r"AccountKey=([A-Za-z0-9+/=]{40,})"),
    Shape(
        "password in a connection URL",
        r"\b[a-z][a-z0-9+.\-]*://[^/\s:@'\"]+:([^@\s/'\"{}$<>]{6,})@[\w.\-]+",
    ),
    # A credential inside a JSON literal (a secret-creation call's ``SecretString``).
    Shape(
        "password in a JSON literal",
        r"(?i)\\?\"(?:password|passwd|pwd|secret|api_?key)\\?\"\s*:\s*\\?\"([^\"\\\s{}<>$]{6,})\\?\"",
    ),
    Shape("service-account key id", r"\"private_key_id\"\s*:\s*\"([0-9a-f]{40})\""),
)

_COMPILED = tuple(re2.compile(shape.pattern) for shape in SHAPES)


def _shape_set() -> re2.Set:
    found = re2.Set.SearchSet()
    for shape in SHAPES:
        found.Add(shape.pattern)
    found.Compile()
    return found


#: One pass that says which shapes occur in a text (most texts hold none).
_ANY_SHAPE = _shape_set()

#: Lone surrogates (from JSON ``"\ud800"``) cannot be encoded for RE2: each becomes U+FFFD,
#: one character for one, so positions and every other character stay as they were.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scannable(text: str) -> str:
    """``text`` as RE2 can read it: the same characters, lone surrogates replaced."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def secrets_in(text: str) -> Iterator[tuple[str, str]]:
    """Every credential-shaped value in a text, with its label, placeholders left out."""
    if len(text) < 12:
        return
    text = scannable(text)
    present = _ANY_SHAPE.Match(text)
    if not present:
        return
    for index in sorted(present):
        shape = SHAPES[index]
        for match in _COMPILED[index].finditer(text):
            value = match.group(match.lastindex or 0)
            if shape.label == "private key":
                yield shape.label, value
            elif not looks_fake(value) and (shape.accept is None or shape.accept(value)):
                yield shape.label, value


@lru_cache(maxsize=65536)
def secret_in(text: str) -> tuple[str, str] | None:
    """The first credential-shaped value in a text, with its label (cached: texts repeat)."""
    return next(secrets_in(text), None)


def mask(secret: str) -> str:
    """A secret as it may be shown: its first characters and stars, never the whole value."""
    keep = 4 if len(secret) >= 12 else 0
    return secret[:keep] + "*" * 8


_WORDS = "example|placeholder|changeme|change_me|replace|dummy|redacted|todo|sample|fake|mock"
_TITLE_WORDS = "|".join(w.capitalize() for w in _WORDS.split("|"))
#: Marks of a template or an elided value, anywhere in it. A brace pair is a template only
#: around a field name (``{password}``, ``{0}``, ``{{ var }}``): ``Summer{2024}Prod!`` is not.
_TEMPLATE = (
    r"<[^<>]*>|\[[^\[\]]*[A-Za-z][^\[\]]*\]|\{\{?\s*(?:[A-Za-z_][\w.\-]*|\d{0,2})\s*(?::[^{}]*)?\}"
    r"|(?i:x{4,})|\*{3,}|\.{3}|(?i:(?:^|[_\- /])your[_\- ])|^\$\{?\w+\}?$"
)
#: Placeholders written as a whole value (``my_password`` in a documented connection string).
_WHOLE = r"^(?i:none|null|test|(?:(?:my|your)[_\-]?)?(?:password|passwd|pwd|pass|secret|token))$"
#: A value named like a credential (``password = "..."``): any placeholder word in it.
_LOOSE = re2.compile(rf"{_TEMPLATE}|{_WHOLE}|(?i:{_WORDS})")
#: A value shaped like a key: random letters and digits, where ``ghp_Todo8fK2…`` holds "Todo" by
#: chance. A word counts there in one case (``EXAMPLE``, ``_todo_``), or capitalised when it ends
#: the value or a piece of it (``…_Sample``, ``Fake-…``), as people write them.
_STRICT = re2.compile(
    rf"{_TEMPLATE}|{_WHOLE}|(?:{_WORDS})|(?:{_WORDS.upper()})"
    rf"|(?:{_TITLE_WORDS})(?:$|[^A-Za-z0-9])"
)


def is_placeholder(value: str) -> bool:
    """Whether a value named like a credential is a placeholder rather than a real one."""
    text = value.strip()
    return len(text) < 8 or " " in text or _LOOSE.search(scannable(text)) is not None


def looks_fake(value: str) -> bool:
    """Whether a key-shaped value is a documentation or test value rather than a real key."""
    text = value.strip()
    return len(text) < 8 or " " in text or _STRICT.search(scannable(text)) is not None


def hide_secrets(text: str) -> str:
    """``text`` with every credential-shaped value in it masked (``mask``): for notes and
    reasons the user wrote, which the report and every export repeat."""
    for _, value in secrets_in(text):
        text = text.replace(value, mask(value))
    return text
