"""Reference data every registry needs: Mexico's 32 states, and the services and population groups shelters list.

Border regions follow the programme's classification: north = the six states on the United States border;
south = the four on the Guatemala/Belize border plus Oaxaca; centre = the rest. Staff may reclassify later.
"""

from django.db import migrations

# (INEGI code, name, slug, ISO 3166-2, region, bordering country)
STATES = [
    ("01", "Aguascalientes", "aguascalientes", "MX-AGU", "centre", ""),
    ("02", "Baja California", "baja-california", "MX-BCN", "north", "US"),
    ("03", "Baja California Sur", "baja-california-sur", "MX-BCS", "centre", ""),
    ("04", "Campeche", "campeche", "MX-CAM", "south", "GT"),
    ("05", "Coahuila", "coahuila", "MX-COA", "north", "US"),
    ("06", "Colima", "colima", "MX-COL", "centre", ""),
    ("07", "Chiapas", "chiapas", "MX-CHP", "south", "GT"),
    ("08", "Chihuahua", "chihuahua", "MX-CHH", "north", "US"),
    ("09", "Ciudad de México", "ciudad-de-mexico", "MX-CMX", "centre", ""),
    ("10", "Durango", "durango", "MX-DUR", "centre", ""),
    ("11", "Guanajuato", "guanajuato", "MX-GUA", "centre", ""),
    ("12", "Guerrero", "guerrero", "MX-GRO", "centre", ""),
    ("13", "Hidalgo", "hidalgo", "MX-HID", "centre", ""),
    ("14", "Jalisco", "jalisco", "MX-JAL", "centre", ""),
    ("15", "Estado de México", "estado-de-mexico", "MX-MEX", "centre", ""),
    ("16", "Michoacán", "michoacan", "MX-MIC", "centre", ""),
    ("17", "Morelos", "morelos", "MX-MOR", "centre", ""),
    ("18", "Nayarit", "nayarit", "MX-NAY", "centre", ""),
    ("19", "Nuevo León", "nuevo-leon", "MX-NLE", "north", "US"),
    ("20", "Oaxaca", "oaxaca", "MX-OAX", "south", ""),
    ("21", "Puebla", "puebla", "MX-PUE", "centre", ""),
    ("22", "Querétaro", "queretaro", "MX-QUE", "centre", ""),
    ("23", "Quintana Roo", "quintana-roo", "MX-ROO", "south", "BZ"),
    ("24", "San Luis Potosí", "san-luis-potosi", "MX-SLP", "centre", ""),
    ("25", "Sinaloa", "sinaloa", "MX-SIN", "centre", ""),
    ("26", "Sonora", "sonora", "MX-SON", "north", "US"),
    ("27", "Tabasco", "tabasco", "MX-TAB", "south", "GT"),
    ("28", "Tamaulipas", "tamaulipas", "MX-TAM", "north", "US"),
    ("29", "Tlaxcala", "tlaxcala", "MX-TLA", "centre", ""),
    ("30", "Veracruz", "veracruz", "MX-VER", "centre", ""),
    ("31", "Yucatán", "yucatan", "MX-YUC", "centre", ""),
    ("32", "Zacatecas", "zacatecas", "MX-ZAC", "centre", ""),
]

SERVICES = [
    ("lodging", "Lodging", "Alojamiento"),
    ("food", "Food", "Alimentación"),
    ("medical-care", "Medical care", "Atención médica"),
    ("psychological-support", "Psychological support", "Apoyo psicológico"),
    ("legal-aid", "Legal aid", "Asesoría legal"),
    ("hygiene", "Hygiene and showers", "Higiene y regaderas"),
    ("clothing", "Clothing", "Ropa"),
    ("communication", "Phone calls and internet", "Llamadas e internet"),
    ("information", "Information and orientation", "Información y orientación"),
    ("child-friendly-space", "Child-friendly space", "Espacio amigable para la niñez"),
]

POPULATIONS = [
    ("adult-men", "Adult men", "Hombres adultos"),
    ("women", "Women", "Mujeres"),
    ("families", "Families", "Familias"),
    ("children", "Children and adolescents", "Niñas, niños y adolescentes"),
    ("unaccompanied-minors", "Unaccompanied minors", "Menores no acompañados"),
    ("lgbti", "LGBTI people", "Personas LGBTI"),
    ("older-persons", "Older persons", "Personas mayores"),
    ("trafficking-survivors", "Survivors of trafficking", "Sobrevivientes de trata"),
    ("people-with-disabilities", "People with disabilities", "Personas con discapacidad"),
]


def load(apps, schema_editor):
    State = apps.get_model("registry", "State")
    Service = apps.get_model("registry", "Service")
    PopulationGroup = apps.get_model("registry", "PopulationGroup")
    for inegi, name, slug, iso, region, country in STATES:
        State.objects.update_or_create(
            iso_code=iso,
            defaults={"inegi_code": inegi, "name": name, "slug": slug, "region": region, "borders_country": country},
        )
    for code, en, es in SERVICES:
        Service.objects.update_or_create(code=code, defaults={"name_en": en, "name_es": es})
    for code, en, es in POPULATIONS:
        PopulationGroup.objects.update_or_create(code=code, defaults={"name_en": en, "name_es": es})


def unload(apps, schema_editor):
    # Reference rows stay: shelters and projects point at them.
    pass


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
