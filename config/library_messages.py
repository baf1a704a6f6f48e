"""Spanish for the admin's third-party libraries where their own catalogues lack it.

django-simple-history and django-axes ship no Spanish, django-import-export ships some of it and DRF's token admin
says "Tokens". The project's catalogue (LOCALE_PATHS) is searched before the libraries', so the messages listed
here, translated in locale/es, replace theirs. Nothing imports this module: `makemessages` reads it, which keeps
these entries in the catalogue. Keep each message exactly as the library writes it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

SIMPLE_HISTORY = (
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    ngettext_lazy("entry", "entries"),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
)

IMPORT_EXPORT = (
    gettext_noop("%s through import_export"),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("The following fields are declared in 'import_id_fields' but are not present in the file headers: %s"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items."),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Value could not be parsed."),
)

AXES = (
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Cleaned up {count} expired access attempts."),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)

REST_FRAMEWORK = (
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    gettext_noop("Auth Token"),
    gettext_noop("Key"),
)
