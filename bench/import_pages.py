"""Benchmark `manage.py import_pages`: generate N pages (project pages in the three layouts and news items in
English and Spanish, written from templates), import them in one run into a fresh database, and report pages/s.

    DEBUG=1 .venv/bin/python bench/import_pages.py --pages 1000            # SQLite, in a temporary file
    DEBUG=1 DATABASE_URL=postgres://... .venv/bin/python bench/import_pages.py --pages 1000

The first run creates every record; the second run of the same pages finds them all unchanged.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATES = ["Chiapas", "Oaxaca", "Tabasco", "Veracruz", "Chihuahua", "Sonora", "Coahuila", "Nuevo León", "Tamaulipas"]
COUNTRIES = ["Mexico", "Guatemala", "Honduras", "El Salvador", "Costa Rica", "Belize", "Panama", "Nicaragua"]
STATUSES = ["Active", "Completed", "Pipeline"]


def project_labelled(n: int, rng: random.Random) -> str:
    start = rng.randint(2005, 2023)
    countries = " ".join(rng.sample(COUNTRIES, rng.randint(1, 4)))
    blocks = [
        ("Start Date", str(start)),
        ("End Date", str(start + rng.randint(0, 3))),
        ("Project Status", rng.choice(STATUSES)),
        ("Project Type", "Protection and Assistance to Vulnerable Migrants"),
        ("Budget Amount (USD)", f"{rng.randint(50, 300) * 1000}.00"),
        ("Coverage", rng.choice(["National", "Regional"])),
        ("Year", str(start)),
        ("IDF Region", "Latin America and the Caribbean"),
        ("Prima ID", f"MX10P{n:05d}"),
        ("Projects ID", f"BL.{n:05d}"),
        ("Benefiting Member States", countries),
    ]
    body = "\n".join(f"-\n{label}\n{value}" for label, value in blocks)
    return (
        f"-\nWho we are\n- 2030 Agenda\nBench Project {n}: Support for Shelters in {rng.choice(STATES)}\n{body}\n"
        f"The project helps shelters receive people in transit with safe beds and clean water.\n"
        f"1) Equip shelters with beds;\n2) Train their volunteers.\n"
    )


def project_bullets(n: int, rng: random.Random) -> str:
    start = rng.randint(2005, 2023)
    return (
        f"Bench Project {n}: Consular Referral Networks\n\n"
        f"  • Start Date\n    {start}\n  • Project Status\n    {rng.choice(STATUSES)}\n"
        f"  • Projects ID\n    BU.{n:05d}\n  • Benefiting Member States\n    Guatemala Honduras\n\n"
        "Consulates agree with shelters on how to refer nationals who need care.\n"
    )


def project_fund(n: int, rng: random.Random) -> str:
    countries = "\n".join(rng.sample(COUNTRIES, rng.randint(1, 3)))
    return (
        f"- About\n- News\nBench Project {n}: Municipal Data on Returnees\nBench Project {n}: Municipal Data on "
        f"Returnees\nLatin America and the Caribbean\nFD.{n:05d}\n{rng.randint(50, 300)},000\n{countries}\n"
        f"Migration Policy Activities\nNational\n{rng.choice(STATUSES)}\n"
        "Municipalities collect anonymised data on people returned to the border.\n"
    )


def news_en(n: int, rng: random.Random) -> str:
    state = rng.choice(STATES)
    return (
        f"Skip to main content\nNews -\nGlobal\nIOM Delivers Supplies to Shelter Number {n} in {state}\n"
        f"{rng.randint(1, 28)} May 2023\n"
        f"IOM delivered beds, hygiene kits and water filters this week to Albergue Bench {n}, a shelter in {state} "
        "that receives families in transit. Its volunteers were also trained in psychological first aid and in the "
        "referral of people who need medical care, and the shelter will report its needs every month.\n"
    )


def news_es(n: int, rng: random.Random) -> str:
    state = rng.choice(STATES)
    return (
        f"-\nQuiénes Somos\nSobre nosotros\nLa OIM entrega insumos al albergue número {n} de {state}\n"
        f"{rng.randint(1, 28)} de junio de 2023\n"
        f"La OIM entregó esta semana camas, kits de higiene y filtros de agua a la Casa Bench {n}, un albergue de "
        f"{state} que recibe a familias migrantes. Su equipo de voluntarios recibió además capacitación en primeros "
        "auxilios psicológicos y en la canalización de personas que necesitan atención médica.\n"
    )


KINDS = [(project_labelled, 35), (project_bullets, 10), (project_fund, 15), (news_en, 25), (news_es, 15)]


def generate(directory: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    makers = [maker for maker, weight in KINDS for _ in range(weight)]
    paths = []
    for n in range(count):
        path = directory / f"page_{n:05d}.txt"
        path.write_text(makers[n % len(makers)](n, rng), encoding="utf-8")
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if "DATABASE_URL" not in os.environ:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)  # a fresh database: the 32 states and nothing else
        pages = generate(Path(tmp), args.pages, args.seed)
        for label in ("first run (creates)", "second run (unchanged)"):
            out = StringIO()
            started, cpu_started = time.perf_counter(), time.process_time()
            call_command("import_pages", *pages, stdout=out, language="en")
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            summary = out.getvalue().strip().splitlines()[-1]
            rate = len(pages) / elapsed
            # CPU time too: on a shared machine the wall clock also counts the other processes' turns.
            load = os.getloadavg()[0]
            sys.stdout.write(
                f"{connection.vendor}, {label}: {len(pages)} pages in {elapsed:.2f} s = {rate:,.0f} pages/s "
                f"({cpu:.2f} s of CPU = {len(pages) / cpu:,.0f} pages per CPU-second; load average {load:.1f}); "
                f"{summary}\n"
            )


if __name__ == "__main__":
    main()
