from django.urls import path

from cases import data_set, intake_views, share_views, views
from cases.feeds import CaseCorrectionsFeed, NewCasesFeed
from core.public_data import served_as_open_data

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("feed/", served_as_open_data(NewCasesFeed()), name="feed"),
    path("data/cases.csv", data_set.cases_csv, name="data_csv"),
    path("data/cases.json", data_set.cases_json, name="data_json"),
    path("tell-us/", intake_views.submission_form, name="submission"),
    path("tell-us/sent/", intake_views.submission_sent, name="submission_sent"),
    path("<slug:reference>/", views.case_detail, name="detail"),
    path("<slug:reference>/corrections/", served_as_open_data(CaseCorrectionsFeed()), name="corrections_feed"),
    path("<slug:reference>/request/", intake_views.case_request, name="request"),
    path("<slug:reference>/request/sent/", intake_views.case_request_sent, name="request_sent"),
    path("<slug:reference>/share-<str:version>.png", share_views.share_image_view, name="share_image"),
]
