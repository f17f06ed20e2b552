"""The connections dialog's parts: the list of saved connections, and the tabs, each a widget
that loads a connection's settings and applies its fields back to them (`load()` / `apply()`),
with its validation messages under its fields."""
