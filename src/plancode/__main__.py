"""``python -m plancode`` and the ``plancode`` command (pyproject.toml's entry point).

The command line is imported inside :func:`main`, so that Ctrl-C while it loads (click,
the catalogue: the first tenth of a second) ends as Ctrl-C later does — exit 130, no
traceback (:mod:`plancode.stdio`)."""

from __future__ import annotations


def main() -> None:
    try:
        from .cli import main as command_line

        command_line()  # which handles Ctrl-C itself once its streams are set up
    except KeyboardInterrupt:
        from .stdio import interrupted

        interrupted()


if __name__ == "__main__":
    main()
