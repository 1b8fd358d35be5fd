from .learning import Certificate, CourseProgress, LessonProgress, PlaybackSession, QuizAttempt
from .pages import AcademyIndexPage, AccessLevel, CoursePage, CourseSeriesPage, CourseSpeaker, LessonPage, QuizPage
from .speakers import Speaker

__all__ = [
    "AccessLevel",
    "AcademyIndexPage",
    "Certificate",
    "CoursePage",
    "CourseProgress",
    "CourseSeriesPage",
    "CourseSpeaker",
    "LessonPage",
    "LessonProgress",
    "PlaybackSession",
    "QuizAttempt",
    "QuizPage",
    "Speaker",
]
