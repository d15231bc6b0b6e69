"""Understanding Brazilian Portuguese as customers really write it (for the offline engine).

Normalization drops accents, case, emojis and stretched letters ("oiii", "siiim"),
and expands common abbreviations ("vc", "q", "pq", "hj", "amanha"). On top of that:
intent detection by keyword patterns, and extraction of dates ("amanhã às 3 da tarde",
"sexta de manhã", "dia 25 às 10h"), pet names ("pro Thor") and species/breeds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

ABBREVIATIONS = {
    "vc": "voce",
    "vcs": "voces",
    "q": "que",
    "pq": "porque",
    "hj": "hoje",
    "amn": "amanha",
    "tb": "tambem",
    "tbm": "tambem",
    "blz": "beleza",
    "obg": "obrigado",
    "vlw": "valeu",
    "msg": "mensagem",
    "qto": "quanto",
    "qnto": "quanto",
    "qt": "quanto",
    "td": "tudo",
    "n": "nao",
    "ñ": "nao",
    "s": "sim",
    "ss": "sim",
    "ta": "esta",
    "tá": "esta",
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
}
WEEKDAYS = {"segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sabado": 5, "domingo": 6}
NUMBERS = {
    "uma": 1,
    "um": 1,
    "duas": 2,
    "dois": 2,
    "tres": 3,
    "quatro": 4,
    "cinco": 5,
    "seis": 6,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "onze": 11,
    "doze": 12,
    "meio dia": 12,
    "meio-dia": 12,
}
SPECIES = {
    "cachorro": "dog",
    "cachorra": "dog",
    "cao": "dog",
    "cadela": "dog",
    "cachorrinho": "dog",
    "cachorrinha": "dog",
    "dog": "dog",
    "gato": "cat",
    "gata": "cat",
    "gatinho": "cat",
    "gatinha": "cat",
    "passaro": "bird",
    "calopsita": "bird",
    "coelho": "rabbit",
    "coelha": "rabbit",
}
BREEDS = [
    "shih tzu",
    "yorkshire",
    "poodle",
    "lhasa apso",
    "spitz alemao",
    "spitz",
    "maltes",
    "buldogue frances",
    "bulldog",
    "beagle",
    "border collie",
    "srd",
    "vira-lata",
    "golden retriever",
    "golden",
    "labrador",
    "pastor alemao",
    "husky",
    "dachshund",
    "salsicha",
    "pug",
    "persa",
    "siames",
    "maine coon",
    "angora",
    "pinscher",
    "chihuahua",
    "rottweiler",
]

INTENTS: list[tuple[str, str]] = [
    ("handoff", r"\b(atendente|humano|humana|pessoa de verdade|falar com (alguem|uma pessoa|o dono|a dona|gerente)|gerente|reclama)"),
    ("cancel", r"\b(cancel\w*|desmarc\w*|nao vou (poder|conseguir) ir|nao vou mais)\b"),
    (
        "reschedule",
        r"\b(remarc\w*|reagend\w*|mudar (o |a )?(horario|hora|dia|data)|trocar (o |a )?(horario|hora|dia|data)|adiar|antecipar)",
    ),
    (
        "my_appointments",
        r"\b(meus? (agendamentos?|horarios?)|tenho (algum )?(horario|agendamento)|quando (e|sera) (o|meu)|que horas (e|ficou) o)",
    ),
    ("register_pet", r"\b(cadastr\w*|registr\w*)\b.*\b(pet|cachorr\w*|gat\w*|cao|cadela|bichinho)|\bnovo pet\b|\b(adotei|ganhei) (um|uma)"),
    ("my_pets", r"\b(meus pets|meus animais|quais pets|pets cadastrados)\b"),
    ("book", r"\b(marc\w*|agend\w*|reserv\w*|quero (um|uma|dar|fazer|levar)|gostaria de (um|uma|levar|fazer)|da (pra|para) (fazer|levar))"),
    ("availability", r"\b(tem (horario|vaga|hora)|horarios? (livres?|disponive\w*)|disponibilidade|ainda tem vaga|tem como)"),
    ("prices", r"\b(quanto|preco|precos|valor|valores|tabela|custa|cobra\w*)\b"),
    (
        "hours",
        r"\b(horario de funcionamento|que horas (voces )?(abre|fecha|abrem|fecham)|abre\w*|fecha\w*|funciona\w*|aberto|expediente)\b",
    ),
    ("thanks", r"^(obrigad\w*|valeu|brigad\w*|agradec\w*|ok obrigad\w*|beleza|show|perfeito|otimo)\b"),
    ("goodbye", r"\b(tchau|ate mais|ate logo|falou|bom descanso)\b"),
    ("greeting", r"^(oi+|ola|opa|eai|e ai|bom dia|boa tarde|boa noite|hello|hey|salve|alo)\b"),
]
OWNER_INTENTS: list[tuple[str, str]] = [
    ("opportunities", r"\b(oportunidade\w*|potencial|recuperar clientes|vasculhad\w*)"),
    ("inactive", r"\b(inativ\w*|sumi\w*|nao (voltou|volta|voltaram|vem|vieram)|quem nao|sem (vir|visita|aparecer))"),
    ("no_show", r"\b(no.?show|falt\w*|nao (compareceu|compareceram|apareceu|apareceram))"),
    ("top_services", r"\b(mais vend\w*|top|mais (procurad\w*|pedid\w*|fatur\w*)|melhores servicos|ranking)"),
    ("ai_usage", r"\b(ia|inteligencia artificial|tokens?|robo|bot|custo da|gasto com)\b"),
    ("segments", r"\b(raca|racas|especie|especies|segmento\w*|perfil dos pets)\b"),
    ("revenue", r"\b(fatur\w*|receita|vend\w*|ganh\w*|quanto (fizemos|fiz|entrou|deu)|caixa|resultado|agendamentos)\b"),
]
OWNER_PERIODS = [
    ("hoje", r"\bhoje\b"),
    ("ultimos_7_dias", r"\b(ultimos 7|7 dias|ultima semana)"),
    ("ultimos_30_dias", r"\b(ultimos 30|30 dias|ultimo mes)"),
    ("mes", r"\b(mes|mensal)\b"),
    ("semana", r"\bsemana\b"),
]


def detect_owner_intent(text: str) -> str | None:
    """The owner analyst's intent in a normalized message, or None."""
    for name, pattern in OWNER_INTENTS:
        if re.search(pattern, text):
            return name
    return None


