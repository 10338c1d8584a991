from django.urls import path

from core.public_data import served_as_open_data
from petitions import delivery_views, views
from petitions.feeds import NewPetitionsFeed, PetitionUpdatesFeed

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("petitions/<slug:slug>/", views.petition_detail, name="detail"),
    path("feed/", served_as_open_data(NewPetitionsFeed()), name="feed"),
    path("petitions/<slug:slug>/updates/feed/", served_as_open_data(PetitionUpdatesFeed()), name="updates_feed"),
    path("petitions/<slug:slug>/sign/", views.petition_sign, name="sign"),
    path("petitions/<slug:slug>/signed/", views.signature_sent, name="signed"),
    path("petitions/<slug:slug>/sign-up-sheet/", delivery_views.sign_up_sheet, name="sign_up_sheet"),
    path("petitions/<slug:slug>/deliveries/<int:pk>/file/", delivery_views.delivery_file, name="delivery_file"),
    path("petitions/<slug:slug>/responses/<int:pk>/file/", delivery_views.response_file, name="response_file"),
    path("signatures/confirm/<str:token>/", views.signature_confirm, name="confirm"),
    path("signatures/confirm/<str:token>/resend/", views.signature_resend, name="resend"),
    path("signatures/withdraw/<str:token>/", views.signature_withdraw, name="withdraw"),
    path("signatures/unsubscribe/<str:token>/", views.signature_unsubscribe, name="unsubscribe"),
]
