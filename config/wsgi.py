import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

# A wrong encryption key must stop the server here, not fail on a customer's page (P6).
from privacy.checks import refuse_to_serve_with_wrong_keys  # noqa: E402

refuse_to_serve_with_wrong_keys()
