"""The admin's page upload: the same import as `manage.py import_pages`, with a preview first.

The preview shows each record's changes (old → new) and the labels the importer does not know, in the staff
member's language; the previewed files travel to the confirmation step signed, so what is imported is exactly
what was shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.page_import import pages_import
from registry.importers.records import ImportReport, PageImportError

#: Staff who may upload pages: they create and update projects and articles (and the shelters, donors and
#: agreements a news page announces, which Editors may also do).
IMPORT_PAGES_PERMISSIONS = (
    "projects.add_project",
    "projects.change_project",
    "news.add_article",
    "news.change_article",
)
MAX_PAGE_BYTES = 1_000_000
PAGES_SIGNING_SALT = "config.page_upload"
PREVIEW_VALID_SECONDS = 60 * 60


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class PageUploadForm(forms.Form):
    pages = MultipleFileField(
        label=_("Pages"),
        help_text=_(
            "One or more .txt files, each a page saved from IOM's websites: a project page (labelled, bulleted or "
            "IOM Development Fund layout), a news item in Spanish or English, or the mission overview. The "
            "repository's samples/pages/ folder has an example of each layout."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Preview only: show what would change and write nothing"), required=False, initial=True
    )

    def clean_pages(self) -> list[tuple[str, str]]:
        sources = []
        for upload in self.cleaned_data["pages"]:
            if not upload.name.lower().endswith(".txt"):
                raise ValidationError(_("%(file)s is not a .txt file."), params={"file": upload.name})
            if upload.size > MAX_PAGE_BYTES:
                raise ValidationError(
                    _("%(file)s is larger than %(limit)s bytes."), params={"file": upload.name, "limit": MAX_PAGE_BYTES}
                )
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    _("%(file)s is not UTF-8 text (byte %(position)s)."),
                    params={"file": upload.name, "position": exc.start},
                ) from exc
            sources.append((upload.name, text))
        return sources


def can_import_pages(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.has_perms(IMPORT_PAGES_PERMISSIONS)


def _signed_sources(request: HttpRequest) -> list[tuple[str, str]] | None:
    try:
        loaded = signing.loads(request.POST["payload"], salt=PAGES_SIGNING_SALT, max_age=PREVIEW_VALID_SECONDS)
    except signing.BadSignature:
        messages.error(request, gettext("The preview has expired or was altered; upload the pages again."))
        return None
    return [(str(name), str(text)) for name, text in loaded]


def import_pages_view(request: HttpRequest) -> HttpResponse:
    if not can_import_pages(request):
        raise PermissionDenied
    form = PageUploadForm()
    report: ImportReport | None = None
    payload = ""
    sources: list[tuple[str, str]] | None = None
    dry_run = True
    if request.method == "POST" and "payload" in request.POST:
        sources, dry_run = _signed_sources(request), False
    elif request.method == "POST":
        form = PageUploadForm(request.POST, request.FILES)
        if form.is_valid():
            sources, dry_run = form.cleaned_data["pages"], form.cleaned_data["dry_run"]
    if sources:
        names = ", ".join(name for name, _text in sources)
        try:
            report = pages_import(
                sources=sources,
                dry_run=dry_run,
                change_reason=gettext("Pages uploaded in the admin: %(names)s") % {"names": names},
            )
        except PageImportError as exc:
            for problem in exc.problems:
                form.add_error(None, str(problem))
            messages.error(request, gettext("Nothing was imported: a page could not be read or saved."))
        else:
            summary = gettext("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
            if dry_run:
                payload = signing.dumps(sources, salt=PAGES_SIGNING_SALT, compress=True)
                messages.info(request, gettext("Preview, nothing written yet: %(summary)s") % {"summary": summary})
            else:
                messages.success(request, gettext("Pages imported: %(summary)s") % {"summary": summary})
            for warning in report.warnings:
                messages.warning(request, warning)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Import pages"),
        "form": form,
        "report": report,
        "payload": payload,
        "media": form.media,
    }
    return TemplateResponse(request, "admin/import_pages.html", context)
