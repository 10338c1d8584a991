"""The cases app's models, by domain. Everything is importable from
`cases.models`, as Django and the migrations expect."""

from cases.models.events import Event, PartialDateMixin, Source, SourceQuerySet
from cases.models.identifiers import CaseIdentifier, CaseIdentifierQuerySet, cases_with_identifier
from cases.models.imports import CaseImport, CaseImportQuerySet
from cases.models.intake import (
    Submission,
    SubmissionFile,
    SubmissionQuerySet,
    _private_storage,
    _submission_file_path,
)
from cases.models.people import (
    FILTER_OPTIONS_CACHE_KEY,
    FILTER_OPTIONS_SECONDS,
    Case,
    CaseLink,
    CaseName,
    CaseNameWord,
    CaseNameWordQuerySet,
    CaseQuerySet,
    CaseText,
    NameWord,
    NameWordQuerySet,
    RetiredCaseAddress,
    RetiredCaseAddressQuerySet,
    forget_filter_options,
    index_spelling_words,
    retire_deleted_public_case,
)
from cases.models.photos import Photo, PhotoQuerySet, PhotoSize
from cases.models.publication import InvalidTransition, ReviewedPublication, Visibility
from cases.models.revisions import CaseRevision, CaseRevisionQuerySet
from cases.models.statistics import Statistic, StatisticQuerySet
from cases.models.testimonies import TestifierContact, Testimony, TestimonyQuerySet

__all__ = [
    "FILTER_OPTIONS_CACHE_KEY",
    "FILTER_OPTIONS_SECONDS",
    "Case",
    "CaseIdentifier",
    "CaseIdentifierQuerySet",
    "CaseImport",
    "CaseImportQuerySet",
    "CaseLink",
    "CaseName",
    "CaseNameWord",
    "CaseNameWordQuerySet",
    "CaseQuerySet",
    "CaseRevision",
    "CaseRevisionQuerySet",
    "CaseText",
    "Event",
    "InvalidTransition",
    "NameWord",
    "NameWordQuerySet",
    "PartialDateMixin",
    "Photo",
    "PhotoQuerySet",
    "PhotoSize",
    "RetiredCaseAddress",
    "RetiredCaseAddressQuerySet",
    "ReviewedPublication",
    "Source",
    "SourceQuerySet",
    "Statistic",
    "StatisticQuerySet",
    "Submission",
    "SubmissionFile",
    "SubmissionQuerySet",
    "TestifierContact",
    "Testimony",
    "TestimonyQuerySet",
    "Visibility",
    "_private_storage",
    "_submission_file_path",
    "cases_with_identifier",
    "forget_filter_options",
    "index_spelling_words",
    "retire_deleted_public_case",
]
