from django.urls import path

from cases import data_set, views
from cases.feeds import NewCasesFeed
from core.public_data import served_as_open_data

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("feed/", served_as_open_data(NewCasesFeed()), name="feed"),
    path("data/cases.csv", data_set.cases_csv, name="data_csv"),
    path("data/cases.json", data_set.cases_json, name="data_json"),
    path("<slug:reference>/", views.case_detail, name="detail"),
]
