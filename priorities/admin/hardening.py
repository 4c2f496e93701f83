"""The admin hardened against damaged input: keys the database cannot hold, bad lookups.

A broken or malicious client can post any value: a key that is not a number (``abc``), one too
large for the column, a date hierarchy that overflows. Each is refused as the admin refuses a
bad value (the form's error, a 404, the list with ``?e=1``), never a 500.
"""

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


def all_keys(model, values):
    """Whether every one of ``values`` is a primary key the database could hold."""
    pk = model._meta.pk
    try:
        for value in values:
            pk.run_validators(pk.to_python(value))
    except ValidationError:
        return False
    return True


class ValidKeysOnlyMixin:
    """Django's autocomplete widgets, shown again after a damaged value without crashing.

    Django looks the submitted value up to show it selected; a value that is not a key at all
    (say ``abc``) would make that lookup raise. Such a value is simply not shown: the field
    already says "Select a valid choice".
    """

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        opts = related.model._meta
        # A foreign key names the field it points at; a many-to-many points at the key.
        target = opts.get_field(related.field_name) if hasattr(related, "field_name") else opts.pk
        valid = []
        for item in value:
            try:
                target.run_validators(target.to_python(item))
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(ValidKeysOnlyMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidKeysOnlyMixin, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many field that calls a key the database cannot hold an invalid choice.

    Django checks each submitted key with a query; ``abc`` or a key too large for the column
    would make that query raise instead of giving the field's error.
    """

    def clean(self, value):
        for key in value or ():
            if not all_keys(self.queryset.model, [key]):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super().clean(value)


class DamageProofChangeList(ChangeList):
    """A list whose damaged date hierarchy (``?date__year=9999``, a 20-digit year) is refused
    as Django refuses other bad lookups: the list again, with ``?e=1`` and a message, not a 500.

    Django builds the next year's or month's date to bound the query, which overflows for
    year 9999 (``ValueError``) or for a year too large for a C int (``OverflowError``).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
