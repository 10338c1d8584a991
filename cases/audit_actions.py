"""The audit actions of case curation: publication and review, revisions,
figures, testifiers' contacts, bulk files, photos and what families send
(accounts.audit_registry says why each app registers its own)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit_registry import register

CASE_SUBMIT = register("case.submit", _("Submitted a case for approval"))
CASE_APPROVE = register("case.approve", _("Approved a case"))
CASE_PUBLISH = register("case.publish", _("Published a case"))
CASE_UNPUBLISH = register("case.unpublish", _("Unpublished a case"))
CASE_REVISION_PROPOSE = register("case.revision.propose", _("Proposed a change to a public case"))
CASE_REVISION_RESTORE = register("case.revision.restore", _("Proposed restoring an earlier version of a case"))
CASE_REVISION_APPROVE = register("case.revision.approve", _("Approved a change to a public case"))
CASE_REVISION_REJECT = register("case.revision.reject", _("Rejected a change to a public case"))
STATISTIC_SUBMIT = register("statistic.submit", _("Submitted a figure for approval"))
STATISTIC_APPROVE = register("statistic.approve", _("Approved and published a figure"))
STATISTIC_UNPUBLISH = register("statistic.unpublish", _("Unpublished a figure"))
CONTACT_VIEW = register("case.contact.view", _("Read a testifier's contact details"))
CONTACT_CHANGE = register("case.contact.change", _("Changed a testifier's contact details"))
CASE_IMPORT = register("case.import", _("Imported cases from a CSV file"))
CASE_EXPORT = register("case.export", _("Exported cases as a CSV file for editing"))
PHOTO_ADD = register("photo.add", _("Added a photo"))
PHOTO_EDIT = register("photo.edit", _("Changed a photo's consent or texts"))
PHOTO_SUBMIT = register("photo.submit", _("Submitted a photo for approval"))
PHOTO_APPROVE = register("photo.approve", _("Approved and published a photo"))
PHOTO_UNPUBLISH = register("photo.unpublish", _("Took a photo down"))
PHOTO_PORTRAIT = register("photo.portrait", _("Chose the photo on a person's card"))
PHOTO_DELETE = register("photo.delete", _("Deleted a photo"))
SUBMISSION_DUPLICATE = register("submission.duplicate", _("Marked a submission as a possible duplicate"))
SUBMISSION_CONVERT = register("submission.convert", _("Turned a submission into a draft case"))
SUBMISSION_ASK = register("submission.ask", _("Asked the sender of a submission for more information"))
SUBMISSION_CLOSE = register("submission.close", _("Closed a submission"))
SUBMISSION_CONTACT = register("submission.contact", _("Read the contact details of a submission's sender"))
SUBMISSION_FILE = register("submission.file", _("Opened a file sent with a submission"))
