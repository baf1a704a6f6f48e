"""The realistic traffic mix: thousands of distinct URLs of the generated data, asked in random order by wrk.

Real traffic is not one URL asked again and again: it is shelter, project and news pages in both languages, list
pages by state, region and page number, and API pages, most of them asked rarely. `URLS_CODE` picks them from the
benchmark database (runs in `manage.py shell`); `LUA` makes wrk ask a random one of them per request, with the
headers a phone's browser sends.
"""

from __future__ import annotations

from pathlib import Path

# Runs in `manage.py shell -c` on the benchmark database; prints one path per line. A fixed random seed, so two runs
# ask for the same URLs. The shares follow what a directory's visitors open most: shelter pages first.
URLS_CODE = """
import random
from django.urls import reverse
from django.utils import translation
from news.models import Article
from projects.models import Project
from registry.models import BorderRegion, Shelter, State

rng = random.Random(2024)
def pick(queryset, n):
    values = list(queryset.order_by("pk").values_list("slug", flat=True))
    return rng.sample(values, min(n, len(values)))

shelters = pick(Shelter.objects.public(), 2200)
projects = pick(Project.objects.all(), 350)
articles = pick(Article.objects.all(), 500)
states = list(State.objects.order_by("iso_code").values_list("iso_code", "slug"))
regions = list(BorderRegion.values)
paths = []
for language in ("es", "en"):
    with translation.override(language):
        paths.append(reverse("home"))
        paths += [reverse("shelter_detail", kwargs={"slug": slug}) for slug in shelters]
        paths += [reverse("project_detail", kwargs={"slug": slug}) for slug in projects]
        paths += [reverse("article_detail", kwargs={"slug": slug}) for slug in articles]
        paths += [reverse("state_detail", kwargs={"slug": slug}) for _, slug in states]
        paths += [reverse("region_detail", kwargs={"region": region}) for region in regions]
        shelter_list, project_list = reverse("shelter_list"), reverse("project_list")
        article_list, state_list = reverse("article_list"), reverse("state_list")
        paths.append(state_list)
        paths += [f"{shelter_list}?page={page}" for page in range(1, 61)]
        paths += [f"{shelter_list}?state={code}&page={page}" for code, _ in states for page in range(1, 6)]
        paths += [f"{shelter_list}?region={region}&page={page}" for region in regions for page in range(1, 11)]
        paths += [f"{project_list}?page={page}" for page in range(1, 21)]
        paths += [f"{article_list}?page={page}" for page in range(1, 41)]
# The API has one URL per resource whatever the language.
paths += [f"/api/v1/shelters/{slug}/" for slug in shelters[:400]]
paths += [f"/api/v1/projects/{slug}/" for slug in projects[:100]]
paths += [f"/api/v1/shelters/?page={page}" for page in range(1, 51)]
paths += [f"/api/v1/shelters/?state={code}&page={page}" for code, _ in states for page in range(1, 4)]
paths += [f"/api/v1/projects/?page={page}" for page in range(1, 31)]
paths += [f"/api/v1/news/?page={page}" for page in range(1, 51)]
paths += [f"/api/v1/agreements/?page={page}" for page in range(1, 51)]
print("\\n".join(paths))
"""

# wrk asks each thread's requests from the whole list in random order (every thread its own seed).
LUA = r"""
local paths = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter * 7919)
end

init = function(args)
  for line in io.lines(os.getenv("BENCH_MIX_FILE")) do
    paths[#paths + 1] = line
  end
  math.randomseed(seed)
  wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
  wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

# For a single URL with a browser's compression header (exports: what a client that accepts gzip receives).
GZIP_LUA = r"""
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
"""


def write_scripts(out_dir: Path, paths: list[str]) -> tuple[Path, Path]:
    mix_file = out_dir / "mix-urls.txt"
    mix_file.write_text("\n".join(paths) + "\n")
    script = out_dir / "mix.lua"
    script.write_text(LUA)
    return mix_file, script
