from django.urls import path

from organisers import views
from organisers.views import case_desk, case_import, case_photos, case_reviews
from organisers.views import delivery as delivery_views
from organisers.views import intake as intake_views

app_name = "organisers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audit/", views.audit_log_all, name="audit_all"),
    path("petitions/new/", views.petition_create, name="petition_create"),
    path("petitions/<slug:slug>/", views.petition_manage, name="petition"),
    path("petitions/<slug:slug>/preview/", views.petition_preview, name="petition_preview"),
    path("petitions/<slug:slug>/edit/", views.petition_edit, name="petition_edit"),
    path("petitions/<slug:slug>/translations/", views.petition_translations, name="petition_translations"),
    path("petitions/<slug:slug>/open/", views.petition_open, name="petition_open"),
    path("petitions/<slug:slug>/close/", views.petition_close, name="petition_close"),
    path("petitions/<slug:slug>/victory/", views.petition_victory, name="petition_victory"),
    path("petitions/<slug:slug>/organisers/", views.organisers_manage, name="organisers"),
    path("petitions/<slug:slug>/organisers/<int:pk>/remove/", views.organiser_remove, name="organiser_remove"),
    path("petitions/<slug:slug>/updates/new/", views.update_create, name="update_create"),
    path("petitions/<slug:slug>/signatures/", views.signature_list, name="signatures"),
    path("petitions/<slug:slug>/signatures/selected/", views.signatures_bulk, name="signatures_bulk"),
    path("petitions/<slug:slug>/signatures/rule/", views.signatures_rule, name="signatures_rule"),
    path("petitions/<slug:slug>/signatures/rule/apply/", views.signatures_rule_apply, name="signatures_rule_apply"),
    path("petitions/<slug:slug>/signatures/<int:pk>/<str:action>/", views.signature_action, name="signature_action"),
    path("petitions/<slug:slug>/export/signatures.csv", views.export_signatures, name="export_signatures"),
    path("petitions/<slug:slug>/export/update-emails.csv", views.export_emails, name="export_emails"),
    path("petitions/<slug:slug>/export/key/", views.export_key, name="export_key"),
    path("petitions/<slug:slug>/audit/", views.audit_log, name="audit"),
    path("petitions/<slug:slug>/signals/", views.fraud_signals, name="fraud_signals"),
    # Paper signatures, deliveries, responses (organisers/views/delivery.py)
    path("petitions/<slug:slug>/paper/", delivery_views.paper_batches, name="paper"),
    path("petitions/<slug:slug>/paper/<int:pk>/edit/", delivery_views.paper_batch_edit, name="paper_edit"),
    path("petitions/<slug:slug>/paper/<int:pk>/delete/", delivery_views.paper_batch_delete, name="paper_delete"),
    path("petitions/<slug:slug>/paper/<int:pk>/scan/", delivery_views.paper_batch_scan, name="paper_scan"),
    path(
        "petitions/<slug:slug>/paper/<int:pk>/scan/<int:number>/",
        delivery_views.paper_batch_scan_page,
        name="paper_scan_page",
    ),
    path(
        "petitions/<slug:slug>/paper/<int:pk>/scan/original/",
        delivery_views.paper_batch_scan_original,
        name="paper_scan_original",
    ),
    path("petitions/<slug:slug>/deliveries/", delivery_views.deliveries, name="deliveries"),
    path("petitions/<slug:slug>/deliveries/new/", delivery_views.delivery_create, name="delivery_create"),
    path("petitions/<slug:slug>/responses/new/", delivery_views.response_create, name="response_create"),
    path("petitions/<slug:slug>/victory/link/", delivery_views.victory_link, name="victory_link"),
    path("petitions/<slug:slug>/delivery-pack/", delivery_views.delivery_pack, name="delivery_pack"),
    # The case desk (organisers/views/case_desk.py): the one way cases change
    path("desk/", case_desk.desk, name="desk"),
    path("desk/cases/", case_desk.desk_cases, name="desk_cases"),
    path("desk/cases/new/", case_desk.desk_case_create, name="desk_case_create"),
    path("desk/figures/", case_desk.desk_figures, name="desk_figures"),
    path("desk/figures/<int:pk>/", case_desk.desk_figure_edit, name="desk_figure_edit"),
    path("desk/figures/<int:pk>/<str:action>/", case_desk.desk_figure_action, name="desk_figure_action"),
    path("desk/sources/new/", case_desk.desk_source_create, name="desk_source_create"),
    path("desk/cases/<slug:reference>/", case_desk.desk_case, name="desk_case"),
    path("desk/cases/<slug:reference>/edit/", case_desk.desk_case_edit, name="desk_case_edit"),
    path("desk/cases/<slug:reference>/submit/", case_desk.desk_case_submit, name="desk_case_submit"),
    path("desk/cases/<slug:reference>/unpublish/", case_desk.desk_case_unpublish, name="desk_case_unpublish"),
    path("desk/cases/<slug:reference>/<slug:section>/", case_desk.desk_case_section, name="desk_case_section"),
    path("cases/reviews/", case_reviews.case_reviews, name="case_reviews"),
    path("cases/import/", case_import.case_import, name="case_import"),
    path("cases/import/template.csv", case_import.case_import_template, name="case_import_template"),
    path("cases/import/<int:pk>/", case_import.case_import_preview, name="case_import_preview"),
    path("cases/import/<int:pk>/confirm/", case_import.case_import_confirm, name="case_import_confirm"),
    path("cases/import/<int:pk>/discard/", case_import.case_import_discard, name="case_import_discard"),
    path("cases/export.csv", case_import.case_export, name="case_export"),
    path("cases/revisions/<int:pk>/", case_reviews.case_revision, name="case_revision"),
    path("cases/revisions/<int:pk>/approve/", case_reviews.case_revision_approve, name="case_revision_approve"),
    path("cases/revisions/<int:pk>/reject/", case_reviews.case_revision_reject, name="case_revision_reject"),
    path("cases/revisions/<int:pk>/restore/", case_reviews.case_revision_restore, name="case_revision_restore"),
    path("cases/<slug:reference>/versions/", case_reviews.case_versions, name="case_versions"),
    # Photos of a case and its testimonies (organisers/views/case_photos.py)
    path("cases/<slug:reference>/photos/", case_photos.case_photos, name="case_photos"),
    path("cases/<slug:reference>/photos/<slug:key>/", case_photos.photo_edit, name="photo_edit"),
    path("cases/<slug:reference>/photos/<slug:key>/<str:action>/", case_photos.photo_action, name="photo_action"),
    path("cases/photo-files/<slug:key>/<str:filename>", case_photos.photo_file, name="photo_file"),
    # What families send (organisers/views/intake.py)
    path("intake/", intake_views.intake_queue, name="intake_queue"),
    path("intake/close/", intake_views.intake_close_selected, name="intake_close_selected"),
    path("intake/<int:pk>/", intake_views.intake_detail, name="intake_detail"),
    path("intake/<int:pk>/contact/", intake_views.intake_contact, name="intake_contact"),
    path("intake/<int:pk>/files/<int:file_pk>/", intake_views.intake_file, name="intake_file"),
    path(
        "intake/<int:pk>/files/<int:file_pk>/pages/<int:number>/",
        intake_views.intake_file_page,
        name="intake_file_page",
    ),
    path(
        "intake/<int:pk>/files/<int:file_pk>/original/", intake_views.intake_file_original, name="intake_file_original"
    ),
    path("intake/<int:pk>/duplicate/", intake_views.intake_duplicate, name="intake_duplicate"),
    path("intake/<int:pk>/convert/", intake_views.intake_convert, name="intake_convert"),
    path("intake/<int:pk>/ask/", intake_views.intake_ask, name="intake_ask"),
    path("intake/<int:pk>/close/", intake_views.intake_close, name="intake_close"),
]
