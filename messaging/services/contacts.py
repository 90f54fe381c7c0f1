"""Contacts: a tenant's names for remote numbers (name, company, notes), shown in the inbox.
Added and edited by hand, imported from CSV (a dry run first, a report per row naming the line
and the field; all or nothing) and exported (formula cells neutralised by the CSV helper).

A number typed by a person is read with the tenant's default country, so `(646) 809-7065`
and `+1 646 809 7065` are the same contact, stored as E.164 digits like a conversation's
remote party."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope

from portal import csvfile, phone

from ..models import Contact

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 5000
HEADER_WORDS = {"number", "phone", "phone_number", "recipient"}
LIMITS = {"name": 100, "company": 100, "notes": 2000}


def typed_number(*, tenant, raw, field: str = "number") -> int:
    """A number a person typed, read with the tenant's default country; a ValidationError on
    `field` naming the text and the rule otherwise."""
    text = str(raw or "").strip()
    if len(text) > phone.MAX_TYPED:
        raise ValidationError(
            {field: f"“{text[:40]}…” is not a phone number: at most {phone.MAX_TYPED} characters."}
        )
    region = (tenant.default_country or "").upper() or None
    number, why = phone.reason(text, region=region)
    if why is not None:
        raise ValidationError({field: f"“{text}” is not a phone number: it {why}."})
    return number


def contact_number(*, tenant, raw) -> str:
    """E.164 digits of a typed number, or a ValidationError on `number` naming it."""
    return str(typed_number(tenant=tenant, raw=raw))


def _clean(tenant, number, name, company, notes) -> dict:
    values = {
        "number": contact_number(tenant=tenant, raw=number),
        "name": str(name or "").strip(),
        "company": str(company or "").strip(),
        "notes": str(notes or "").strip(),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = ["Give the contact a name."]
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            errors[key] = [f"The {key} has {len(values[key])} characters: at most {limit}."]
    if errors:
        raise ValidationError(errors)
    return values


def contact_save(
    *, tenant, number, name, company="", notes="", contact: Contact | None = None
) -> Contact:
    """Adds a contact, or edits `contact`. One contact per number."""
    values = _clean(tenant, number, name, company, notes)
    with scope(tenant=tenant):
        clash = Contact.objects.filter(tenant=tenant, number=values["number"])
        if contact is not None:
            clash = clash.exclude(pk=contact.pk)
        other = clash.first()
        if other is not None:
            raise ValidationError(
                {"number": f"+{values['number']} is already the contact “{other.name}”."}
            )
        target = contact or Contact(tenant=tenant)
        for key, value in values.items():
            setattr(target, key, value)
        target.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise ValidationError(
                {"number": f"+{values['number']} was just made a contact."}
            ) from None
    return target


def contact_delete(*, contact: Contact) -> None:
    with transaction.atomic():
        contact.delete()


def contact_names(*, tenant, numbers) -> dict[str, str]:
    """{number: name} for the numbers of one page, in one query."""
    numbers = {n for n in numbers if n}
    if not numbers:
        return {}
    with scope(tenant=tenant):
        return dict(
            Contact.objects.filter(tenant=tenant, number__in=numbers).values_list("number", "name")
        )


# --- CSV import ------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    number: str
    name: str
    outcome: str  # "add", "update", "error"
    message: str = ""
    values: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    error: str = ""

    @property
    def errors(self) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome == "error"]

    @property
    def added(self) -> int:
        return sum(r.outcome == "add" for r in self.rows)

    @property
    def updated(self) -> int:
        return sum(r.outcome == "update" for r in self.rows)

    @property
    def ok(self) -> bool:
        return not self.error and not self.errors


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        rows = csvfile.read_rows(data, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS)
    except csvfile.CsvFileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    return [cells for _, cells in rows]


def contacts_import(*, tenant, data: bytes, dry_run: bool) -> ImportReport:
    """Columns: number, name, company, notes; a header row is optional. A number that is
    already a contact is updated. All or nothing: with an error in any row nothing is saved,
    and the report names each row's line and field."""
    report = ImportReport(dry_run=dry_run)
    rows = _read_csv(data)
    start = 1
    if rows and rows[0] and rows[0][0].strip().lower() in HEADER_WORDS:
        rows, start = rows[1:], 2
    seen: dict[str, int] = {}
    with scope(tenant=tenant):
        existing = set(Contact.objects.filter(tenant=tenant).values_list("number", flat=True))
        for line, row in enumerate(rows, start=start):
            if not any(c.strip() for c in row):
                continue
            cells = [*row, "", "", "", ""][:4]
            try:
                values = _clean(tenant, *cells)
            except ValidationError as exc:
                message = "; ".join(
                    f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items()
                )
                report.rows.append(
                    ImportRow(
                        line, cells[0][:40], cells[1][:100], "error", f"Line {line}, {message}"
                    )
                )
                continue
            if values["number"] in seen:
                report.rows.append(
                    ImportRow(
                        line,
                        values["number"],
                        values["name"],
                        "error",
                        f"Line {line}, number: +{values['number']} is already on line "
                        f"{seen[values['number']]}.",
                    )
                )
                continue
            seen[values["number"]] = line
            outcome = "update" if values["number"] in existing else "add"
            report.rows.append(
                ImportRow(line, values["number"], values["name"], outcome, values=values)
            )
        if not report.rows:
            report.error = "The file has no rows."
        if dry_run or not report.ok:
            return report
        with transaction.atomic():
            found = {c.number: c for c in Contact.objects.filter(tenant=tenant, number__in=seen)}
            for r in report.rows:
                contact = found.get(r.number) or Contact(tenant=tenant)
                for key, value in r.values.items():
                    setattr(contact, key, value)
                contact.save()  # one by one, so each is audited
    return report


EXPORT_HEADER = ["number", "name", "company", "notes"]


def contacts_export_rows(queryset, *, tenant):
    """The CSV's rows, read as they stream (the view has returned: the scope is entered here)."""
    with scope(tenant=tenant):
        for c in queryset.iterator(chunk_size=2000):
            yield ["+" + c.number, c.name, c.company, c.notes]
