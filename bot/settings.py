"""All configuration, read from environment variables with documented defaults.

- LIBRARY_HOST (127.0.0.1): interface every server listens on
- RASA_PORT (5005): Rasa server (REST channel, HTTP API)
- ACTION_PORT (5055): Rasa action server
- CHAT_PORT (8080): local chat page
- ADMIN_PORT (8090): staff console (FAQ editing and review, unanswered questions)
- LIBRARY_VAR_DIR (var): where embedded databases and logs live
- RASA_TRACKER_DB (<LIBRARY_VAR_DIR>/rasa_tracker.db): SQLite file of Rasa's tracker store
- LIBRARY_MODEL_DIR (models): trained Rasa models
- LIBRARY_DATABASE_URL (sqlite:///<LIBRARY_VAR_DIR>/library.db): the library's data
  (SQLAlchemy URL; e.g. postgresql://user@127.0.0.1:5432/library)

Relative paths are taken from the project root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one deployment."""

    host: str
    rasa_port: int
    action_port: int
    chat_port: int
    admin_port: int
    var_dir: Path
    tracker_db: Path
    model_dir: Path
    database_url: str

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def chat_url(self) -> str:
        return f"http://{self.host}:{self.chat_port}/"

    @property
    def admin_url(self) -> str:
        return f"http://{self.host}:{self.admin_port}/"

    def rasa_environment(self) -> dict[str, str]:
        """Variables that endpoints.yml expands when Rasa starts."""
        return {
            "ACTION_SERVER_URL": self.action_server_url,
            "RASA_TRACKER_DB": str(self.tracker_db),
            "LIBRARY_DATABASE_URL": self.database_url,
        }


def _path(name: str, default: Path) -> Path:
    value = Path(os.environ.get(name, str(default)))
    return value if value.is_absolute() else PROJECT_ROOT / value


def load_settings() -> Settings:
    """Reads the environment; call again after changing it (tests do)."""
    var_dir = _path("LIBRARY_VAR_DIR", Path("var"))
    return Settings(
        host=os.environ.get("LIBRARY_HOST", "127.0.0.1"),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        chat_port=int(os.environ.get("CHAT_PORT", "8080")),
        admin_port=int(os.environ.get("ADMIN_PORT", "8090")),
        var_dir=var_dir,
        tracker_db=_path("RASA_TRACKER_DB", var_dir / "rasa_tracker.db"),
        model_dir=_path("LIBRARY_MODEL_DIR", Path("models")),
        database_url=os.environ.get(
            "LIBRARY_DATABASE_URL", f"sqlite:///{var_dir / 'library.db'}"
        ),
    )
