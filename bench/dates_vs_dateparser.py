"""dateparser (pt) against auzap_console.dates on phrases customers write; prints both scores.

Needs `pip install dateparser` (not a dependency of the app). Result on 2026-11-23: dateparser 4/17, dates 17/17.
"""

from datetime import date, datetime, time

import dateparser

from auzap_console.dates import parse_when

BASE = datetime(2026, 11, 18, 9, 0)  # Wednesday, as in test_ptbr
CASES = [
    ("amanhã às 3 da tarde", date(2026, 11, 19), time(15)),
    ("amanha as 10h", date(2026, 11, 19), time(10)),
    ("hoje 14:30", date(2026, 11, 18), time(14, 30)),
    ("sexta de manhã", date(2026, 11, 20), None),
    ("segunda-feira 9h", date(2026, 11, 23), time(9)),
    ("quarta", date(2026, 11, 25), None),
    ("dia 25 às 10", date(2026, 11, 25), time(10)),
    ("dia 2", date(2026, 12, 2), None),
    ("25/12 as 11h", date(2026, 12, 25), time(11)),
    ("depois de amanhã ao meio dia", date(2026, 11, 20), time(12)),
    ("daqui a 3 dias as 9", date(2026, 11, 21), time(9)),
    ("em 2 semanas", date(2026, 12, 2), None),
    ("fim de semana", date(2026, 11, 21), None),
    ("25 de dezembro as 11", date(2026, 12, 25), time(11)),
    ("proxima terca 10h", date(2026, 11, 24), time(10)),
    ("sabado 9h", date(2026, 11, 21), time(9)),
    ("quinta, 16:30", date(2026, 11, 19), time(16, 30)),
]
ok = 0
for text, day, at in CASES:
    got = dateparser.parse(text, languages=["pt"], settings={"RELATIVE_BASE": BASE, "PREFER_DATES_FROM": "future"})
    good = got is not None and got.date() == day and (at is None or got.time() == at)
    ok += good
    print(f"{'OK ' if good else 'BAD'} {text!r:40} -> {got}")
print(f"dateparser: {ok}/{len(CASES)}")
mine = 0
for text, day, at in CASES:
    w = parse_when(text, BASE.date())
    mine += w.day == day and (at is None or w.at == at)
print(f"auzap_console.dates: {mine}/{len(CASES)}")
