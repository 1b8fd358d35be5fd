from .learning import Certificate, CourseProgress, LessonProgress, PlaybackSession, QuizAttempt
from .pages import AcademyIndexPage, AccessLevel, CoursePage, CourseSeriesPage, CourseSpeaker, LessonPage, QuizPage
from .references import CampaignReference, PrescribingInformationReference, ProductReference
from .speakers import Speaker

__all__ = [
    "AccessLevel",
    "AcademyIndexPage",
    "CampaignReference",
    "Certificate",
    "CoursePage",
    "CourseProgress",
    "CourseSeriesPage",
    "CourseSpeaker",
    "LessonPage",
    "LessonProgress",
    "PlaybackSession",
    "PrescribingInformationReference",
    "QuizAttempt",
    "ProductReference",
    "QuizPage",
    "Speaker",
]
