"""Organisers' pages, by area. Every petition is looked up through
organisers.access.petition_for, which applies the permissions."""

from organisers.views.audit import audit_log, audit_log_all
from organisers.views.dashboard import dashboard
from organisers.views.exports import export_emails, export_key, export_signatures
from organisers.views.petitions import (
    organiser_remove,
    organisers_manage,
    petition_close,
    petition_create,
    petition_edit,
    petition_manage,
    petition_open,
    petition_preview,
    petition_translations,
    petition_victory,
    update_create,
)
from organisers.views.signatures import (
    fraud_signals,
    signature_action,
    signature_list,
    signatures_bulk,
    signatures_rule,
    signatures_rule_apply,
)

__all__ = [
    "audit_log",
    "audit_log_all",
    "dashboard",
    "export_emails",
    "export_key",
    "export_signatures",
    "fraud_signals",
    "organiser_remove",
    "organisers_manage",
    "petition_close",
    "petition_create",
    "petition_edit",
    "petition_manage",
    "petition_open",
    "petition_preview",
    "petition_translations",
    "petition_victory",
    "signature_action",
    "signature_list",
    "signatures_bulk",
    "signatures_rule",
    "signatures_rule_apply",
    "update_create",
]
