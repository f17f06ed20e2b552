"""`packdesk` and `python -m app`."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app import cli

    args = cli.build_parser().parse_args(argv)
    if args.self_test:
        from app.paths import resolve_paths
        from app.self_test import run_self_test

        return run_self_test(resolve_paths(args.data_dir))
    if args.command:
        return cli.run(args)
    # Qt is imported only when the GUI starts, so headless commands stay light.
    from app.ui.application import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
