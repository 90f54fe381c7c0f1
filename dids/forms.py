import hashlib

from django import forms

from portal import phone
from portal.forms import FilterFormMixin, Form, ModelForm

from . import e911, validation
from .models import ValidatorSettings


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


class PoolForm(Form):
    name = forms.CharField(
        max_length=100, initial="Direct", help_text="Distinguishes a tenant's pools, e.g. “Direct”."
    )
    numbers = forms.CharField(
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "class": "font-monospace",
                "placeholder": "16468097065-16468097066;16468097070",
            }
        ),
        help_text="Single numbers and inclusive ranges in E.164 digits, separated by “;”, “,” "
        "or new lines, e.g. 16468097065-16468097066;16468097070-16468097080.",
    )
    # The fingerprint of the text last previewed: Save is only honoured for what was previewed.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def is_previewed(self) -> bool:
        return self.cleaned_data.get("previewed") == text_fingerprint(self.cleaned_data["numbers"])


class PoolImportForm(Form):
    file = forms.FileField(
        help_text="CSV with a header row: tenant (slug), pool (name), numbers. Each row sets "
        "that pool to exactly those numbers.",
    )


class PoolImportRowForm(PoolForm):
    """One row of a pool CSV: the editor's own fields and rules, and the tenant's slug."""

    tenant = forms.CharField(max_length=100)


class NoteForm(Form):
    label = forms.CharField(
        max_length=100,
        required=False,
        label="Your label",
        help_text="Seen only in this portal, by your tenant. The number's label on Wavix, set "
        "by your provider, is separate and stays as it is.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _required(name: str) -> dict:
    return {"required": f"{e911.LABELS[name]} is required for an emergency address."}


class E911AddressForm(Form):
    """An emergency address. Every local rule (dids/e911.py) is checked at once, so the form,
    the API and the model report the same messages, all problems in one answer. The street
    number and the ZIP may be left out: Wavix then suggests the addresses on the street."""

    # The rules' own messages name the rule; the browser's checks would hide them.
    use_required_attribute = False

    name = forms.CharField(
        max_length=100,
        error_messages=_required("name"),
        help_text="What Wavix files the address under, e.g. “Head office”.",
    )
    street_number = forms.CharField(
        max_length=20,
        required=False,
        label="Street number",
        help_text="Leave it empty to choose among the addresses Wavix knows on the street.",
    )
    street = forms.CharField(max_length=100, error_messages=_required("street"))
    location = forms.CharField(
        max_length=100,
        required=False,
        help_text="Suite, floor or room, so responders find the caller in the building.",
    )
    city = forms.CharField(max_length=100, error_messages=_required("city"))
    state = forms.CharField(
        max_length=2,
        label="State or province",
        error_messages=_required("state"),
        help_text="Two letters: a US state (IL) or Canadian province (ON).",
    )
    zip_code = forms.CharField(
        max_length=10,
        required=False,
        label="ZIP or postal code",
        help_text="US: 62701 or 62701-1504 · Canada: M5H 2N2. Wavix fills it in if left empty.",
    )
    numbers = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        raw = {name: self.data.get(self.add_prefix(name), "") for name in self.fields}
        problems = e911.address_errors(e911.normalize_address(raw), complete=False)
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class E911FilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(required=False, label="Search")
    state = forms.ChoiceField(
        required=False,
        label="E911",
        choices=[
            ("", "Any"),
            ("provisioned", "Provisioned"),
            ("missing", "No address"),
            ("pending", "Being changed"),
            ("failed", "Failed"),
        ],
    )


# The number validator ---------------------------------------------------------------------


class ValidateNumberForm(Form):
    """One number, validated as a job; the result is laid out as Wavix's table."""

    type = forms.ChoiceField(
        label="Validation type",
        choices=list(validation.TYPE_LABELS.items()),
        initial="validation",
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label="Phone number",
        max_length=phone.MAX_TYPED,
        help_text="With its country code (+44 7537 151866); a national number is read in your "
        "default country.",
    )


class ValidateListForm(Form):
    """Many numbers, pasted or in a CSV file (first column, or a column named number or
    phone). The page first shows what was read and the cost; "Validate" sends it."""

    type = forms.ChoiceField(
        label="Validation type",
        choices=list(validation.TYPE_LABELS.items()),
        initial="validation",
        widget=forms.RadioSelect,
    )
    numbers = forms.CharField(
        label="Numbers",
        required=False,
        max_length=validation.MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text="One number a line (commas or semicolons may separate them), at most "
        f"{validation.MAX_NUMBERS:,}.",
    )
    file = forms.FileField(
        label="Or a CSV file",
        required=False,
        help_text="At most 1 MB and 10,000 rows: the first column, or the column named "
        "“number” or “phone”.",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > validation.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"“{upload.name[:60]}” is {upload.size:,} bytes; a file may have at most "
                f"{validation.MAX_UPLOAD_BYTES:,} (1 MB)."
            )
        return upload

    def parse(self, region: str | None) -> validation.ParsedNumbers | None:
        """The numbers read from the file or the text; None with the form's error set."""
        upload, text = self.cleaned_data.get("file"), self.cleaned_data.get("numbers", "")
        try:
            if upload:
                data = upload.read(validation.MAX_UPLOAD_BYTES + 1)
                parsed = validation.parse_csv(data, region=region)
            else:
                parsed = validation.parse_text(text, region=region)
        except validation.InputTooLarge as exc:
            self.add_error("file" if upload else "numbers", str(exc))
            return None
        if not parsed.numbers and not parsed.errors:
            self.add_error("numbers", "Paste at least one number, or choose a CSV file.")
            return None
        if len(parsed.numbers) > validation.MAX_NUMBERS:
            self.add_error(
                "file" if upload else "numbers",
                f"{len(parsed.numbers):,} numbers were read; a job validates at most "
                f"{validation.MAX_NUMBERS:,}.",
            )
            return None
        return parsed


class ValidatorSettingsForm(ModelForm):
    class Meta:
        model = ValidatorSettings
        fields = ["check_recipients", "recent_days"]


class ValidationPriceForm(Form):
    format = forms.DecimalField(label="Format", min_value=0, max_digits=8, decimal_places=4)
    analysis = forms.DecimalField(label="Analysis", min_value=0, max_digits=8, decimal_places=4)
    validation = forms.DecimalField(label="Validation", min_value=0, max_digits=8, decimal_places=4)


class DocumentUploadForm(Form):
    """One document for a number (and, optionally, the tenant's other numbers that need the
    same type). Only the types the number still needs are offered; the file is checked by its
    bytes in the view (dids/documents.py), after its size."""

    doc_type = forms.TypedChoiceField(label="Document type", coerce=int, choices=[])
    file = forms.FileField(
        label="File",
        max_length=255,
        help_text="PNG, JPG/JPEG, TIFF, BMP or PDF, up to 10 MB; not password-protected, and a "
        "PDF without digital signatures.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".png,.jpg,.jpeg,.tif,.tiff,.bmp,.pdf,image/*,application/pdf"}
        ),
    )
    also = forms.TypedMultipleChoiceField(
        label="Use the same document for",
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your other numbers that need this type of document.",
    )

    def __init__(self, *args, types: list[tuple[int, str]], others: list[tuple[int, str]], **kw):
        super().__init__(*args, **kw)
        self.fields["doc_type"].choices = types
        self.fields["also"].choices = others
        if not others:
            del self.fields["also"]
