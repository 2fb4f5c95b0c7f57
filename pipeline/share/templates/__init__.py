"""The page frame every HTML file under ``reports/`` shares: Dutch, UTF-8, the house
stylesheet inline (offline, no request), no script."""

from __future__ import annotations

from html import escape
from importlib.resources import files


def pagina(titel: str, body: str, main_class: str | None = None) -> str:
    """A whole HTML document around ``body`` (already HTML)."""
    css = files(__name__).joinpath("rapport.css").read_text(encoding="utf-8")
    main = f"<main class='{main_class}'>" if main_class else "<main>"
    return (f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>"
            f"{escape(titel)}</title><style>{css}</style></head><body>{main}{body}</main>"
            "</body></html>")
