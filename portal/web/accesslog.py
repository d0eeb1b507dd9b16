"""Access logs without secrets (OWASP ASVS 7.1.1, CNIL: logs are personal data too).
A URL can carry a live reset or confirmation token (/password/reset/<token>), a searched
name (?q=…) or the text of a letter being previewed (?answer=…): access logs keep the
method and the path with tokens masked, never the query string.

- the development server (werkzeug): a logging filter rewrites its request lines;
- gunicorn: `--logger-class portal.web.accesslog.ScrubbedGunicornLogger` (docs/deploy.md)
  scrubs the request line, the path, the query and the referrer of every access line;
- the portal's own line (portal.requests, web/observability.py) logs the URL rule only."""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

# Paths whose last segment is a secret (auth/account.py): one-time links.
_TOKEN_PATH = re.compile(r"(/(?:password/reset|confirm-email)/)[^\s/?#\"\x1b]+")
_QUERY = re.compile(r"\?[^\s\"\x1b]*")
MASK = "***"


def scrub(text: str) -> str:
    """A request line or path with the query string dropped and tokens masked."""
    return _TOKEN_PATH.sub(lambda m: m.group(1) + MASK, _QUERY.sub("", text))


class ScrubFilter(logging.Filter):
    """For werkzeug's logger: its request lines are `'"%s" %s %s', (line, status, size)`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (scrub(record.args[0]), *record.args[1:])
        elif isinstance(record.msg, str) and not record.args:
            record.msg = scrub(record.msg)
        return True


def install() -> None:
    """Scrub the development server's access lines (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, ScrubFilter) for f in logger.filters):
        logger.addFilter(ScrubFilter())


class ScrubbedGunicornLogger(GunicornLogger):
    """gunicorn's access logger, every URL-bearing field scrubbed (gunicorn's logger_class
    setting: the documented way to change how it logs)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        # Every field a format may name: the request line, path, referrer, and the
        # environ's copies of them ({raw_uri}e, {query_string}e…).
        scrubbed = {key: scrub(value) if isinstance(value, str) else value for key, value in atoms.items()}
        scrubbed["q"] = scrubbed["{query_string}e"] = ""
        return scrubbed
