"""Kernel-side helpers of the ``%mlwa`` extension: which notebook runs, what the front end sent.

Nothing here decides about the notebook: every answer comes from ``engine.analyze``. These modules
find the notebook (``locate``), keep the live cells the JupyterLab extension sends (``live``),
read what to analyse (``source``), write what the user set (``persist``), and run the check after
each cell (``autocheck``); ``session`` ties them together, one per kernel.
"""
