"""Pure analysis core: stdlib and networkx only, no Django, no settings, no I/O.

Plain dataclasses in, plain dataclasses out; the import-linter contract in pyproject.toml keeps
it so.
"""
