"""Settings that cannot run refuse to: an unknown environment, no secret, no known host."""

import stat

import pytest
from pydantic import AnyHttpUrl, ValidationError

from app.config import ConfigError, Settings, check_runnable, keep_secret_key
from app.main import create_app

SECRET = "s" * 40


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_an_unknown_environment_refuses_to_start():
    with pytest.raises(ValidationError, match="'development', 'test' or 'production'"):
        _settings(environment="staging")


def test_production_without_a_secret_refuses_to_start():
    production = _settings(
        environment="production", secret_key=None, public_api_url="https://api.example.org"
    )
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app(production)


def test_a_short_secret_refuses_to_start():
    with pytest.raises(ValidationError, match="at least 32 characters"):
        _settings(environment="production", secret_key="too-short")


def test_development_has_no_built_in_secret_to_sign_with():
    development = _settings(environment="development", secret_key=None)
    assert development.secret_key is None
    with pytest.raises(ConfigError, match="pressroom serve"):
        create_app(development)


def test_tests_get_a_random_secret():
    assert len(_settings(environment="test").secret_key or "") >= 32


def test_production_needs_to_know_its_host_name():
    production = _settings(environment="production", secret_key=SECRET)
    with pytest.raises(ConfigError, match="PUBLIC_API_URL"):
        check_runnable(production)
    check_runnable(production, serving=False)  # the worker answers no requests
    named = production.model_copy(update={"public_api_url": AnyHttpUrl("https://api.example.org")})
    assert named.trusted_hosts == ["api.example.org"]
    listed = _settings(environment="production", secret_key=SECRET, allowed_hosts="a.org, *.b.org")
    assert listed.trusted_hosts == ["a.org", "*.b.org"]
    assert _settings(environment="development").trusted_hosts == ["*"]


@pytest.mark.parametrize(
    ("name", "value"), [("allowed_hosts", "api.*.org"), ("forwarded_allow_ips", "proxy.local")]
)
def test_unusable_host_and_proxy_lists_refuse_to_start(name: str, value: str):
    with pytest.raises(ValidationError, match=value.replace("*", r"\*")):
        _settings(**{name: value})


def test_the_development_secret_is_kept_beside_the_database(tmp_path):
    settings = _settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/data/pressroom.db")
    first = keep_secret_key(settings)
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert keep_secret_key(settings) == first  # reused on the next start
