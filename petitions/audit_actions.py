"""The audit actions of running a petition: moderation, transitions,
updates, exports, paper signatures, deliveries and responses
(accounts.audit_registry says why each app registers its own)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit_registry import register

SIGNATURE_HIDE = register("signature.hide", _("Hid a signer's name and reason"))
SIGNATURE_UNHIDE = register("signature.unhide", _("Restored a signer's name and reason"))
SIGNATURE_APPROVE = register("signature.approve", _("Reviewed a public comment"))
SIGNATURE_INVALIDATE = register("signature.invalidate", _("Invalidated a signature"))
SIGNATURE_REINSTATE = register("signature.reinstate", _("Reinstated a signature"))
SIGNATURE_RESEND = register("signature.resend", _("Re-sent a confirmation email"))
PETITION_CREATE = register("petition.create", _("Created the petition"))
PETITION_EDIT = register("petition.edit", _("Edited the petition"))
PETITION_OPEN = register("petition.open", _("Opened the petition"))
PETITION_CLOSE = register("petition.close", _("Closed the petition"))
PETITION_VICTORY = register("petition.victory", _("Declared a victory"))
UPDATE_POST = register("update.post", _("Posted an update"))
EXPORT_SIGNATURES = register("export.signatures", _("Exported the signatures"))
EXPORT_EMAILS = register("export.emails", _("Exported the emails of signers who want updates"))
VIEW_EMAILS = register("signatures.view_emails", _("Viewed signers' full email addresses"))
LOOKUP_EMAIL = register("signatures.lookup_email", _("Searched the signatures for an exact email address"))
ORGANISER_ADD = register("organiser.add", _("Added an organiser"))
ORGANISER_REMOVE = register("organiser.remove", _("Removed an organiser"))
PAPER_RECORD = register("paper.record", _("Recorded paper signatures"))
PAPER_EDIT = register("paper.edit", _("Changed a batch of paper signatures"))
PAPER_DELETE = register("paper.delete", _("Deleted a batch of paper signatures"))
PAPER_SCAN = register("paper.scan", _("Opened the scan of a paper batch"))
DELIVERY_RECORD = register("delivery.record", _("Recorded a delivery"))
DELIVERY_PACK = register("delivery.pack", _("Opened the delivery pack"))
RESPONSE_RECORD = register("response.record", _("Recorded a response"))
VICTORY_LINK = register("petition.victory_link", _("Said what marks the victory"))
