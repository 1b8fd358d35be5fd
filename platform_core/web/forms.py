"""Forms of the shared domain's pages: rendering and field parsing only.

Business rules (what is required, what is valid, who may) live in the services; their
ValidationFailed details are put next to the fields by `common.add_service_errors`. Fields the
service requires are optional here and carry the HTML `required` attribute for the browser.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from platform_core.models import AdverseEventReport, ConsentPurpose, Department, HospitalLevel, ProfessionalTitle

REQUIRED = {"required": True}

# Stored as the Chinese name (what reports and hospitals use); shown in the UI language.
PROVINCES = [
    ("北京", _("Beijing")),
    ("上海", _("Shanghai")),
    ("天津", _("Tianjin")),
    ("重庆", _("Chongqing")),
    ("广东", _("Guangdong")),
    ("浙江", _("Zhejiang")),
    ("江苏", _("Jiangsu")),
    ("四川", _("Sichuan")),
    ("湖北", _("Hubei")),
    ("山东", _("Shandong")),
    ("陕西", _("Shaanxi")),
    ("河南", _("Henan")),
    ("河北", _("Hebei")),
    ("湖南", _("Hunan")),
    ("福建", _("Fujian")),
    ("安徽", _("Anhui")),
    ("辽宁", _("Liaoning")),
    ("吉林", _("Jilin")),
    ("黑龙江", _("Heilongjiang")),
    ("江西", _("Jiangxi")),
    ("云南", _("Yunnan")),
    ("贵州", _("Guizhou")),
    ("广西", _("Guangxi")),
    ("山西", _("Shanxi")),
    ("内蒙古", _("Inner Mongolia")),
    ("海南", _("Hainan")),
    ("甘肃", _("Gansu")),
    ("宁夏", _("Ningxia")),
    ("青海", _("Qinghai")),
    ("新疆", _("Xinjiang")),
    ("西藏", _("Tibet")),
]


def _with_blank(choices):
    return [("", _("Choose…")), *choices]


class LoginForm(forms.Form):
    login = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "inputmode": "email"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeLoginForm(forms.Form):
    login = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={**REQUIRED, "autocomplete": "username", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("One-time code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={**REQUIRED, "autocomplete": "name"}),
    )
    login = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        required=False,
        help_text=_("You will log in with it. Mobile numbers are 11-digit mainland China numbers."),
        widget=forms.TextInput(attrs={**REQUIRED, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        help_text=_("At least 8 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={**REQUIRED, "autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(label=_("I have read and accept the platform terms and privacy policy"), required=False)


class VerificationForm(forms.Form):
    hospital_name = forms.CharField(
        label=_("Hospital"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs=REQUIRED),
        help_text=_("The full registered name, e.g. 浙江大学医学院附属第一医院."),
    )
    hospital_level = forms.ChoiceField(
        label=_("Hospital level"),
        choices=_with_blank(HospitalLevel.choices),
        required=False,
        widget=forms.Select(attrs=REQUIRED),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=_with_blank(PROVINCES), required=False, widget=forms.Select(attrs=REQUIRED)
    )
    city = forms.CharField(label=_("City"), max_length=20, required=False)
    department = forms.ChoiceField(
        label=_("Department"),
        choices=_with_blank(Department.choices),
        required=False,
        widget=forms.Select(attrs=REQUIRED),
    )
    title = forms.ChoiceField(
        label=_("Professional title"),
        choices=_with_blank(ProfessionalTitle.choices),
        required=False,
        widget=forms.Select(attrs=REQUIRED),
    )
    specialty = forms.CharField(
        label=_("Specialty"), max_length=80, required=False, help_text=_("Optional, e.g. heart failure, type 2 diabetes.")
    )
    licence_number = forms.CharField(
        label=_("Practice-licence number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**REQUIRED, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("As printed on your 医师执业证书. Stored encrypted; only verification reviewers see it."),
    )
    evidence = forms.FileField(
        label=_("Photo of your practice licence or work badge"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB. Location and camera data are removed."),
        widget=forms.FileInput(attrs={**REQUIRED, "accept": "image/jpeg,image/png,image/webp"}),
    )


class ConsentChangeForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    sponsor_id = forms.IntegerField(required=False, min_value=1)
    action = forms.ChoiceField(choices=[("give", "give"), ("withdraw", "withdraw")])


class DeletionRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and my personal data erased."), required=False
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection: the doctor sees it."),
    )


class AdverseEventTriageForm(forms.Form):
    is_adverse_event = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Adverse event")), ("no", _("Not an adverse event"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    seriousness = forms.ChoiceField(label=_("Seriousness"), choices=AdverseEventReport.Seriousness.choices, required=False)
    patient_descriptor = forms.CharField(
        label=_("Identifiable patient"), max_length=200, required=False, help_text=_("E.g. initials, age, sex — no full name.")
    )
    reaction = forms.CharField(label=_("Adverse reaction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    suspect_product = forms.CharField(label=_("Suspect product"), max_length=200, required=False)
    reporter_description = forms.CharField(label=_("Identifiable reporter"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={**REQUIRED, "rows": 2}))


class AdverseEventForwardForm(forms.Form):
    reason = forms.CharField(
        label=_("Note for the record"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={**REQUIRED, "rows": 2}),
        help_text=_("E.g. the sponsor's case number or how it was sent."),
    )
