"""PackDesk's fonts, sounds and icons, installed as the package `app.resources`.

The folder stays at the top of the source tree; pyproject.toml maps it into the package, and
`app.paths.resources_dir()` finds it with importlib.resources.
"""
