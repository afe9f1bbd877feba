#!/usr/bin/env python3
"""The floor of any YAML linter in Python: read and parse every plan file with PyYAML's
C loader (LibYAML), and nothing else.

    python bench/parse_floor.py PLANS_DIR

plancode cannot check a file faster than it can parse it, so bench/run states every
command's time as a ratio to this one. It walks the folder the way plancode does (every
*.yaml / *.yml, hidden folders skipped, sorted) and exits 2 without LibYAML, since the
pure-Python loader would make a floor ten times too high.
"""

import os
import sys

import yaml


def main() -> int:
    if not getattr(yaml, "__with_libyaml__", False):
        print("parse_floor: PyYAML was built without LibYAML (no yaml.CSafeLoader)", file=sys.stderr)
        return 2
    count = 0
    for folder, dirs, names in os.walk(sys.argv[1]):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), encoding="utf-8-sig") as handle:
                    yaml.load(handle.read(), Loader=yaml.CSafeLoader)
                count += 1
    print(f"{count} files parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