def owner_period(text: str, default: str = "semana") -> str:
    """The analyst's period (hoje, semana, mes, ultimos_7_dias, ultimos_30_dias) in a normalized message."""
    return next((name for name, pattern in OWNER_PERIODS if re.search(pattern, text)), default)


def days_in(text: str, default: int = 60) -> int:
    """Days in "60 dias", "3 meses", "2 semanas"."""
    m = re.search(r"\b(\d{1,3})\s*(dias?|meses|mes|semanas?)\b", text)
    if not m:
        return default
    n, unit = int(m.group(1)), m.group(2)
    return n * 30 if unit.startswith("mes") else n * 7 if unit.startswith("semana") else n


FOLLOWUP = re.compile(r"\b(me (chama|liga|ligue|retorna|procura|manda mensagem)|fala comigo|volt\w* a falar|entra em contato)")


def neighbourhood(text: str) -> str:
    """The neighbourhood in "moro no Tatuapé", "sou da Vila Mariana", "bairro Centro" (accents kept)."""
    m = re.search(
        r"\b(?:moro|fico|sou|estou)\s+(?:no|na|em|do|da|perto do|perto da)\s+(?:bairro\s+)?"
        r"([A-ZÀ-Ý][\wÀ-ÿ]+(?:\s+(?:[A-ZÀ-Ý][\wÀ-ÿ]+|de|do|da))*)",
        text,
    )
    m = m or re.search(r"\bbairro\s+([\wÀ-ÿ]+(?:\s+[A-ZÀ-Ý][\wÀ-ÿ]+)*)", text, re.IGNORECASE)
    return m.group(1).strip() if m else ""


def urgency(text: str) -> str:
    """'hoje', 'esta_semana', 'sem_pressa' or ''."""
    norm = normalize(text)
    if re.search(r"\b(urgente|hoje|o quanto antes|o mais rapido|agora)\b", norm):
        return "hoje"
    if re.search(r"\b(essa|esta) semana\b", norm):
        return "esta_semana"
    if re.search(r"\b(sem pressa|tranquilo|qualquer dia|mes que vem)\b", norm):
        return "sem_pressa"
    return ""


YES = re.compile(
    r"^(sim|pode|pode sim|confirmo|confirma|confirmado|isso|isso mesmo|claro|ok|okay|certo|com certeza|quero|bora|fechado|positivo|s)\b"
)
NO = re.compile(r"^(nao|negativo|deixa|esquece|melhor nao|nao quero)\b")


def fold(text: str) -> str:
    """Lower-case, no accents, words only: for comparing names (no abbreviation expansion)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def normalize(text: str) -> str:
    """Lower-case, no accents, no emojis, no stretched letters, abbreviations expanded."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^\w\s:/,.?!-]", " ", text)
    text = re.sub(r"(\w)\1{2,}", r"\1", text)
    words = [ABBREVIATIONS.get(w, w) for w in re.findall(r"[\w:/-]+|[?!.,]", text)]
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def detect_intent(text: str) -> str | None:
    """The first matching intent of a normalized message, or None."""
    for name, pattern in INTENTS:
        if re.search(pattern, text):
            return name
    return None


