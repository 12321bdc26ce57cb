"""Rows of a campaign whose every write is recorded in the history: a day's numbers and a funnel
stage's count. ``RecordedQuerySet`` and ``RecordedRow`` read the values before each write
(``save``, ``delete``, and the bulk ``bulk_create`` upserts, ``update``, which Django's
``bulk_update`` runs, and ``delete``) and give ``campaigns.history`` the values before and
after, in the write's own transaction. A subclass names its key (``date``, ``stage``), its
values and its kind, and may react to the rows touched (the days sum their rollups again)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction

from campaigns.tenancy import scope

Key = tuple  # (location id, campaign id, date or stage)


def _history():
    from campaigns import history

    return history


class RecordedQuerySet(models.QuerySet):
    """Bulk writes that record their history (and call ``touched`` with the keys written)."""

    def touched(self, keys: Iterable[Key]) -> None:
        """Rows with these keys were written (before or after): for subclasses."""

    # -- reading the values around a write

    def _row_values(self, rows) -> dict:
        """{pk: (key, {field: value})} of the rows of a queryset."""
        model = self.model
        names = ("pk", "location_id", "campaign_id", model.KEY_FIELD, *model.VALUE_FIELDS)
        return {
            row[0]: (tuple(row[1:4]), dict(zip(model.VALUE_FIELDS, row[4:], strict=True)))
            for row in rows.values_list(*names)
        }

    def _by_keys(self, keys: set[Key]) -> dict:
        """{key: {field: value}} of the stored rows with these keys."""
        if not keys:
            return {}
        model = self.model
        key_values = {key[2] for key in keys}
        found = model.objects.filter(
            location_id__in={key[0] for key in keys},
            campaign_id__in={key[1] for key in keys},
            **{f"{model.KEY_FIELD}__in": key_values},
        )
        with scope(*{key[0] for key in keys}):
            stored = self._row_values(found)
        return {key: values for key, values in stored.values() if key in keys}

    def _record(self, before: Mapping[Key, dict], after: Mapping[Key, dict], objs=()) -> None:
        keys = before.keys() | after.keys()
        if not keys:
            return
        names = _campaign_names({key[1] for key in keys}, objs, {key[0] for key in keys})
        record_rows(self.model, keys, before, after, names)

    def _record_by_pk(self, before: dict, after: dict) -> None:
        self._record(dict(before.values()), dict(after.values()))

    # -- the bulk writes

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        model = self.model
        upsert, ignore = kwargs.get("update_conflicts"), kwargs.get("ignore_conflicts")
        keys = [row_key(obj) for obj in objs]
        with transaction.atomic(using=self.db):
            before = self._by_keys(set(keys)) if (upsert or ignore) else {}
            created = super().bulk_create(objs, *args, **kwargs)
            update_fields = kwargs.get("update_fields") or ()
            after = {}
            for key, obj in zip(keys, objs, strict=True):
                values = field_values(obj, model.VALUE_FIELDS)
                if key in before:
                    old = before[key]
                    values = {**old, **{n: values[n] for n in update_fields}} if upsert else old
                after[key] = values
            self.touched(keys)
            self._record(before, after, objs)
        return created

    def update(self, **kwargs):
        # Django's bulk_update() runs through this update(), once per batch of rows.
        with transaction.atomic(using=self.db):
            before = self._row_values(self)
            updated = super().update(**kwargs)
            after = self._row_values(self.model.objects.filter(pk__in=list(before)))
            self.touched([*(k for k, _ in before.values()), *(k for k, _ in after.values())])
            self._record_by_pk(before, after)
        return updated

    update.queryset_only = True

    def delete(self):
        with transaction.atomic(using=self.db):
            before = self._row_values(self)
            deleted = super().delete()
            self.touched([key for key, _ in before.values()])
            self._record_by_pk(before, {})
        return deleted

    delete.queryset_only = True


def field_values(obj, names) -> dict:
    """The fields' values as the database will hold them (a money value given as the int 300
    is Decimal 300, recorded as "300.00"), or as given when a field cannot read them."""
    values = {}
    for name in names:
        value = getattr(obj, name)
        try:
            values[name] = obj._meta.get_field(name).to_python(value)
        except ValidationError:
            values[name] = value
    return values


def row_key(obj) -> Key:
    return (obj.location_id, obj.campaign_id, getattr(obj, obj.KEY_FIELD))


def _campaign_names(campaign_ids: set[int], objs, location_ids: set[int]) -> dict[int, str]:
    """The campaigns' names: from the written objects' loaded campaigns, else one query."""
    from campaigns.models.campaign import Campaign

    names = {}
    for obj in objs:
        campaign = obj._state.fields_cache.get("campaign")
        if campaign is not None:
            names[campaign.pk] = campaign.name
    missing = campaign_ids - names.keys()
    if missing:
        with scope(*location_ids):
            names.update(Campaign.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


def record_rows(model, keys, before, after, names: Mapping[int, str]) -> int:
    """History rows for the rows with these keys, from their values before and after."""
    history = _history()
    is_day = model.KEY_FIELD == "date"
    return history.record(
        model.HISTORY_KIND,
        (
            history.Written(
                location_id=key[0],
                campaign_id=key[1],
                campaign_name=names.get(key[1], f"#{key[1]}"),
                old=before.get(key),
                new=after.get(key),
                day=key[2] if is_day else None,
                stage="" if is_day else key[2],
            )
            for key in sorted(keys, key=lambda k: (k[1], str(k[2])))
        ),
    )


class RecordedRow(models.Model):
    """``save`` and ``delete`` of one row, recorded with the values it had when it was read."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # The location always follows the campaign: no form or API can make them differ.
        self.location_id = self.campaign.location_id
        with transaction.atomic():
            stored = getattr(self, "_stored", None)
            if stored is None and not self._state.adding and self.pk is not None:
                found = type(self).objects.filter(pk=self.pk)
                with scope(self.location_id):
                    stored = next(iter(found._row_values(found).values()), None)
            super().save(*args, **kwargs)
            key, values = row_key(self), self.values()
            if stored is not None and kwargs.get("update_fields") is not None:
                values = {
                    **stored[1],
                    **{n: values[n] for n in kwargs["update_fields"] if n in values},
                }
            before = {stored[0]: stored[1]} if stored else {}
            self.touched({key, *before})
            record_rows(
                type(self),
                {key, *before},
                before,
                {key: values},
                {self.campaign_id: self.campaign.name},
            )
        self._stored = (key, values)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            key, values = getattr(self, "_stored", None) or (row_key(self), self.values())
            deleted = super().delete(*args, **kwargs)
            self.touched([key])
            names = _campaign_names({key[1]}, [self], {key[0]})
            record_rows(type(self), {key}, {key: values}, {}, names)
        self._stored = None
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # What the row held when read: a save records the difference (and a day that moves
        # sums its old month again). A partly loaded row (deferred fields) has none.
        loaded = instance.__dict__
        names = ("location_id", "campaign_id", cls.KEY_FIELD, *cls.VALUE_FIELDS)
        if all(loaded.get(name) is not None for name in names):
            instance._stored = (row_key(instance), {n: loaded[n] for n in cls.VALUE_FIELDS})
        return instance

    def values(self) -> dict:
        return field_values(self, self.VALUE_FIELDS)

    def touched(self, keys: Iterable[Key]) -> None:
        """Rows with these keys were written (before or after): for subclasses."""
