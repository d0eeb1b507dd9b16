"""WeasyPrint, locked down: PDFs are rendered from our own templates with a URL fetcher
that refuses everything except our own template assets (no network, no file outside
templates/pdf, templates/letters and static/). Text written by staff or tenants can
carry `url(...)` or markup; Jinja escapes it, and this fetcher is the second wall.

WeasyPrint 70 calls `url_fetcher(url)` and reads `url_fetcher._fail_on_errors`, so the
fetcher must be a `weasyprint.urls.URLFetcher` subclass overriding `fetch`."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
ASSET_DIRS: tuple[Path, ...] = (ROOT / "templates" / "pdf", ROOT / "templates" / "letters",
                                ROOT / "static")
BASE_URL = (ROOT / "templates" / "pdf").as_uri() + "/"

log = logging.getLogger(__name__)

# WeasyPrint keeps global font state; one render at a time per process keeps peak memory
# predictable when a background render and a request render meet.
_RENDER_LOCK = threading.Lock()


class PdfError(Exception):
    """A PDF could not be produced (the message is safe to log, not to show)."""


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Serves files under ASSET_DIRS; refuses every other URL (and records it)."""

        def __init__(self, roots: Iterable[Path] = ASSET_DIRS) -> None:
            super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
            self.roots = tuple(Path(r).resolve() for r in roots)
            self.refused: list[str] = []
            self.served: list[str] = []

        def _allowed_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(r) for r in self.roots) or not path.is_file():
                return None
            return path

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = self._allowed_path(url)
            if path is None:
                self.refused.append(url)
                log.warning("pdf: refused to fetch %s", url[:200])
                raise ValueError("URL refused by the portal's PDF fetcher")
            self.served.append(url)
            mime = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
                path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      headers={"Content-Type": mime})

    return SafeFetcher


_SafeFetcher: type | None = None


def safe_fetcher() -> Any:
    """A fresh fetcher (its .refused/.served lists show what was asked for)."""
    global _SafeFetcher
    if _SafeFetcher is None:
        _SafeFetcher = _fetcher_class()
    return _SafeFetcher()


def stylesheet(name: str, fetcher: Any) -> Any:
    """One of our stylesheets (templates/pdf/<name>), loaded through the safe fetcher."""
    from weasyprint import CSS

    return CSS(url=BASE_URL + name, url_fetcher=fetcher)


def document(html: str, css: Iterable[str] = (), fetcher: Any = None) -> Any:
    """Lay out `html` into a weasyprint Document (pages), with our stylesheets."""
    from weasyprint import HTML

    fetcher = fetcher or safe_fetcher()
    try:
        with _RENDER_LOCK:
            sheets = [stylesheet(n, fetcher) for n in css]
            return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(stylesheets=sheets)
    except Exception as exc:  # WeasyPrint raises many kinds; callers need one
        log.exception("pdf: layout failed")
        raise PdfError(f"layout failed: {type(exc).__name__}: {exc}") from exc


# PDF/UA-1 (ISO 14289-1, universal accessibility): tagged structure, document language,
# the title shown instead of the file name; what a screen reader needs (issue 23, RGAA).
# WeasyPrint writes one variant per file: PDF/UA is chosen over PDF/A-3b (no document here
# embeds an attachment); the file identifier and the sRGB output intent that archiving
# relies on are kept.
VARIANT = "pdf/ua-1"


def write(doc: Any, variant: str | None = VARIANT, title: str | None = None,
          attachments: list[Any] | None = None) -> bytes:
    """The PDF bytes of a laid-out Document (PDF/UA-1 by default: tagged for screen readers)."""
    try:
        if title:
            doc.metadata.title = title
        with _RENDER_LOCK:
            return doc.write_pdf(pdf_variant=variant, attachments=attachments, pdf_tags=True,
                                 pdf_identifier=True, output_intent="srgb")
    except Exception as exc:
        log.exception("pdf: writing failed")
        raise PdfError(f"write failed: {type(exc).__name__}: {exc}") from exc


def render(html: str, css: Iterable[str] = (), fetcher: Any = None,
           variant: str | None = VARIANT, title: str | None = None) -> bytes:
    """HTML (from our templates) → PDF bytes."""
    return write(document(html, css, fetcher), variant, title)


def join(docs: list[Any]) -> Any:
    """One Document made of the pages of several (a letter followed by the file copy)."""
    first = docs[0]
    return first.copy([p for d in docs for p in d.pages])
