from django.urls import path

from socmap.apps.partnership.views import admin, agreements, board, referrals

app_name = "partnership"

urlpatterns = [
    path("partnership/", agreements.home, name="home"),
    path("partnership/agreements/propose/", agreements.propose, name="agreement_propose"),
    path("partnership/agreements/<int:agreement_id>/", agreements.detail, name="agreement"),
    path("partnership/agreements/<int:agreement_id>/approve/", agreements.approve, name="agreement_approve"),
    path("partnership/agreements/<int:agreement_id>/revoke/", agreements.revoke, name="agreement_revoke"),
    path("partnership/agreements/<int:agreement_id>/renew/", agreements.renew, name="agreement_renew"),
    path("partnership/boards/", board.boards, name="boards"),
    path("partnership/boards/<int:board_id>/", board.board, name="board"),
    path("partnership/boards/<int:board_id>/pack/", board.pack, name="board_pack"),
    path("partnership/boards/<int:board_id>/meetings/new/", board.meeting_new, name="meeting_new"),
    path("partnership/meetings/<int:meeting_id>/", board.meeting, name="meeting"),
    path("partnership/meetings/<int:meeting_id>/attendance/", board.attendance_new, name="attendance_new"),
    path("partnership/meetings/<int:meeting_id>/decisions/", board.decision_new, name="decision_new"),
    path("partnership/meetings/<int:meeting_id>/actions/", board.action_new, name="action_new"),
    path("partnership/board-actions/<int:action_id>/done/", board.action_done, name="action_done"),
    path("partnership/referrals/", referrals.referral_list, name="referrals"),
    path("partnership/referrals/new/", referrals.referral_new, name="referral_new"),
    path("partnership/referrals/<int:referral_id>/", referrals.referral_detail, name="referral"),
    path("administration/users/", admin.users, name="admin_users"),
    path("administration/users/new/", admin.user_new, name="admin_user_new"),
    path("administration/users/<int:user_id>/", admin.user_detail, name="admin_user"),
    path("administration/organisations/", admin.organisations, name="admin_organisations"),
    path("administration/organisations/new/", admin.organisation_new, name="admin_organisation_new"),
    path("administration/organisations/<slug:slug>/", admin.organisation_edit, name="admin_organisation"),
    path("administration/compartments/", admin.compartments, name="admin_compartments"),
    path("administration/tokens/", admin.tokens, name="admin_tokens"),
    path("administration/tokens/<int:token_id>/revoke/", admin.token_revoke, name="admin_token_revoke"),
]
