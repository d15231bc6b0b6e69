"""Text helpers shared by services, agents and plugins: pt-BR normalisation and BM25 ranking.

Neutral on purpose (no app imports) so any layer may use it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

ABBREVIATIONS = {
    "vc": "voce",
    "vcs": "voces",
    "q": "que",
    "pq": "porque",
    "hj": "hoje",
    "amn": "amanha",
    "amanh": "amanha",
    "tb": "tambem",
    "tbm": "tambem",
    "blz": "beleza",
    "obg": "obrigado",
    "obgd": "obrigado",
    "obgda": "obrigada",
    "vlw": "valeu",
    "msg": "mensagem",
    "qto": "quanto",
    "qnto": "quanto",
    "qnd": "quando",
    "qdo": "quando",
    "qndo": "quando",
    "qt": "quanto",
    "td": "tudo",
    "n": "nao",
    "ñ": "nao",
    "s": "sim",
    "ss": "sim",
    "ta": "esta",
    "to": "estou",
    "dps": "depois",
    "agd": "agendar",
    "hrs": "horas",
    "hr": "hora",
    "min": "minutos",
    "p": "para",
    "pra": "para",
    "pro": "para o",
    "pros": "para os",
    "qria": "queria",
    "kero": "quero",
    "qro": "quero",
    "qr": "quer",
    "tosinha": "tosa",
    "banhinho": "banho",
    "cachorrinho": "cachorro",
    "cachorrinha": "cachorra",
    "msm": "mesmo",
    "mto": "muito",
    "mt": "muito",
    "sab": "sabado",
    "sabadao": "sabado",
    "seg": "segunda",
    "ter": "terca",
    "qua": "quarta",
    "qui": "quinta",
    "sex": "sexta",
    "dom": "domingo",
    "semna": "semana",
    "hrario": "horario",
    "orario": "horario",
    "canselar": "cancelar",
    "bjs": "beijos",
    "abs": "abraco",
    "tmj": "valeu",
}

YES = re.compile(
    r"^(sim|pode|pode ser|pode sim|confirmo|confirma|confirmado|isso|isso mesmo|claro|ok|okay|certo|com certeza|quero|bora|"
    r"fechado|positivo|beleza|perfeito|otimo|esse|essa|esse mesmo|essa mesma|fechou|show|combinado|top|massa|manda ver)\b"
)
NO = re.compile(r"^(nao|negativo|deixa|esquece|melhor nao|nao quero|nem|nada)\b")
STOP = frozenset(
    [
        "a",
        "o",
        "as",
        "os",
        "um",
        "uma",
        "uns",
        "umas",
        "de",
        "do",
        "da",
        "dos",
        "das",
        "e",
        "em",
        "no",
        "na",
        "nos",
        "nas",
        "para",
        "por",
        "com",
        "que",
        "se",
        "sua",
        "seu",
        "suas",
        "seus",
        "meu",
        "minha",
        "voce",
        "voces",
        "eu",
        "ele",
        "ela",
        "isso",
        "esse",
        "essa",
        "este",
        "esta",
        "como",
        "qual",
        "quais",
        "onde",
        "ser",
        "sao",
        "foi",
        "vai",
        "ao",
        "aos",
        "mais",
        "muito",
        "ja",
        "ou",
        "mas",
        "tambem",
        "the",
        "oi",
        "ola",
        "bom",
        "dia",
        "boa",
        "tarde",
        "noite",
        "por",
        "favor",
    ]
)


def in_sentence(name: str) -> str:
    """A catalog name inside a sentence: "Banho M" → "banho M", "Tosa Higiênica" → "tosa higiênica", "Creche (diária)" → "creche".

    Words go lower-case except acronyms ("SPA") and a size code at the end ("P", "GG"); brackets go.
    """
    words = (re.sub(r"\s*\([^)]*\)", "", name).strip() or name.strip()).split(" ")
    last = len(words) - 1

    def keeps_capitals(i: int, word: str) -> bool:
        return word.isupper() and (len(word) > 1 or (i == last and i > 0))

    return " ".join(w if keeps_capitals(i, w) else w.lower() for i, w in enumerate(words))


def fold(text: str) -> str:
    """Lower-case, no accents, words only: for comparing names (no abbreviation expansion)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Lower-case, no accents, no emojis, no stretched letters, abbreviations expanded.

    Cached: a turn normalizes the same message, tool examples and keywords dozens of times.
    """
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^\w\s:/,.?!+-]", " ", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    words = [ABBREVIATIONS.get(w, w) for w in re.findall(r"[\w:/+-]+|[?!.,]", text)]
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def is_no(text: str) -> bool:
    """A negative answer."""
    return bool(NO.match(normalize(text)))


def is_yes(text: str) -> bool:
    """An affirmative answer ("sim", "pode", "isso mesmo"…)."""
    return bool(YES.match(normalize(text))) and not is_no(text)


def terms(text: str, stop: frozenset[str] = STOP) -> list[str]:
    """Searchable words of a text (normalised, no stop words, crude plural stripping)."""
    words = re.findall(r"[a-z0-9]+", normalize(text))
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w not in stop and len(w) > 1]


def bm25(query: Sequence[str], docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> list[float]:
    """BM25 score of each tokenised document for the query terms (0 when nothing matches)."""
    if not docs:
        return []
    avg = sum(len(d) for d in docs) / len(docs) or 1.0
    df = Counter(w for d in docs for w in set(d))
    q = set(query)
    scores = []
    for doc in docs:
        tf = Counter(doc)
        score = 0.0
        for w in q & set(doc):
            idf = math.log(1 + (len(docs) - df[w] + 0.5) / (df[w] + 0.5))
            score += idf * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * len(doc) / avg))
        scores.append(score)
    return scores
