from django.urls import path

from consultations import views, waitlist_views

app_name = "consultations"

urlpatterns = [
    path("", views.request_consultation, name="request"),
    path("received/", views.request_received, name="received"),
    # From the links in the patient's e-mails and on the confirmation page (consultations.waitlist).
    path("earlier-time/<str:token>/", waitlist_views.join, name="waitlist"),
    path("earlier-time/claim/<str:token>/", waitlist_views.claim, name="claim_earlier_time"),
]
