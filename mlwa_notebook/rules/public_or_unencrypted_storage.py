"""MLW016 public-or-unencrypted-storage: data is made public or sent without encryption."""

from __future__ import annotations

import re

from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

#: Canned ACLs that open objects or buckets to everyone (S3 and Cloud Storage spellings).
_PUBLIC_ACLS = frozenset(
    {
        "public-read",
        "public-read-write",
        "authenticated-read",
        "publicRead",
        "publicReadWrite",
        "allUsers",
        "allAuthenticatedUsers",
        "AllUsers",
    }
)
_PUBLIC_CALLS = frozenset({"make_public", "delete_public_access_block"})
_PUBLIC_SHELL = re.compile(
    r"--acl\s+public-read|--acl=public-read|allUsers|allAuthenticatedUsers|AllUsers:|"
    r"delete-public-access-block|predefined-acl[= ]public",
    re.I,
)
_PUBLIC_POLICY = re.compile(r'"Principal"\s*:\s*(\{\s*"AWS"\s*:\s*)?"\*"')
_PLAIN_ENDPOINT = re.compile(r"^http://(?!localhost|127\.0\.0\.1|0\.0\.0\.0)")
#: Keywords that encrypt data at rest with a managed key: evidence, not findings.
_KMS = frozenset(
    "SSEKMSKeyId KmsKeyId kms_key output_kms_key volume_kms_key encryption_spec_key_name "
    "kms_key_name KMSKeyId".split()
)


def check(ctx: NotebookContext) -> CheckResult:
    for view, call, _ in ctx.calls(scripts=False):
        where = (view.index, call.line)
        public = [
            k
            for k, v in call.kwargs.items()
            if k in ("ACL", "acl", "predefined_acl", "Grantee", "entity") and v.text in _PUBLIC_ACLS
        ]
        if public or call.attr in _PUBLIC_CALLS:
            what = f"`{public[0]}={call.kwargs[public[0]].text}`" if public else f"{call.func}()"
            yield Hit(*where, f"makes stored data public with {what}")
        elif call.attr == "put_public_access_block" and any(
            v.text == "False" for v in call.kwargs.values()
        ):
            yield Hit(*where, "turns S3 Block Public Access off")
        if "use_ssl" in call.kwargs and call.kwargs["use_ssl"].text == "False":
            yield Hit(*where, f"creates {call.func}() with `use_ssl=False`: data travels in clear")
        endpoint = call.kwargs.get("endpoint_url")
        if endpoint is not None and endpoint.kind == "str" and _PLAIN_ENDPOINT.match(endpoint.text):
            yield Hit(*where, f"sends data to `{endpoint.text[:60]}` over plain HTTP")
        if set(call.kwargs) & _KMS or (
            "ServerSideEncryption" in call.kwargs
            and "kms" in call.kwargs["ServerSideEncryption"].text
        ):
            yield Proof("MLSEC02-BP01", view.index, f"encrypts with a managed key ({call.func})")
    for view in ctx.code_cells():
        facts = view.facts
        assert facts is not None
        flagged = False
        for a in facts.assigns:
            if a.target in ("ACL", "acl", "predefined_acl") and a.value.text in _PUBLIC_ACLS:
                flagged = True
                yield Hit(
                    view.index, a.line, f"makes stored data public with `{a.target}={a.value.text}`"
                )
            elif a.target in ("SSEKMSKeyId", "KMSMasterKeyID", "KmsKeyId"):
                yield Proof("MLSEC02-BP01", view.index, "encrypts with a managed key")
        for line, text in facts.strings:
            if not flagged and _PUBLIC_POLICY.search(text):
                flagged = True
                yield Hit(view.index, line, 'writes a bucket policy that lets anyone (`"*"`) in')
        for shell in facts.shells:
            match = _PUBLIC_SHELL.search(shell.text)
            if match:
                yield Hit(
                    view.index,
                    shell.line,
                    f"makes stored data public: `{shell.text[:60]}` grants `{match.group(0)}`",
                )


RULE = Rule(
    code="MLW016",
    name="public-or-unencrypted-storage",
    summary="Data is written to a public bucket or object, or sent without encryption",
    severity="error",
    pillars=("security",),
    best_practices=("MLSEC03-BP02", "MLSEC02-BP01", "MLSEC03-BP03"),
    fix="Keep buckets private (Block Public Access on, no `public-read` ACLs, no `allUsers` "
    "grants), share through signed URLs or IAM, use TLS endpoints and a KMS key for "
    "sensitive data.",
    doc="""\
## What it does
Flags writes and settings that expose stored data: public ACLs (`ACL="public-read"`,
`--acl public-read`, `predefined_acl="publicRead"`), `make_public()`, grants to `allUsers` /
`allAuthenticatedUsers`, bucket policies with `"Principal": "*"`, S3 Block Public Access turned
off; and clients that send data unencrypted (`use_ssl=False`, a plain `http://` endpoint). KMS
keys passed to storage or jobs are recorded as evidence of encryption.

## Why is this bad?
Training data and models often hold personal or proprietary information. A public object can
be found and copied by anyone; data sent over plain HTTP can be read on the way.

## Example
```python
s3.upload_file("train.csv", bucket, "data/train.csv", ExtraArgs={"ACL": "public-read"})
```

## Use instead
```python
s3.upload_file(
    "train.csv", bucket, "data/train.csv",
    ExtraArgs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_id},
)
```

## Suppress
For data that is public on purpose (an open dataset), `# mlwa: ignore[MLW016] open data`.
""",
    check=check,
)
