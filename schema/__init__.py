"""The JSON Schemas of the plan format, shipped in the wheel as ``plancode.schemas``."""
