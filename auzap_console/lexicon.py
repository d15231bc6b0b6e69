"""Pet-shop vocabulary: species, well-known breeds with their usual size, and grammatical gender.

Data, not logic: the offline engine's slot extractors and the plugins' tools read it.
"""

from __future__ import annotations

import re

from auzap_console.text import normalize

SPECIES = {
    "cachorro": "dog",
    "cachorra": "dog",
    "cao": "dog",
    "cadela": "dog",
    "cadelinha": "dog",
    "dog": "dog",
    "doguinho": "dog",
    "filhote": "dog",
    "gato": "cat",
    "gata": "cat",
    "gatinho": "cat",
    "gatinha": "cat",
    "felino": "cat",
    "passaro": "bird",
    "calopsita": "bird",
    "coelho": "rabbit",
    "coelha": "rabbit",
}
FEMALE_WORDS = {"cachorra", "cadela", "cadelinha", "gata", "gatinha", "coelha", "ela", "dela", "femea", "minha", "labradora", "menina"}
# Breed → usual size (P, M, G, GG); "" when the breed says nothing (mixed breed).
BREEDS = {
    "shih tzu": "P",
    "yorkshire": "P",
    "york": "P",
    "poodle toy": "P",
    "poodle": "P",
    "lhasa apso": "P",
    "lhasa": "P",
    "spitz alemao": "P",
    "lulu da pomerania": "P",
    "spitz": "P",
    "maltes": "P",
    "pinscher": "P",
    "chihuahua": "P",
    "pug": "P",
    "dachshund": "P",
    "salsicha": "P",
    "bichon frise": "P",
    "buldogue frances": "M",
    "bulldog frances": "M",
    "bulldog ingles": "M",
    "bulldog": "M",
    "beagle": "M",
    "cocker": "M",
    "schnauzer": "M",
    "border collie": "M",
    "corgi": "M",
    "shiba": "M",
    "golden retriever": "G",
    "golden": "G",
    "labrador": "G",
    "labradora": "G",
    "pastor alemao": "G",
    "husky": "G",
    "boxer": "G",
    "rottweiler": "GG",
    "dogue alemao": "GG",
    "sao bernardo": "GG",
    "fila": "GG",
    "srd": "",
    "vira-lata": "",
    "vira lata": "",
    "persa": "",
    "siames": "",
    "maine coon": "",
    "angora": "",
}
SIZE_WORDS = {
    "pequeno": "P",
    "pequena": "P",
    "pequenininho": "P",
    "medio": "M",
    "media": "M",
    "grande": "G",
    "grandao": "G",
    "gigante": "GG",
    "porte p": "P",
    "porte m": "M",
    "porte g": "G",
    "porte gg": "GG",
}


def species_of(text: str) -> str:
    """'dog', 'cat'… from the words used, or ''."""
    return next((SPECIES[w] for w in normalize(text).split() if w in SPECIES), "")


def breed_of(text: str) -> str:
    """A known breed mentioned in the text, title-cased, or ''."""
    plain = normalize(text).replace("shih-tzu", "shih tzu").replace("shitzu", "shih tzu")
    for breed in BREEDS:
        if re.search(rf"\b{re.escape(breed)}\b", plain):
            return {"york": "Yorkshire", "labradora": "Labrador", "vira lata": "Vira-lata"}.get(breed, breed.title()).replace("Srd", "SRD")
    return ""


def size_of(text: str) -> str:
    """The size a text states ("porte médio", "é grande") or implies by a well-known breed, or ''."""
    plain = normalize(text)
    for word, size in sorted(SIZE_WORDS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{word}\b", plain):
            return size
    breed = normalize(breed_of(text))
    return BREEDS.get(breed, "")


def is_female(text: str, name: str = "") -> bool:
    """Whether the words used (or, failing those, the name) make the pet female, for agreement."""
    words = set(normalize(text).split())
    if words & FEMALE_WORDS - {"minha"} or ("minha" in words and words & {"cachorra", "gata", "cadela", "pet"}):
        return True
    if words & {"cachorro", "gato", "ele", "dele", "macho", "meu"}:
        return False
    return bool(name) and normalize(name).endswith("a")
