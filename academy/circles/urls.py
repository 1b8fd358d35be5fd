from django.urls import path

from academy.circles import views

app_name = "circles"
urlpatterns = [
    path("", views.CircleListView.as_view(), name="index"),
    path("mine/", views.MyCasesView.as_view(), name="my_cases"),
    path("moderation/", views.ModerationQueueView.as_view(), name="moderation"),
    path("moderation/reports/<int:report_id>/dismiss/", views.ReportDismissView.as_view(), name="report_dismiss"),
    path("<int:circle_id>/", views.CircleDetailView.as_view(), name="circle"),
    path("<int:circle_id>/join/", views.CircleJoinView.as_view(), name="join"),
    path("<int:circle_id>/leave/", views.CircleLeaveView.as_view(), name="leave"),
    path("<int:circle_id>/follow/", views.CircleFollowView.as_view(), name="circle_follow"),
    path("<int:circle_id>/cases/new/", views.PostCreateView.as_view(), name="post_new"),
    path("cases/<int:post_id>/", views.PostDetailView.as_view(), name="post"),
    path("cases/<int:post_id>/edit/", views.PostEditView.as_view(), name="post_edit"),
    path("cases/<int:post_id>/discard/", views.PostDiscardView.as_view(), name="post_discard"),
    path("cases/<int:post_id>/like/", views.PostLikeView.as_view(), name="post_like"),
    path("cases/<int:post_id>/follow/", views.PostFollowView.as_view(), name="post_follow"),
    path("cases/<int:post_id>/comments/", views.CommentCreateView.as_view(), name="comment_new"),
    path("cases/<int:post_id>/report/", views.ReportView.as_view(), name="post_report"),
    path("cases/<int:post_id>/moderate/", views.ModerateView.as_view(), name="post_moderate"),
    path("images/<int:image_id>/", views.CaseImageView.as_view(), name="image"),
    path("comments/<int:comment_id>/edit/", views.CommentEditView.as_view(), name="comment_edit"),
    path("comments/<int:comment_id>/discard/", views.CommentDiscardView.as_view(), name="comment_discard"),
    path("comments/<int:comment_id>/like/", views.CommentLikeView.as_view(), name="comment_like"),
    path("comments/<int:comment_id>/expert/", views.CommentExpertView.as_view(), name="comment_expert"),
    path("comments/<int:comment_id>/report/", views.ReportView.as_view(), name="comment_report"),
    path("comments/<int:comment_id>/moderate/", views.ModerateView.as_view(), name="comment_moderate"),
]
