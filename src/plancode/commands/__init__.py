"""Commands beyond check/export/rules/schema, one module each, found by the CLI.

A module ``plancode/commands/NAME.py`` defines ``command`` (a click command named NAME;
a trailing underscore in the module name allows ``import_.py`` for ``plancode import``).
Heavy libraries are imported inside the command function, never at module level, so
``plancode --help`` stays fast. ``plancode.cli.State`` gives the config and the workspace.
"""
