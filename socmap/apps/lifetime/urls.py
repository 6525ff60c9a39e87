from django.urls import path

from socmap.apps.lifetime.views import disruptions, orders, plans, workload

app_name = "lifetime"

urlpatterns = [
    path("lifetime/", workload.workload, name="workload"),
    path("lifetime/force/", workload.force_workload, name="force"),
    path("lifetime/plans/", workload.plan_list, name="plan_list"),
    path("lifetime/plans/start/", plans.plan_start, name="plan_start"),
    path("lifetime/plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("lifetime/plans/<int:plan_id>/assign/", plans.plan_assign, name="plan_assign"),
    path("lifetime/plans/<int:plan_id>/actions/new/", plans.action_new, name="action_new"),
    path("lifetime/plans/<int:plan_id>/considerations/", plans.considerations, name="considerations"),
    path("lifetime/plans/<int:plan_id>/review/", plans.review, name="review"),
    path("lifetime/plans/<int:plan_id>/custody/new/", plans.custody_new, name="custody_new"),
    path("lifetime/plans/<int:plan_id>/orders/new/", orders.order_new, name="order_new"),
    path("lifetime/plans/<int:plan_id>/powers/new/", orders.power_new, name="power_new"),
    path("lifetime/plans/<int:plan_id>/disruptions/new/", disruptions.disruption_new, name="disruption_new"),
    path("lifetime/plans/<int:plan_id>/timeline.svg", plans.timeline_svg, name="timeline_svg"),
    path("lifetime/actions/<int:action_id>/", plans.action_detail, name="action"),
    path("lifetime/orders/<int:order_id>/", orders.order_detail, name="order"),
    path("lifetime/powers/<int:power_id>/", orders.power_detail, name="power"),
    path("lifetime/custody/<int:period_id>/", plans.custody_detail, name="custody"),
    path("lifetime/disruptions/", disruptions.disruption_list, name="disruption_list"),
    path("lifetime/disruptions/<int:disruption_id>/", disruptions.disruption_detail, name="disruption"),
    path("lifetime/return/", disruptions.return_page, name="return"),
    path("lifetime/return/export/", disruptions.return_export, name="return_export"),
    path("lifetime/return/chart.svg", disruptions.return_svg, name="return_svg"),
    path("lifetime/release/", workload.release_list, name="release"),
    path("lifetime/catalogue/", workload.catalogue, name="catalogue"),
    path("lifetime/notifications/", workload.notifications, name="notifications"),
    path("lifetime/training/", workload.training, name="training"),
]
