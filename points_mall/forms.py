from django import forms
from django.utils.translation import gettext_lazy as _


class OrderForm(forms.Form):
    """The order form. Validation of meaning (stock, price, points, address) is the service's;
    this form carries what was typed back to the page when the order is refused."""

    quantity = forms.CharField(label=_("Quantity"), initial="1", widget=forms.NumberInput(attrs={"min": 1, "step": 1}))
    recipient = forms.CharField(label=_("Recipient"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    province = forms.CharField(label=_("Province"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=20, required=False)
    district = forms.CharField(label=_("District"), max_length=30, required=False)
    street = forms.CharField(label=_("Street address"), max_length=120, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expected_price = forms.IntegerField(widget=forms.HiddenInput)

    REQUIRED = ("recipient", "phone", "province", "city", "street")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].widget.attrs["required"] = True


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why do you cancel?"), max_length=200)
