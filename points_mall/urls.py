from django.urls import path

from points_mall import web

app_name = "points_mall"
urlpatterns = [
    path("", web.mall_index, name="index"),
    path("items/<int:item_id>/", web.item_detail, name="item"),
    path("points/", web.my_points, name="points"),
    path("orders/", web.my_orders, name="orders"),
    path("orders/<int:order_id>/", web.order_detail, name="order"),
    path("orders/<int:order_id>/cancel", web.order_cancel_view, name="order_cancel"),
    path("tov/", web.tov_report, name="tov_report"),
    path("tov/download", web.tov_report_download, name="tov_download"),
]
