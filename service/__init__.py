"""The reference portal as a web service: ``skc serve`` and the Portal Test API.

:mod:`~skc.service.app` serves every declared operation over HTTP (errors as RFC 9457
problem details with the rule ids), :mod:`~skc.service.openapi` generates the API's OpenAPI 3.1
document from ``operations.yaml``, :mod:`~skc.service.instances` and
:mod:`~skc.service.store` keep one isolated portal instance per harness connection in memory
and in SQLite, :mod:`~skc.service.mail` sends the portal's e-mail over SMTP, and
:mod:`~skc.service.command` builds and runs the server from ``skc serve``'s options. The
harness's side is :mod:`skc.conformance.adapters.http`.
"""

from skc.service.app import ServiceConfig, create_app
from skc.service.command import ServeOptions, build_app, serve

__all__ = ["ServeOptions", "ServiceConfig", "build_app", "create_app", "serve"]
