from django.urls import path

from booking import views

app_name = "booking"
urlpatterns = [
    path("cancel/<str:token>/", views.cancel, name="cancel"),
    path("cancelled/", views.cancelled, name="cancelled"),
    path("move/<str:token>/", views.move, name="move"),
    path("calendar/<str:token>/visit.ics", views.calendar_file, name="calendar"),
]
