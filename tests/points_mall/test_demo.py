from points_mall.demo import seed_points_mall
from points_mall.models import CatalogItem, Order, OrderStatus
from points_mall.services.ledger import balance_of
from tests.factories import AdminFactory, DoctorFactory, SponsorFactory


def test_demo_seed_builds_catalogue_rules_and_history(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SponsorFactory(code="huakang", name="华康制药")
    SponsorFactory(code="ruide", name="瑞德医药")
    doctor = DoctorFactory(verified=True, email="doctor@demo.xinglin.cn")
    AdminFactory(email="admin@demo.xinglin.cn")
    first = seed_points_mall(log=lambda message: None)
    again = seed_points_mall(log=lambda message: None)
    assert first["catalog_items"] == 12 and again["catalog_items"] == 0 and again["orders"] == 0
    assert all(item.image for item in CatalogItem.objects.all())
    assert first["ledger_entries"] == 8
    statuses = sorted(Order.objects.filter(doctor=doctor).values_list("status", flat=True))
    assert statuses == [OrderStatus.DELIVERED, OrderStatus.SHIPPED]
    assert balance_of(doctor_id=doctor.pk) == 200 + 200 + 300 + 300 + 200 + 150 + 500 + 200 - 900 - 800
