"""Views: each renders a ``Report`` and decides nothing about it."""
