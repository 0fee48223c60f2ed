"""EduTV's TV client: a 10-foot Kivy app driven by a remote (arrives with the client issue)."""

import sys
from importlib.metadata import version

# httpx imports its command-line client, and with it rich, pygments and click, whenever those
# happen to be installed. The TV never runs it: refusing the import (None in sys.modules makes
# it an ImportError, which httpx expects) saves about 6 MB of memory and 100 ms of start-up.
sys.modules.setdefault("httpx._main", None)

__version__ = version("edutv")
