from django.urls import path

from socmap.apps.tasking import views

app_name = "tasking"

urlpatterns = [
    path("tasking/", views.home, name="home"),
    path("tasking/board/", views.board, name="board"),
    path("tasking/bids/", views.bid_list, name="bids"),
    path("tasking/bids/new/", views.bid_new, name="bid_new"),
    path("tasking/bids/export/", views.bid_export, name="bid_export"),
    path("tasking/bids/<int:bid_id>/", views.bid_detail, name="bid"),
    path("tasking/allocate/", views.allocate, name="allocate"),
    path("tasking/runs/<int:run_id>/", views.run_detail, name="run"),
    path("tasking/fairness/", views.fairness, name="fairness"),
    path("tasking/return/", views.national_return, name="return"),
    path("tasking/meetings/", views.meeting_list, name="meetings"),
    path("tasking/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("tasking/meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("tasking/meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
