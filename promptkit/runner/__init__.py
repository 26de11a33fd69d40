"""The eval runner: specs, expansion, preflight, journal, scheduler, resume and results.

Submodules are imported on demand so that reading ``results.json`` (reports) never pulls in the
client, the simulator or OpenCV.
"""

from __future__ import annotations
