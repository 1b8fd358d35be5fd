"""Forms of the circle pages: they parse input; the services decide (guard, permissions, screening)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.circles.models import CasePost, Report
from academy.circles.services import MAX_IMAGES_PER_POST
from platform_core.uploads import MAX_IMAGE_BYTES


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several image files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _area(label, help_text="", rows=4, required=False):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CasePostForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("E.g. 中年男性反复胸痛3天，心电图未见明显异常"),
    )
    chief_complaint = _area(_("Chief complaint"), rows=2)
    history = _area(_("History of present illness"), _("Onset, course, relevant past history and medication."), rows=6)
    examination = _area(_("Physical examination"))
    investigations = _area(_("Investigations"), _("Laboratory results and imaging findings; add images below."))
    diagnosis = _area(_("Diagnosis"), rows=2)
    treatment = _area(_("Treatment"))
    outcome = _area(_("Outcome and follow-up"), rows=3)
    question = _area(_("Question for discussion"), _("What would you like colleagues to discuss?"), rows=3)
    images = MultipleImageField(
        label=_("Investigation images"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most %(size)d MB each and %(count)d per case. Location and device data are removed.")
        % {"size": MAX_IMAGE_BYTES // (1024 * 1024), "count": MAX_IMAGES_PER_POST},
    )
    images_confirmed = forms.BooleanField(
        label=_("The images show no patient name, ID number, face or other identifier."), required=False
    )
    remove_images = forms.TypedMultipleChoiceField(
        label=_("Remove images"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    mask_identifiers = forms.BooleanField(
        label=_("Mask detected identifiers for me (张三 → 张某, 13800138000 → 138****8000)"), required=False
    )

    TEXT_FIELDS = CasePost.TEXT_FIELDS

    def __init__(self, *args, image_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_images"].choices = list(image_choices)
        if not image_choices:
            del self.fields["remove_images"]

    def text_fields(self):
        return [self[name] for name in self.TEXT_FIELDS]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Share your view. Do not include patient identifiers.")}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    mask_identifiers = forms.BooleanField(label=_("Mask detected identifiers for me"), required=False)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting this?"), choices=Report.Reason.choices)
    note = forms.CharField(
        label=_("Note for the moderators (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", _("Hide")), ("restore", _("Restore"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
