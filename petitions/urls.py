from django.urls import path

from core.public_data import served_as_open_data
from petitions import delivery_views, log_views, share_views, views
from petitions.feeds import NewPetitionsFeed, PetitionUpdatesFeed

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("petitions/<slug:slug>/", views.petition_detail, name="detail"),
    path("feed/", served_as_open_data(NewPetitionsFeed()), name="feed"),
    path("petitions/<slug:slug>/updates/feed/", served_as_open_data(PetitionUpdatesFeed()), name="updates_feed"),
    path("petitions/<slug:slug>/sign/", views.petition_sign, name="sign"),
    path("petitions/<slug:slug>/signed/", views.signature_sent, name="signed"),
    # The count anyone can verify (petitions/log_views.py).
    path("petitions/<slug:slug>/log/", log_views.log_page, name="log"),
    path("petitions/<slug:slug>/log/verify/", log_views.log_verify, name="log_verify"),
    # How a petition travels (petitions/share_views.py).
    path("petitions/<slug:slug>/share/", share_views.share_page, name="share"),
    path("petitions/<slug:slug>/share.png", share_views.share_image_current, name="share_image_current"),
    path("petitions/<slug:slug>/share-<str:version>.png", share_views.share_image_view, name="share_image"),
    path("petitions/<slug:slug>/badge.svg", share_views.badge, name="badge"),
    path("petitions/<slug:slug>/embed/", share_views.embed, name="embed"),
    path("petitions/<slug:slug>/poster/", share_views.poster, name="poster"),
    path("share-<str:version>.png", share_views.site_share_image, name="site_share_image"),
    path("petitions/<slug:slug>/sign-up-sheet/", delivery_views.sign_up_sheet, name="sign_up_sheet"),
    path("petitions/<slug:slug>/deliveries/<int:pk>/file/", delivery_views.delivery_file, name="delivery_file"),
    path("petitions/<slug:slug>/responses/<int:pk>/file/", delivery_views.response_file, name="response_file"),
    path(
        "petitions/<slug:slug>/deliveries/<int:pk>/file/<int:number>/",
        delivery_views.delivery_file_page,
        name="delivery_file_page",
    ),
    path(
        "petitions/<slug:slug>/responses/<int:pk>/file/<int:number>/",
        delivery_views.response_file_page,
        name="response_file_page",
    ),
    path("signatures/confirm/<str:token>/", views.signature_confirm, name="confirm"),
    path("signatures/confirm/<str:token>/resend/", views.signature_resend, name="resend"),
    path("signatures/withdraw/<str:token>/", views.signature_withdraw, name="withdraw"),
    path("signatures/unsubscribe/<str:token>/", views.signature_unsubscribe, name="unsubscribe"),
]
