# A single-file Django project (Debian: apt-get install python3-django):
#   ./uwsgi4j --http-socket :8080 --module django_app --pythonpath examples/python --master --processes 2
#   curl localhost:8080/ ; curl -d 'name=you' localhost:8080/greet
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

settings.configure(
    DEBUG=False,
    SECRET_KEY="change-me",  # example only: read it from the environment in a real deployment
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"],
)


def index(request):
    return JsonResponse({"hello": "from django on uwsgi4j"})


@csrf_exempt  # a form without a CSRF token, for the curl above
def greet(request):
    return HttpResponse("hello %s\n" % request.POST.get("name", "stranger"), content_type="text/plain")


urlpatterns = [path("", index), path("greet", greet)]

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after settings.configure)

application = get_wsgi_application()
