from django.urls import path

from cases import share_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("<slug:reference>/", views.case_detail, name="detail"),
    path("<slug:reference>/share-<str:version>.png", share_views.share_image_view, name="share_image"),
]
