"""Reference data: a bounding box around each state (islands included), padded by about 10 km, that a shelter's
coordinates must lie in. Figures are the states' approximate extents, rounded outwards."""

from decimal import Decimal

from django.db import migrations

# ISO 3166-2 code: (south, north, west, east)
BOUNDS = {
    "MX-AGU": ("21.52", "22.56", "-102.98", "-101.74"),
    "MX-BCN": ("27.90", "32.82", "-118.45", "-112.65"),  # Isla Guadalupe included
    "MX-BCS": ("22.77", "28.10", "-115.30", "-109.30"),
    "MX-CAM": ("17.71", "20.95", "-92.57", "-89.02"),
    "MX-CHP": ("14.43", "18.09", "-94.24", "-90.27"),
    "MX-CHH": ("25.46", "31.89", "-109.17", "-103.20"),
    "MX-CMX": ("18.95", "19.69", "-99.47", "-98.84"),
    "MX-COA": ("24.44", "29.98", "-104.06", "-99.74"),
    "MX-COL": ("18.20", "19.62", "-115.00", "-103.39"),  # the Revillagigedo Islands included
    "MX-DUR": ("22.18", "26.94", "-107.31", "-102.37"),
    "MX-GUA": ("19.81", "21.94", "-102.20", "-99.57"),
    "MX-GRO": ("16.22", "18.99", "-102.28", "-97.91"),
    "MX-HID": ("19.50", "21.50", "-99.96", "-97.88"),
    "MX-JAL": ("18.83", "22.85", "-105.80", "-101.41"),
    "MX-MEX": ("18.27", "20.39", "-100.71", "-98.50"),
    "MX-MIC": ("17.82", "20.49", "-103.84", "-99.96"),
    "MX-MOR": ("18.23", "19.23", "-99.59", "-98.53"),
    "MX-NAY": ("20.50", "23.18", "-106.80", "-103.62"),  # the Islas Marías included
    "MX-NLE": ("23.06", "27.90", "-101.31", "-98.32"),
    "MX-OAX": ("15.55", "18.77", "-98.65", "-93.77"),
    "MX-PUE": ("17.76", "20.94", "-98.83", "-96.62"),
    "MX-QUE": ("19.91", "21.77", "-100.70", "-98.94"),
    "MX-ROO": ("17.79", "21.70", "-89.40", "-86.60"),
    "MX-SLP": ("21.06", "24.59", "-102.40", "-98.23"),
    "MX-SIN": ("22.37", "27.14", "-109.55", "-105.29"),
    "MX-SON": ("25.95", "32.59", "-115.15", "-108.32"),
    "MX-TAB": ("17.15", "18.75", "-94.23", "-90.88"),
    "MX-TAM": ("22.10", "27.78", "-100.24", "-97.04"),
    "MX-TLA": ("19.00", "19.83", "-98.81", "-97.52"),
    "MX-VER": ("17.04", "22.57", "-98.78", "-93.50"),
    "MX-YUC": ("19.45", "22.70", "-90.51", "-87.43"),  # the Alacranes reef included
    "MX-ZAC": ("20.94", "25.23", "-104.48", "-100.64"),
}


def load(apps, schema_editor):
    State = apps.get_model("registry", "State")
    for state in State.objects.filter(iso_code__in=BOUNDS):
        south, north, west, east = map(Decimal, BOUNDS[state.iso_code])
        state.latitude_min, state.latitude_max, state.longitude_min, state.longitude_max = south, north, west, east
        state.save(update_fields=["latitude_min", "latitude_max", "longitude_min", "longitude_max"])


def unload(apps, schema_editor):
    apps.get_model("registry", "State").objects.update(
        latitude_min=None, latitude_max=None, longitude_min=None, longitude_max=None
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_validation_bounds_provenance")]

    operations = [migrations.RunPython(load, unload)]
