"""Points-mall pages: the catalogue, the order form, my points, my orders, the ToV report.

Thin: parse input, call one selector or service, render.
"""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from platform_core.exceptions import ApplicationError, NotFound
from platform_core.interactions import record_event
from platform_core.permissions import has_capability
from points_mall import selectors
from points_mall.forms import CancelForm, OrderForm
from points_mall.models import Order
from points_mall.services.orders import ADDRESS_FIELDS, order_cancel, order_place
from points_mall.services.reports import FORMATS, tov_report_export


def _require(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise Http404


def _nav():
    return [
        (_("Mall"), reverse("points_mall:index")),
        (_("My points"), reverse("points_mall:points")),
        (_("My orders"), reverse("points_mall:orders")),
    ]


@login_required
@require_GET
def mall_index(request):
    _require(request, "points.redeem")
    return render(
        request,
        "points_mall/index.html",
        {
            "items": selectors.catalog_list(),
            "balance": selectors.points_balance_for(doctor=request.user),
            "navigation": _nav(),
        },
    )


def _last_address(doctor) -> dict:
    order = Order.objects.filter(doctor=doctor).order_by("-id").only("address").first()
    if order is None:
        return {}
    try:
        saved = json.loads(order.address)
    except ValueError:
        return {}
    return {field: saved.get(field, "") for field in ADDRESS_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def item_detail(request, item_id: int):
    """GET: the item and its order form. POST: place the order (one per form key), or show why not."""
    _require(request, "points.redeem")
    try:
        item = selectors.catalog_item_get(item_id=item_id)
    except NotFound as error:
        raise Http404 from error
    balance = selectors.points_balance_for(doctor=request.user)
    status = 200
    error_message = ""
    if request.method == "POST":
        form = OrderForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = order_place(
                    doctor=request.user,
                    item_id=item.pk,
                    quantity=data["quantity"],
                    expected_unit_price=data["expected_price"],
                    address={field: data.get(field, "") for field in ADDRESS_FIELDS},
                    idempotency_key=data["key"],
                    device=f"{request.META.get('REMOTE_ADDR', '')}|{request.META.get('HTTP_USER_AGENT', '')[:200]}",
                )
            except ApplicationError as error:
                error_message = error.message
                status = 409 if error.code in ("price_changed", "key_reused") else 400
                for field, problem in error.details.items():
                    if field in form.fields:
                        form.add_error(field, problem if error.code == "address_invalid" else error_message)
                if error.code == "price_changed":
                    # Show the new price; the doctor confirms it by ordering again with this form.
                    form.data = form.data.copy()
                    form.data["expected_price"] = str(error.details["price_points"])
                    item.refresh_from_db()
            else:
                if result.created:
                    messages.success(request, _("Your order is placed."))
                else:
                    messages.info(request, _("This order was already placed: here it is."))
                return redirect("points_mall:order", order_id=result.order.pk)
        else:
            status = 400
            error_message = _("Please correct the errors below.")
    else:
        form = OrderForm(initial={"key": uuid.uuid4().hex, "expected_price": item.price_points, **_last_address(request.user)})
        record_event(
            actor=request.user,
            verb="mall.item.viewed",
            object_type="mall_item",
            object_id=item.pk,
            client_event_id=f"mall-item-viewed:{item.pk}:{timezone.now():%Y%m%d%H}",
        )
    return render(
        request,
        "points_mall/item.html",
        {"item": item, "form": form, "balance": balance, "error_message": error_message, "navigation": _nav()},
        status=status,
    )


@login_required
@require_GET
def my_points(request):
    _require(request, "points.redeem")
    page = Paginator(selectors.ledger_history_for(doctor=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "points_mall/points.html",
        {
            "summary": selectors.wallet_summary_for(doctor=request.user),
            "page_obj": page,
            "refusals": selectors.earn_refusals_for(doctor=request.user)[:20],
            "navigation": _nav(),
        },
    )


@login_required
@require_GET
def my_orders(request):
    _require(request, "points.redeem")
    page = Paginator(selectors.orders_for(doctor=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "points_mall/orders.html", {"page_obj": page, "navigation": _nav()})


def _order_or_404(request, order_id: int) -> Order:
    try:
        return selectors.order_get_for(actor=request.user, order_id=order_id)
    except NotFound as error:
        raise Http404 from error


@login_required
@require_GET
def order_detail(request, order_id: int):
    _require(request, "points.redeem")
    order = _order_or_404(request, order_id)
    address = json.loads(order.address)
    return render(
        request,
        "points_mall/order.html",
        {"order": order, "address": address, "cancel_form": CancelForm(), "navigation": _nav()},
    )


@login_required
@require_POST
def order_cancel_view(request, order_id: int):
    _require(request, "points.redeem")
    order = _order_or_404(request, order_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            order_cancel(actor=request.user, order_id=order.pk, reason=form.cleaned_data["reason"], by_doctor=True)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Order cancelled: %(points)s points are back in your balance.") % {"points": order.total_points}
            )
            return redirect("points_mall:order", order_id=order.pk)
    address = json.loads(order.address)
    return render(
        request,
        "points_mall/order.html",
        {"order": order, "address": address, "cancel_form": form, "navigation": _nav()},
        status=400,
    )


def _int_or(value, default: int) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else default


@login_required
@require_GET
def tov_report(request):
    """Pick a sponsor (platform staff) and a year; see the totals and download CSV/XLSX."""
    _require(request, "points.view_tov_report")
    sponsors = list(selectors.tov_sponsors_for(actor=request.user))
    if not sponsors:
        raise Http404
    year = _int_or(request.GET.get("year"), timezone.localdate().year)
    sponsor_id = _int_or(request.GET.get("sponsor"), sponsors[0].pk)
    try:
        records = selectors.tov_records_for(actor=request.user, sponsor_id=sponsor_id, year=year)
    except NotFound as error:
        raise Http404 from error
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    sponsor = next(s for s in sponsors if s.pk == sponsor_id)
    return render(
        request,
        "points_mall/tov_report.html",
        {
            "sponsors": sponsors,
            "sponsor": sponsor,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "page_obj": page,
            "formats": list(FORMATS),
            "query": f"sponsor={sponsor.pk}&year={year}",
        },
    )


@login_required
@require_GET
def tov_report_download(request):
    _require(request, "points.view_tov_report")
    sponsor_id = _int_or(request.GET.get("sponsor"), 0)
    year = _int_or(request.GET.get("year"), timezone.localdate().year)
    fmt = request.GET.get("format", "csv")
    try:
        export = tov_report_export(actor=request.user, sponsor_id=sponsor_id, year=year, fmt=fmt)
    except NotFound as error:
        raise Http404 from error
    except ApplicationError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
