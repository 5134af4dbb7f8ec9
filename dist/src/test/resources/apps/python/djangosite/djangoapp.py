# PythonIT: a single-file Django app (Debian's python3-django), settings in this file,
# served with --module djangoapp --pythonpath djangosite.
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

settings.configure(
    DEBUG=False,
    SECRET_KEY="uwsgi4j-test-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"],
)


def info(request):
    return JsonResponse({"framework": "django", "path": request.path, "q": request.GET.get("q", "")})


@csrf_exempt
def form(request):
    if request.method != "POST":
        return HttpResponse("POST only", status=405)
    return HttpResponse("hello %s (%d bytes)" % (request.POST["name"], len(request.body)), content_type="text/plain")


def protected(request):
    return HttpResponse("should not get here")


urlpatterns = [path("info", info), path("form", form), path("protected", protected)]

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after settings.configure)

application = get_wsgi_application()
