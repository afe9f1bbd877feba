"""plancode: marketing and sales plans as code."""

try:  # written by setuptools-scm from the git tag when the package is built or installed
    from ._version import version as __version__
except ImportError:  # the sources, never installed
    __version__ = "0.0.0"
