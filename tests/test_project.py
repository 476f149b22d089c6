"""Cheap nets: migrations complete, system checks clean, production settings strict."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from upr_tracker import devenv

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-only-0123456789",
    "ALLOWED_HOSTS": "upr.example.org",
    "DATABASE_URL": "postgres://upr@db.example.org:5432/upr",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean_env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    # A developer's .env in the checkout is no part of these settings (UPR_ENV_FILE empty: read none).
    clean_env["UPR_ENV_FILE"] = ""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_is_clean_with_production_settings_beside_a_development_env_file(tmp_path):
    dev_env = tmp_path / ".env"
    devenv.write(dev_env)

    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "UPR_ENV_FILE": str(dev_env)}
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_about_a_setting_taken_from_an_env_file(tmp_path):
    stray = tmp_path / ".env"
    stray.write_text("DEBUG=true\nCOUNT_CACHE_SECONDS=5\n")
    env = {**PRODUCTION_ENV, "UPR_ENV_FILE": str(stray)}  # DEBUG=false set for real: only the other one is taken

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert f"(upr_tracker.W001) COUNT_CACHE_SECONDS came from the development settings file {stray}" in result.stderr


def test_the_development_env_file_makes_a_bare_command_a_development_one(tmp_path):
    dev_env = tmp_path / ".env"
    devenv.write(dev_env)
    env = {"UPR_ENV_FILE": str(dev_env), "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]}

    assert settings_seen(["DEBUG"], env, base={}) == ["True"]
    assert run_manage("check", env={"UPR_ENV_FILE": str(tmp_path / "missing.env")}).returncode != 0


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY (or SECRET_KEY_FILE) must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_the_development_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_a_misspelt_boolean_stops_start_up():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env={**env, "SECRET_KEY_FILE": str(secret_file)})
    assert result.returncode == 0, result.stderr


def test_a_wildcard_host_is_refused():
    result = run_manage("check", env={**PRODUCTION_ENV, "ALLOWED_HOSTS": "*"})
    assert result.returncode != 0
    assert "'*' is refused" in result.stderr


def test_a_default_token_lifetime_over_the_maximum_stops_start_up():
    result = run_manage("check", env={**PRODUCTION_ENV, "API_TOKEN_DAYS": "400"})
    assert result.returncode != 0
    assert "API_TOKEN_DAYS=400 exceeds API_TOKEN_MAX_DAYS=365." in result.stderr


def settings_seen(names: list[str], env: dict[str, str], base: dict[str, str] = PRODUCTION_ENV) -> list[str]:
    code = f"from django.conf import settings; print(*[getattr(settings, n) for n in {names!r}])"
    result = run_manage("shell", "-c", code, env={**base, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split()  # after Django's line about the shell's automatic imports


@pytest.mark.parametrize(
    ("former", "current"),
    [("EVIDENCE_MAX_UPLOAD_MB", "UPLOAD_MAX_MB"), ("API_NUM_PROXIES", "NUM_PROXIES")],
)
def test_a_former_setting_name_is_still_read_and_the_new_one_wins(former, current):
    assert settings_seen([current], {former: "7"}) == ["7"]
    assert settings_seen([current], {former: "7", current: "3"}) == ["3"]
