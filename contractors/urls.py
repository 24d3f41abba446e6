from django.urls import path

from contractors import views
from core.access_matrix import PUBLIC, Audience, Outcome, audience, everyone

app_name = "contractors"


def _portal(person: Outcome) -> Audience:
    """A portal page: the contractor's person, whose code was checked; anyone else signs in
    to the portal (a customer's or staff member's account is not a contractor's)."""
    return Audience(
        anonymous=Outcome.SIGN_IN,
        owner=Outcome.SIGN_IN,
        other_customer=Outcome.SIGN_IN,
        contractor=person,
        staff=Outcome.SIGN_IN,
    )


POST_ONLY = everyone(Outcome.METHOD_NOT_ALLOWED)

urlpatterns = [
    audience(path("", views.jobs, name="jobs"), _portal(Outcome.ALLOWED)),
    audience(path("hyr/", views.sign_in, name="sign_in"), PUBLIC),
    audience(path("kodi/", views.code, name="code"), _portal(Outcome.ALLOWED)),
    # A person with a device already is sent on from the enrolment.
    audience(path("kodi/aktivizo/", views.enrol, name="enrol"), _portal(Outcome.REDIRECT)),
    audience(path("dil/", views.sign_out, name="sign_out"), POST_ONLY),
    # The job assigned to the person's company (P10); another job is refused in the view.
    audience(path("pune/<int:job_id>/", views.job, name="job"), _portal(Outcome.ALLOWED)),
    audience(path("pune/<int:job_id>/kryer/", views.job_done, name="job_done"), POST_ONLY),
    audience(path("pune/<int:job_id>/nuk-u-krye/", views.job_failed, name="job_failed"), POST_ONLY),
]
