"""Security behaviour of the running site: headers, login lockout, escaping, error pages."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    script_src = csp_directives(response)["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'self'" in script_src
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_public_page_sends_security_headers(client):
    ShelterFactory()
    response = client.get(reverse("shelter_list"))
    assert response.status_code == HTTPStatus.OK
    assert_security_headers(response)


def test_inline_scripts_carry_the_nonce_of_the_policy(client):
    """Inline scripts run only through the per-response nonce; none may be left without it."""
    shelter = ShelterFactory(latitude="14.9", longitude="-92.26")
    response = client.get(shelter.get_absolute_url())
    html = response.content.decode()
    nonces = {word.removeprefix("'nonce-").rstrip("'") for word in csp_directives(response)["script-src"]}
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag or 'type="application/json"' in tag or "application/ld+json" in tag:
            continue
        match = re.search(r'nonce="([^"]+)"', tag)
        assert match and match.group(1) in nonces, f"inline script without the response's nonce: {tag}"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_redirect_and_hsts_when_secure(client):
    url = reverse("shelter_list")
    redirect = client.get(url)
    assert redirect.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert redirect["Location"].startswith("https://")
    # Behind the TLS proxy: X-Forwarded-Proto says the visitor used https.
    response = client.get(url, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == HTTPStatus.OK
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_is_not_redirected_to_https(client):
    """Balancers probe over plain http inside the network."""
    assert client.get(reverse("healthz")).status_code == HTTPStatus.OK


# --- admin login lockout (django-axes) ---


def admin_login(username: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(reverse("admin:login"), {"username": username, "password": password})


@pytest.fixture
def admin_user():
    return UserFactory(username="officer", is_staff=True, is_superuser=True)


def fail_until_locked(username: str, ip: str, limit: int) -> None:
    for attempt in range(1, limit + 1):
        response = admin_login(username, "wrong password", ip)
        if attempt < limit:
            assert response.status_code == HTTPStatus.OK  # the form again, with an error


@override_settings(AXES_FAILURE_LIMIT=3)
def test_admin_login_locks_after_repeated_failures(admin_user):
    fail_until_locked("officer", "203.0.113.7", 3)
    # Even the right password is refused from that address now.
    response = admin_login("officer", PASSWORD, "203.0.113.7")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in response.client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_username_and_address(admin_user):
    """A shared office address cannot lock everyone out: the same user elsewhere and other users there sign in."""
    UserFactory(username="colleague", is_staff=True, is_superuser=True)
    fail_until_locked("officer", "203.0.113.7", 3)
    assert admin_login("officer", PASSWORD, "198.51.100.20").status_code == HTTPStatus.FOUND
    assert admin_login("colleague", PASSWORD, "203.0.113.7").status_code == HTTPStatus.FOUND
    assert admin_login("officer", PASSWORD, "203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS


# What config/settings.py derives from NUM_PROXIES=1.
@override_settings(
    AXES_FAILURE_LIMIT=3,
    NUM_PROXIES=1,
    AXES_IPWARE_PROXY_COUNT=0,
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR",),
)
def test_lockout_uses_the_client_address_behind_a_proxy(admin_user):
    """Behind the proxy all requests come from its address; X-Forwarded-For tells the clients apart."""

    def login(password: str, client_ip: str):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {client_ip}")
        return client.post(reverse("admin:login"), {"username": "officer", "password": password})

    for _ in range(3):
        login("wrong password", "203.0.113.7")
    assert login(PASSWORD, "203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert login(PASSWORD, "198.51.100.20").status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # an entry the client wrote itself, on the left, is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
    ],
)
def test_the_client_address_is_counted_from_the_right_of_x_forwarded_for(rf, settings, proxies, forwarded, expected):
    # The django-ipware settings as config/settings.py derives them from NUM_PROXIES.
    settings.AXES_IPWARE_PROXY_COUNT = proxies - 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    request = rf.post("/admin/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert get_client_ip_address(request) == expected


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_released_after_the_cool_off(admin_user, settings):
    fail_until_locked("officer", "203.0.113.7", 3)
    assert admin_login("officer", PASSWORD, "203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    # Not yet: a minute before the cool-off ends the lock holds.
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off + timedelta(minutes=1))
    assert admin_login("officer", PASSWORD, "203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))
    assert admin_login("officer", PASSWORD, "203.0.113.7").status_code == HTTPStatus.FOUND


# --- user-supplied text is shown as text ---


def test_script_in_a_shelter_name_is_escaped(client):
    shelter = ShelterFactory(name=f"Casa {SCRIPT}", slug="casa-xss", latitude="14.9", longitude="-92.26")
    for url in (reverse("shelter_list"), shelter.get_absolute_url()):
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
        assert ESCAPED_SCRIPT in html, url


def test_script_in_a_news_body_is_never_rendered_raw(client):
    article = ArticleFactory(
        body=f'<p>Reporte</p>{SCRIPT}<img src=x onerror="alert(\'xss\')"><a href="javascript:alert(1)">x</a>',
        summary=SCRIPT,
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Reporte" in html
    assert SCRIPT not in html
    assert 'onerror="' not in html
    assert 'href="javascript:' not in html


def test_script_in_a_project_description_is_never_rendered_raw(client):
    project = ProjectFactory(description=f"<p>Objetivo</p>{SCRIPT}", summary=SCRIPT)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Objetivo" in html
    assert SCRIPT not in html


# --- errors reveal nothing ---


@override_settings(DEBUG=False, ROOT_URLCONF="tests.production.urls")
def test_server_error_page_shows_no_stack_trace_or_settings():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    html = response.content.decode()
    for leak in ("Traceback", "RuntimeError", "deliberate failure", "SECRET_KEY", "DATABASES", "INSTALLED_APPS"):
        assert leak not in html
    assert "<html" in html  # the site's own 500 template, not a bare message


@override_settings(DEBUG=False)
def test_not_found_page_lists_no_url_patterns(client):
    response = client.get("/es/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "URLconf" not in html
    assert "The current path" not in html
