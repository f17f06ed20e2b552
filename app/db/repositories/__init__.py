"""Repositories: short units of work over the Database, returning plain dataclasses."""
