from django.urls import path

from triage import views

app_name = "triage"

urlpatterns = [
    path("", views.guide_page, name="guide"),
]
