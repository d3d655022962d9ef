"""Every file the assistant writes (databases, Rasa's tracker store, logs, secrets)
is readable by its own user only: the tracker store and the library database hold
readers' conversations and personal data."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def make_private(var_dir: Path) -> None:
    """From now on this process creates private files; var_dir and the files already
    in it (e.g. from an older version) become private too."""
    os.umask(PRIVATE_UMASK)
    var_dir.mkdir(parents=True, exist_ok=True)
    var_dir.chmod(0o700)
    for path in var_dir.iterdir():
        if path.is_file():
            path.chmod(0o600)
