from django.urls import path

from contractor_api.api import api
from core.access_matrix import PUBLIC, Audience, Outcome, audience, everyone

# Every endpoint answers only the key's holder (KeyBearer): 401 for anyone else, whatever
# their session. The schema is public: it describes the API and holds no data.
KEY_HOLDER = Audience(
    anonymous=Outcome.UNAUTHORISED,
    owner=Outcome.UNAUTHORISED,
    other_customer=Outcome.UNAUTHORISED,
    contractor=Outcome.ALLOWED,
    staff=Outcome.UNAUTHORISED,
)
AUDIENCES: dict[str, Audience] = {
    "contractor_api:openapi-json": PUBLIC,
    "contractor_api:api-root": everyone(Outcome.NOT_FOUND),
    "contractor_api:jobs_list": KEY_HOLDER,
    "contractor_api:job_read": KEY_HOLDER,
    "contractor_api:job_done": everyone(Outcome.METHOD_NOT_ALLOWED),
    "contractor_api:job_failed": everyone(Outcome.METHOD_NOT_ALLOWED),
}

urlpatterns = [audience(path("", api.urls), lambda name, pattern: AUDIENCES.get(name))]
