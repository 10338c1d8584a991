"""Mounted at /organisers/invitations/ (config/urls.py): links already in
people's inboxes point there."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("new/", views.invitation_create, name="invitation_create"),
    path("<str:token>/", views.invitation_accept, name="invitation_accept"),
]
