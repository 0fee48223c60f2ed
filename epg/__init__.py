"""EduTV's programme-guide domain: channels, schedules, XMLTV/M3U, linear-channel HLS.

Pure: standard library only (an import contract keeps it so); every time-dependent function
takes ``now``. Filled in by the channels issue.
"""

from importlib.metadata import version

__version__ = version("edutv")
