"""Throughput benchmarks for the reference model and the ``skc`` command (``nox -s bench``)."""