def is_yes(text: str) -> bool:
    """An affirmative answer ("sim", "pode", "isso mesmo"…)."""
    return bool(YES.match(normalize(text))) and not is_no(text)


def is_no(text: str) -> bool:
    """A negative answer."""
    return bool(NO.match(normalize(text)))


@dataclass
class When:
    """A date and, when the message said it, a time or a period of the day."""

    day: date | None = None
    at: time | None = None
    period: str = ""  # "manha" | "tarde" | "noite" | ""

    def moment(self) -> datetime | None:
        """Date + time, when both are known (naive, in the tenant's zone)."""
        return datetime.combine(self.day, self.at) if self.day and self.at else None


def _hour_from(text: str) -> tuple[time | None, str]:
    period = next((p for p in ("manha", "tarde", "noite") if re.search(rf"\b(de|da|a|pela|na|a) {p}\b", text)), "")
    if re.search(r"\bmeio[ -]dia\b", text):
        return time(12, 0), period
    candidates = []
    for m in re.finditer(r"\b(as|pelas|umas|por volta das)\s+(\d{1,2}|" + "|".join(NUMBERS) + r")(?:[:h](\d{2}))?\s*(h|hs|horas?)?", text):
        candidates.append((m.group(2), m.group(3)))
    for m in re.finditer(r"\b(\d{1,2})(?::(\d{2})|h(\d{2})?|\s?(?:hs|horas?))\b", text):
        candidates.append((m.group(1), m.group(2) or m.group(3)))
    if not candidates:
        return None, period
    raw_hour, raw_min = candidates[0]
    hour = NUMBERS.get(raw_hour) if raw_hour in NUMBERS else int(raw_hour)
    minute = int(raw_min) if raw_min else 0
    if hour is None or hour > 23 or minute > 59:
        return None, period
    if period in ("tarde", "noite") and hour < 12:
        hour += 12
    elif not period and 1 <= hour <= 6:
        hour += 12  # "às 3" in a pet shop means 15h
    return time(hour, minute), period


def parse_when(text: str, today: date) -> When:
    """Dates and times as people write them, relative to `today`."""
    text = normalize(text)
    when = When()
    if re.search(r"\bdepois de amanha\b", text):
        when.day = today + timedelta(days=2)
    elif re.search(r"\bamanha\b", text):
        when.day = today + timedelta(days=1)
    elif re.search(r"\bhoje\b", text):
        when.day = today
    else:
        m = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", text)
        d = re.search(r"\bdia (\d{1,2})\b", text)
        wd = re.search(r"\b(" + "|".join(WEEKDAYS) + r")(?:-feira| feira)?\b", text)
        if m:
            year = int(m.group(3)) if m.group(3) else today.year
            year = year + 2000 if year < 100 else year
            try:
                when.day = date(year, int(m.group(2)), int(m.group(1)))
                if not m.group(3) and when.day < today:
                    when.day = when.day.replace(year=year + 1)
            except ValueError:
                when.day = None
        elif d:
            day_n = int(d.group(1))
            month, year = today.month, today.year
            if day_n < today.day:
                month, year = (1, year + 1) if month == 12 else (month + 1, year)
            try:
                when.day = date(year, month, day_n)
            except ValueError:
                when.day = None
        elif wd:
            target = WEEKDAYS[wd.group(1)]
            ahead = (target - today.weekday()) % 7 or 7
            when.day = today + timedelta(days=ahead)
    when.at, when.period = _hour_from(re.sub(r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b|\bdia \d{1,2}\b", " ", text))
    return when


def pet_name(text: str, known: list[str] | None = None) -> str:
    """A pet's name from "pro Thor", "da Mel", "chama Bob" (original spelling kept)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    for name in known or []:
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if re.search(rf"\b{re.escape(folded)}\b", plain, re.IGNORECASE):
            return name
    m = re.search(r"\b(?:chama|chamad[oa]|nome (?:dele|dela|e)|se chama)\s+(?:e\s+)?([A-Z][\w-]+|[a-z][\w-]+)", plain)
    if m:
        return m.group(1).capitalize()
    m = re.search(r"\b(?:pro|pra|para o|para a|do|da|o|a)\s+([A-Z][\w-]+)", plain)
    return m.group(1) if m else ""


def species_of(text: str) -> str:
    """'dog', 'cat'… from the words used, or ''."""
    words = normalize(text).split()
    return next((SPECIES[w] for w in words if w in SPECIES), "")


def breed_of(text: str) -> str:
    """A known breed mentioned in the text, title-cased, or ''."""
    plain = normalize(text)
    for breed in BREEDS:
        if re.search(rf"\b{re.escape(breed)}\b", plain):
            return breed.title().replace("Srd", "SRD")
    return ""
