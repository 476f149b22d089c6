"""Writes the development settings file, `.env`, that `make` creates once in a checkout (git-ignored).

upr_tracker/settings.py reads it when present (upr_tracker/env.py, read_env_file), under any variable set
in the real environment, so `.venv/bin/python manage.py …` run by hand sees the settings `make run` uses.
Production never has one: it sets real environment variables (README, "Configuration" and "Deploying").

    .venv/bin/python -m upr_tracker.devenv .env     # what `make` runs; an existing file is left as it is
"""

import sys
from pathlib import Path

CONTENT = """\
# Development settings for this checkout, written by `make` (upr_tracker/devenv.py). Git-ignored; edit freely.
# The settings read this file when present; a variable set in the environment wins over it.
# Never copy it to a server: production sets real environment variables (README, "Deploying").
# Every variable is described in .env.example and README.md ("Configuration").

# Development mode: the embedded PostgreSQL under var/pgdata, a development secret key, local hosts.
DEBUG=true

# Your own PostgreSQL server instead of the embedded one, for every command run here:
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_tracker
"""


def write(path: Path) -> bool:
    """Write the file unless it exists (a developer's edits are kept); True when it was written."""
    if path.exists():
        return False
    path.write_text(CONTENT)
    return True


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else ".env")
    if write(path):
        print(f"Wrote {path}: development settings (DEBUG=true) for every command run in this checkout.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
