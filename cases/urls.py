from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("<slug:reference>/", views.case_detail, name="detail"),
]
