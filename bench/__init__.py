"""The benchmarks. Importing the package registers the access rules (``ilja.access.load()``), so
every way in — ``python -m bench`` and each ``python -m bench.<name>.run`` — looks objects up
under them."""

from ilja import access

access.load()
