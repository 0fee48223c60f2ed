"""EduTV's TV client: a 10-foot Kivy app driven by a remote (arrives with the client issue)."""

from importlib.metadata import version

__version__ = version("edutv")
