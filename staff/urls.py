from django.contrib.auth.views import LogoutView
from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    # The admin's own logout answers only fully signed-in staff; this one also ends a half-done sign-in.
    path("sign-out/", LogoutView.as_view(next_page="admin:login"), name="sign-out"),
]
