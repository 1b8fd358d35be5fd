"""Consent: give, withdraw, inspect. Effective at once: every reader asks the current table."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.interactions import record_event
from platform_core.models import Consent, ConsentDocument, ConsentEvent, ConsentPurpose, Sponsor
from platform_core.models.consent import SPONSOR_PURPOSES
from platform_core.services.audit import audit_record


def current_document(purpose: str) -> ConsentDocument:
    """The version in force for a purpose (the latest effective one)."""
    document = ConsentDocument.objects.filter(purpose=purpose, effective_at__lte=timezone.now()).order_by("-effective_at").first()
    if document is None:
        document = _default_document(purpose)
    return document


def _default_document(purpose: str) -> ConsentDocument:
    # The platform ships a first version of each text so a fresh install works (migration data
    # may be replaced by the legal team's own versions in the admin).
    texts = {
        ConsentPurpose.PLATFORM_TERMS: (
            "杏林平台用户协议与隐私政策",
            "我已阅读并同意《杏林平台用户协议》与《隐私政策》。平台仅为医疗卫生专业人士提供学术信息服务；"
            "您的执业信息仅用于资质认证，执业证号加密存储。您可随时导出或删除个人数据。",
        ),
        ConsentPurpose.SPONSOR_CONTACT: (
            "接受申办方学术联络",
            "我同意该申办方及其已备案的医药代表通过平台就学术活动与我联系。我可随时撤回，撤回后立即生效。",
        ),
        ConsentPurpose.SPONSOR_DATA_SHARING: (
            "向申办方共享我的学习与参会数据",
            "我同意平台向该申办方提供我在其学术内容与活动中的学习、参会与互动数据（不含其他申办方的数据）。"
            "我可随时撤回，撤回后该申办方立即不可再查看。",
        ),
    }
    title, body = texts[ConsentPurpose(purpose)]
    document, _ = ConsentDocument.objects.get_or_create(
        purpose=purpose, version="1.0", defaults={"title": title, "body": body, "effective_at": timezone.now()}
    )
    return document


def consent_set(*, user, document: ConsentDocument, sponsor: Sponsor | None, granted: bool, channel: str = "web") -> Consent:
    """Give or withdraw one consent; audited, recorded, effective immediately. Idempotent on no change."""
    if document.purpose in SPONSOR_PURPOSES and sponsor is None:
        raise ValidationFailed(_("Choose the sponsor this consent is for."), details={"sponsor": "required"})
    if document.purpose not in SPONSOR_PURPOSES:
        sponsor = None
    now = timezone.now()
    with transaction.atomic():
        current = Consent.objects.select_for_update().filter(user=user, purpose=document.purpose, sponsor=sponsor).first()
        before = None if current is None else {"granted": current.granted, "version": current.document.version}
        if current is not None and current.granted == granted and current.document_id == document.pk:
            return current
        if current is None:
            current = Consent(user=user, purpose=document.purpose, sponsor=sponsor)
        current.document = document
        current.granted = granted
        current.updated_at = now
        current.save()
        ConsentEvent.objects.create(
            user=user,
            purpose=document.purpose,
            sponsor=sponsor,
            document=document,
            granted=granted,
            occurred_at=now,
            channel=channel,
        )
        action = "consent.granted" if granted else "consent.withdrawn"
        audit_record(
            actor=user,
            action=f"privacy.{action}",
            target=current,
            sponsor_id=getattr(sponsor, "pk", None),
            before=before,
            after={"granted": granted, "version": document.version, "purpose": document.purpose},
        )
        record_event(
            actor=user,
            verb=action,
            target=current,
            object_type="consent",
            sponsor_id=getattr(sponsor, "pk", None),
            client_event_id=f"{action}:{current.pk}:{now.timestamp():.6f}",
        )
    return current


def consent_give(*, user, purpose: str, sponsor_id: int | None = None) -> Consent:
    return consent_set(user=user, document=current_document(purpose), sponsor=_sponsor(sponsor_id), granted=True)


def consent_withdraw(*, user, purpose: str, sponsor_id: int | None = None) -> Consent:
    if purpose == ConsentPurpose.PLATFORM_TERMS:
        raise ValidationFailed(
            _("The platform terms cannot be withdrawn while the account exists: request deletion of your account instead."),
            details={"purpose": "platform_terms"},
        )
    existing = Consent.objects.filter(user=user, purpose=purpose, sponsor_id=sponsor_id).select_related("document").first()
    document = existing.document if existing else current_document(purpose)
    return consent_set(user=user, document=document, sponsor=_sponsor(sponsor_id), granted=False)


def _sponsor(sponsor_id: int | None) -> Sponsor | None:
    if sponsor_id is None:
        return None
    sponsor = Sponsor.objects.filter(pk=sponsor_id, is_active=True).first()
    if sponsor is None:
        raise NotFound(_("No such sponsor."))
    return sponsor
