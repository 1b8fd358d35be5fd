"""Settings: production passes `check --deploy`; the embedded defaults need no server; tests run on
PostgreSQL and Redis."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _run(args, env, tmp_path):
    base = {
        key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH")
    }
    base.update({"XINGLIN_VAR_DIR": str(tmp_path / "var")}, **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def _production_env() -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "platform_core.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": "postgres://xinglin:xinglin@127.0.0.1:5432/xinglin",
        "ALLOWED_HOSTS": "xinglin.example.com",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run(["manage.py", "check", "--deploy"], _production_env(), tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing, tmp_path):
    env = _production_env()
    del env[missing]
    result = _run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


PRINT_SETTINGS = """
import django
django.setup()
from django.conf import settings
print(settings.DATABASES["default"]["ENGINE"])
print(settings.CHANNEL_LAYERS["default"]["BACKEND"])
print(settings.CELERY_BROKER_URL)
print(settings.SEARCH_BACKEND)
print(settings.DEBUG)
"""


def test_the_embedded_defaults_need_no_server(tmp_path):
    result = _run(["-c", PRINT_SETTINGS], {"DJANGO_SETTINGS_MODULE": "platform_core.settings.base"}, tmp_path)
    assert result.returncode == 0, result.stderr
    engine, channel_layer, broker, search, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert channel_layer == "channels.layers.InMemoryChannelLayer"
    assert broker == "filesystem://"
    assert search == "database"
    assert debug == "False"
    # The filesystem broker's folders exist before any worker starts.
    assert (tmp_path / "var" / "celery" / "out").is_dir() and (tmp_path / "var" / "celery" / "processed").is_dir()


def test_the_environment_switches_each_integration(tmp_path):
    result = _run(
        ["-c", PRINT_SETTINGS],
        {
            "DJANGO_SETTINGS_MODULE": "platform_core.settings.base",
            "DATABASE_URL": "postgres://u:p@db.example:5432/x",
            "REDIS_URL": "redis://cache.example:6379/2",
            "ELASTICSEARCH_URL": "http://search.example:9200",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    engine, channel_layer, broker, search, _debug = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert channel_layer == "channels_redis.core.RedisChannelLayer"
    assert broker == "redis://cache.example:6379/2"
    assert search == "elasticsearch"


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"


def test_no_asset_is_loaded_from_another_origin():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive in ("default-src", "script-src", "style-src"):
        assert all(source.startswith("'") for source in directives[directive]), directive
