# The site's Spanish is Mexico's: 1,234.56 rather than Spain's 1.234,56 (the URL prefix stays /es/).
from django.conf.locale.es_MX.formats import *  # noqa: F403
