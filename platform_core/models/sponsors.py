from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class TherapeuticArea(models.Model):
    code = models.SlugField(unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)

    class Meta:
        verbose_name = _("therapeutic area")
        verbose_name_plural = _("therapeutic areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Sponsor(models.Model):
    """A pharma company: one tenant of the platform."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    pv_contact_email = models.EmailField(_("PV contact e-mail"), blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Kind(models.TextChoices):
        RX = "rx", _("Prescription (Rx)")
        OTC = "otc", _("Over the counter (OTC)")

    class RegistrationStatus(models.TextChoices):
        ACTIVE = "active", _("Registered")
        WITHDRAWN = "withdrawn", _("Registration withdrawn")

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="products")
    brand_name = models.CharField(_("brand name"), max_length=80)
    generic_name = models.CharField(_("generic name"), max_length=120)
    generic_name_en = models.CharField(_("generic name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    therapeutic_area = models.ForeignKey(TherapeuticArea, on_delete=models.PROTECT, related_name="products")
    indication = models.TextField(_("indication"), blank=True)
    registration_status = models.CharField(max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sponsor_id", "brand_name"]
        constraints = [models.UniqueConstraint(fields=["sponsor", "brand_name"], name="product_brand_unique")]

    def __str__(self) -> str:
        return f"{self.brand_name}（{self.generic_name}）"

    @property
    def is_prescription(self) -> bool:
        return self.kind == self.Kind.RX


class PrescribingInformation(models.Model):
    """A version of a product's prescribing information (说明书). One is current per product."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prescribing_information")
    version = models.CharField(max_length=40)
    effective_date = models.DateField()
    document = models.FileField(upload_to="prescribing-information/", blank=True)
    is_current = models.BooleanField(default=False)

    objects = ScopedManager(sponsor="product__sponsor")

    class Meta:
        verbose_name = _("prescribing information")
        verbose_name_plural = _("prescribing information")
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="pi_version_unique"),
            models.UniqueConstraint(fields=["product"], condition=Q(is_current=True), name="pi_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.product.brand_name} PI {self.version}"


class RepRegistration(models.Model):
    """A rep's registration (备案) with a sponsor; promotion features need an active one."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="rep_registrations")
    rep = models.ForeignKey("platform_core.User", on_delete=models.CASCADE, related_name="rep_registrations")
    registration_number = models.CharField(_("registration number"), max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    valid_until = models.DateField(null=True, blank=True)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("rep registration (备案)")
        verbose_name_plural = _("rep registrations (备案)")
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "rep"], name="rep_registration_unique"),
            models.UniqueConstraint(fields=["sponsor", "registration_number"], name="rep_registration_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_number} ({self.get_status_display()})"
