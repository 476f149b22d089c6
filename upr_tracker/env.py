"""Tiny, strict readers for settings that come from the environment.

Every helper raises ImproperlyConfigured on a value it does not understand, so
a typo in a deployment fails at start-up instead of silently falling back.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values, load_dotenv

TRUE_SPELLINGS = frozenset({"true", "1", "yes", "on"})
FALSE_SPELLINGS = frozenset({"false", "0", "no", "off"})


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in TRUE_SPELLINGS:
        return True
    if value in FALSE_SPELLINGS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of {sorted(TRUE_SPELLINGS)} or {sorted(FALSE_SPELLINGS)}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE", "").strip()
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default).strip()


def read_env_file(default: Path) -> tuple[Path | None, list[str]]:
    """Load the development settings file into the environment, if there is one: (the file, the names it set).

    The file is UPR_ENV_FILE, by default `default` (the project's `.env`, which `make` writes for development,
    upr_tracker/devenv.py); UPR_ENV_FILE set empty reads none. A variable already in the environment always
    wins over the file, so production, which sets real environment variables and has no such file, never
    takes a value from it (`check --deploy` warns when one was: core/checks.py). Values are taken literally
    (no `$VAR` expansion: a secret may contain `$`).
    """
    name = os.environ.get("UPR_ENV_FILE")
    if name is None:
        if not default.is_file():
            return None, []
        path = default
    elif not name.strip():
        return None, []
    else:
        path = Path(name.strip())
        if not path.is_file():
            raise ImproperlyConfigured(f"UPR_ENV_FILE={name!r} is not a file.")
    taken = sorted(key for key in dotenv_values(path, interpolate=False) if key not in os.environ)
    load_dotenv(path, override=False, interpolate=False)
    return path, taken
