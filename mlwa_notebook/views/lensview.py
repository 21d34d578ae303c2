"""``mlwa lens``: the loaded lenses, their pillars, phases and best practices."""

from __future__ import annotations

import json

from mlwa_notebook.config import Config
from mlwa_notebook.lens import FINE_TO_LENS_PHASE, load_lens


def render_lens(config: Config, pillar: str | None, phase: str | None, fmt: str) -> str:
    """The lens catalogue, optionally narrowed to one pillar and/or phase (lens or cell phase)."""
    lens = load_lens(config.lenses)
    lens_phase = FINE_TO_LENS_PHASE.get(phase, phase) if phase else None
    practices = [
        bp
        for bp in lens.best_practices
        if (pillar is None or bp.pillar == pillar)
        and (lens_phase is None or bp.phase == lens_phase)
    ]
    if fmt == "json":
        return json.dumps(
            {
                "lenses": [
                    {"id": s.lens_id, "name": s.name, "path": str(s.path)} for s in lens.sources
                ],
                "best_practices": [
                    {
                        "id": bp.id,
                        "aliases": list(bp.aliases),
                        "pillar": bp.pillar,
                        "phase": bp.phase,
                        "risk": bp.risk,
                        "title": bp.title,
                        "question": bp.question,
                        "url": bp.url,
                    }
                    for bp in practices
                ],
            },
            indent=2,
        )
    lines = [f"lens {s.lens_id}: {s.name} ({s.path})" for s in lens.sources]
    lines.append(f"{len(practices)} best practices")
    for bp in practices:
        lines.append(f"  {bp.id:<14} {bp.pillar:<24} {bp.phase:<18} {bp.title}")
    return "\n".join(lines)
