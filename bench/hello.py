"""The hello view: a one-view Django app, the denominator of every ratio in bench/RESULTS.md.

Served by the same gunicorn configuration (`gunicorn.conf.py`, the same workers) as the registry, right before it,
so a ratio compares the registry with the cheapest thing Django can serve on this machine in the same conditions.
`gunicorn -c gunicorn.conf.py --pythonpath bench hello:application`
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-view-of-the-benchmark-serves-no-secrets",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("healthz", hello), path("", hello)]

application = get_wsgi_application()
