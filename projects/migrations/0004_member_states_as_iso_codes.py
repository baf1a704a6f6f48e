"""Benefiting member states were free text ("Mexico, Guatemala"); they are ISO 3166-1 codes now ("MX,GT").
A value that names no known country is left as it was, for staff to correct."""

from django.db import migrations

from registry.importers.pages.places import UnknownCountry, split_countries


def names_to_codes(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    for project in Project.objects.exclude(benefiting_member_states=""):
        try:
            codes = split_countries(project.benefiting_member_states)
        except UnknownCountry:
            continue
        project.benefiting_member_states = ",".join(codes)
        project.save(update_fields=["benefiting_member_states"])


def codes_to_names(apps, schema_editor):
    import pycountry

    Project = apps.get_model("projects", "Project")
    for project in Project.objects.exclude(benefiting_member_states=""):
        codes = project.benefiting_member_states.split(",")
        countries = [pycountry.countries.get(alpha_2=code) for code in codes]
        if all(countries):
            project.benefiting_member_states = ", ".join(getattr(c, "common_name", c.name) for c in countries)
            project.save(update_fields=["benefiting_member_states"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_optional_prima_id_extra_labels_undated")]

    operations = [migrations.RunPython(names_to_codes, codes_to_names)]
