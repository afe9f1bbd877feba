"""Rendering the plan for people: charts (SVG in pure Python), the static HTML site and the
Markdown reports. Everything here reads figures from the model; nothing recomputes them.
Imported only by ``plancode build``: never on the path of ``plancode check``."""
