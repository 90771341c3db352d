"""The reference portal's German web pages, served by ``skc serve`` beside the Portal Test API.

Server-rendered HTML (Jinja2, autoescaped) generated from the operation declarations and
``pages.yaml``; messages from ``messages.yaml``; CSRF by double submit (:mod:`.csrf`). The page
contract a browser adapter builds on is in :mod:`.routes`.
"""

from __future__ import annotations

from skc.service.web.routes import web_routes

__all__ = ["web_routes"]
