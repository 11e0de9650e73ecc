"""The database tables, one module per area. Importing this package registers them all."""

from .accounts import ROLES, STAFF_ROLES, SignInThrottle, User, UserRole, UserSession
from .audit import ACTIONS, AuditEvent
from .certification import Certificate
from .cohorts import Cohort, CohortCourse, Enrolment, SupervisorAssignment
from .courses import (
    CatalogVersion,
    Choice,
    Course,
    MediaFile,
    Module,
    ModuleVersion,
    Question,
)
from .credentials import Credential, CredentialStatusList
from .learning import ModuleProgress, QuizAttempt
from .live import (
    ATTENDANCE_STATUSES,
    Attendance,
    LiveSession,
    LiveSessionVersion,
    Meeting,
    Transcript,
)
from .renewal import (
    CE_SOURCES,
    CE_STATUSES,
    EMAIL_STATUSES,
    CEEntry,
    CEEvidence,
    OutgoingEmail,
    SentNotice,
)
from .requirements import PRACTICE_KINDS, PRACTICE_STATUSES, EthicsSignature, PracticeSession
from .stamps import TraineeStamp
from .standing import RosterStanding
from .workspace import (
    PUBLISH_REQUEST_STATUSES,
    DraftCourse,
    DraftFile,
    DraftRevision,
    PublishRequest,
)

__all__ = [
    "CatalogVersion",
    "Credential",
    "CredentialStatusList",
    "PUBLISH_REQUEST_STATUSES",
    "PublishRequest",
    "DraftCourse",
    "DraftFile",
    "DraftRevision",
    "ACTIONS",
    "CE_SOURCES",
    "CE_STATUSES",
    "EMAIL_STATUSES",
    "CEEntry",
    "CEEvidence",
    "OutgoingEmail",
    "SentNotice",
    "ATTENDANCE_STATUSES",
    "Attendance",
    "LiveSession",
    "LiveSessionVersion",
    "Meeting",
    "Transcript",
    "PRACTICE_KINDS",
    "PRACTICE_STATUSES",
    "AuditEvent",
    "Cohort",
    "CohortCourse",
    "Enrolment",
    "EthicsSignature",
    "PracticeSession",
    "SupervisorAssignment",
    "ROLES",
    "STAFF_ROLES",
    "Certificate",
    "ModuleProgress",
    "SignInThrottle",
    "Choice",
    "Course",
    "MediaFile",
    "Module",
    "ModuleVersion",
    "Question",
    "QuizAttempt",
    "RosterStanding",
    "TraineeStamp",
    "User",
    "UserRole",
    "UserSession",
]
