"""Prints which WebGL renderer Chromium reports with each GL mode, and the mode a render would use.

Run on a GPU machine (or in the Modal image): `cd modal_app && python3 -m ethereal.glcheck`.
"""

from __future__ import annotations

import json
import logging
import os
import sys

from .chromium import GL_MODES, choose_gl, probe_webgl


# Probes every mode, then runs the same choice a GPU render makes; prints one JSON object.
def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    chromium = os.environ.get("EFS_CHROMIUM_PATH", "/usr/bin/chromium")
    modes = {mode: probe_webgl(chromium, flags) for mode, flags in GL_MODES.items()}
    choice = choose_gl(lambda flags: probe_webgl(chromium, flags), want_hardware=True)
    print(json.dumps({"modes": modes, "chosen": choice.mode, "renderer": choice.renderer, "hardware": choice.hardware}, indent=2))
    return 0 if choice.hardware else 1


if __name__ == "__main__":
    sys.exit(main())
