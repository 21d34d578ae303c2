"""MLW012 tls-verification-disabled: certificates are not checked when fetching or calling."""

from __future__ import annotations

import re

from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule

#: Keywords that switch certificate checks off when given ``False``.
_VERIFY_KWARGS = frozenset(
    {"verify", "verify_ssl", "ssl_verify", "validate_certs", "check_hostname"}
)
#: Shell flags and settings that skip certificate checks.
_SHELL = re.compile(
    r"--no-check-certificate|--insecure\b|--no-verify-ssl\b|--trusted-host\b|"
    r"http\.sslVerify=false|strict-ssl\s+false|ssl_verify\s+(false|no)|"
    r"PYTHONHTTPSVERIFY=0|NODE_TLS_REJECT_UNAUTHORIZED=0",
    re.I,
)
_CURL_K = re.compile(r"^(?:sudo\s+)?curl\b.*\s-[a-zA-Z]*k[a-zA-Z]*(\s|$)")
#: Environment settings that make Python or requests skip verification.
_ENV_OFF = frozenset({"PYTHONHTTPSVERIFY", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"})


def check(ctx: NotebookContext) -> CheckResult:
    for view, call, qualified in ctx.calls():
        off = [
            k for k in _VERIFY_KWARGS if k in call.kwargs and call.kwargs[k].text in ("False", "0")
        ]
        if off:
            yield Hit(
                view.index,
                call.line,
                f"calls {call.func}() with `{off[0]}=False`: the server's certificate is not checked",
            )
        elif call.attr == "_create_unverified_context" and qualified.startswith("ssl"):
            yield Hit(
                view.index, call.line, "creates an SSL context that does not verify certificates"
            )
    for view in ctx.code_cells():
        facts = view.facts
        assert facts is not None
        for a in facts.assigns:
            leaf = a.target.rsplit(".", 1)[-1]
            if (leaf == "verify_mode" and a.value.text.endswith("CERT_NONE")) or (
                leaf in ("check_hostname", "verify") and a.value.text == "False"
            ):
                yield Hit(view.index, a.line, f"sets `{leaf}` so certificates are not checked")
            elif leaf == "_create_default_https_context" and "unverified" in a.value.text:
                yield Hit(
                    view.index, a.line, "turns certificate checks off for every HTTPS request"
                )
        env_lines = {line for line, text in facts.strings if text in _ENV_OFF}
        for a in facts.assigns:
            if (
                a.line in env_lines
                and a.target.startswith("os.environ")
                and a.value.text in ("0", "")
            ):
                yield Hit(
                    view.index, a.line, "turns certificate checks off through the environment"
                )
        for shell in facts.shells:
            match = _SHELL.search(shell.text)
            if match or _CURL_K.match(shell.text):
                flag = match.group(0) if match else "curl -k"
                yield Hit(
                    view.index,
                    shell.line,
                    f"runs `{shell.text[:60]}` with `{flag}`: downloads are not checked against "
                    "the server's certificate",
                )


RULE = Rule(
    code="MLW012",
    name="tls-verification-disabled",
    summary="TLS certificate verification is turned off for a download or API call",
    severity="error",
    pillars=("security",),
    best_practices=("MLSEC03-BP02", "MLSEC04-BP03"),
    fix="Keep verification on; if a private CA is in the way, point `REQUESTS_CA_BUNDLE` / "
    "`--ca-certificate` at its certificate instead of skipping the check.",
    doc="""\
## What it does
Flags calls made with `verify=False` (requests, boto3, httpx), unverified SSL contexts
(`ssl._create_unverified_context`, `verify_mode = CERT_NONE`), environment settings that skip
checks (`PYTHONHTTPSVERIFY=0`), and shell commands that skip them (`wget
--no-check-certificate`, `curl -k`, `pip --trusted-host`, `git -c http.sslVerify=false`).

## Why is this bad?
Without certificate checks anyone on the network path can answer in the server's place: the
dataset, package or model that arrives may not be the one requested, and credentials sent
along are exposed. Poisoned training data starts this way.

## Example
```python
!wget --no-check-certificate https://example.org/data.zip
```

## Use instead
```python
!wget https://example.org/data.zip && echo "<sha256>  data.zip" | sha256sum -c
```

## Suppress
`# mlwa: ignore[MLW012] reason` in the cell.
""",
    check=check,
)
