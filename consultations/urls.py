from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.request_consultation, name="request"),
    path("received/", views.request_received, name="received"),
]
