from django.urls import path

from guides import views

app_name = "guides"

# Mounted at the top of the site, after every other page: guides have short, memorable addresses.
urlpatterns = [
    path("guides/", views.GuideListView.as_view(), name="list"),
    path("choosing-a-treatment/<slug:topic>/", views.GuideDetailView.as_view(), name="decision-aid"),
    path("<slug:slug>/", views.GuideDetailView.as_view(), name="detail"),
]
