"""What a question asks for (a year, an amount, a count, a province, a person, a place) and
whether a text holds it: cues on the accent-folded question, patterns on the answer text."""

from __future__ import annotations

import re

from .provinces import find_provinces
from .text import fold

_DATE_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b\d{1,2}/\d{1,2}\b|\btháng \d{1,2}\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d+")
_DURATION_RE = re.compile(r"\b\d+\s*(?:năm|tháng|ngày|years?|months?)\b", re.IGNORECASE)
_MONEY_RE = re.compile(r"\d[\d.,]*\s*(đồng|tỷ|tỉ|triệu|nghìn|ngàn|usd|vnd|vnđ|\$|%)|\$\s*\d", re.IGNORECASE)
_PERSON_RE = re.compile(r"\b(ông|bà)\s+[A-ZĐ]|\b[A-ZĐ][^\W\d_]+ [A-ZĐ][^\W\d_]+ [A-ZĐ][^\W\d_]+\b")
_IDENTITY_RE = re.compile(r"\b(?:la ai|ai la|who is|who was|who are|who heads|who chairs|who leads|who runs|"
                          r"who directs|whose name|what is the name)\b")
_AGENT_RE = re.compile(r"\b(?:nhà [a-zà-ỹđ]+|doanh nghiệp|tập đoàn|công ty|tổ chức|hiệp hội|người|lãnh đạo|"
                       r"chuyên gia|bác sĩ|Sở|Bộ|UBND|Ủy ban|Hội đồng|[Cc]hủ tịch|[Gg]iám đốc|[Bb]í thư)\b")
_PLACE_RE = re.compile(r"\b(tại|ở|đến|về)\s+(TP\.?|thành phố|tỉnh|huyện|thị xã|xã|phường|[A-ZĐ])")
# Cues on the accent-folded question for what kind of thing it asks for.
_QTYPES = {
    "year": ("nam nao", "khi nao", "bao gio", "luc nao", "thoi diem nao", "tu nam", "nam bao nhieu",
             "thoi gian nao", "ngay nao", "thang nao", "when", "what year", "which year", "since when",
             "what date", "what time"),
    "duration": ("bao lau", "how long", "how many years", "bao nhieu nam"),
    "money": ("bao nhieu tien", "kinh phi", "tong von", "ngan sach", "gia tri", "tong muc dau tu",
              "how much money", "total investment", "investment value", "budget", "how much funding",
              "cost", "worth", "muc gia", "gia bao nhieu", "gia la bao nhieu", "what price", "price of",
              "what is the price", "tariff"),
    "percent": ("bao nhieu phan tram", "bao nhieu %", "what share", "what percentage", "what percent",
                "ty le", "ti le", "ty trong", "by what percent"),
    "count": ("bao nhieu", "how many", "how much", "number of", "by how much"),
    "province": ("tinh nao", "dia phuong nao", "tinh thanh nao", "noi nao", "which province",
                 "what province", "which provinces", "which locality", "which localities", "which city"),
    "person": ("ai ", "ai?", "la ai", "who"),
    "place": ("o dau", "tai dau", "dien ra o", "noi nao", "where", "what venue"),
}


def question_types(question: str) -> set[str]:
    """What a question asks for: year (or date), duration, money, percent, count, province, person, place."""
    q = " " + " ".join(fold(question).replace("?", " ? ").split()) + " "
    found = set()
    for kind, cues in _QTYPES.items():
        if any((" " + cue) in q for cue in cues):
            found.add(kind)
    if re.search(r"\bmấy\b", question.lower()):
        found.add("count")  # only with diacritics: accent-free "may" is also "máy" (machine)
    if "money" in found and found & {"person", "province", "place", "year"} and not any(
        cue in q for cue in (" bao nhieu ", " how much ")
    ):
        found.discard("money")  # "kêu gọi ai hỗ trợ kinh phí": the budget is the topic, not the ask
    return found


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in _NUMBER_RE.findall(text)}


def satisfies(kind: str, text: str, question: str) -> bool:
    """Whether a sentence (with its passage label) holds the kind of thing the question asks for."""
    if kind == "year":
        return bool(_DATE_RE.search(text))
    if kind == "duration":  # "tròn 20 năm", or the year it started
        return bool(_DATE_RE.search(text) or _DURATION_RE.search(text))
    if kind == "percent":
        return "%" in text or "phần trăm" in text.lower()
    if kind == "money":
        return bool(_MONEY_RE.search(text))
    if kind == "count":
        # a number the question itself mentions ("phase 2") is not an answer to "how many"
        return bool(_numbers(text) - _numbers(question))
    if kind == "province":
        return bool(find_provinces(text))  # TP.HCM counts too: "địa phương nào được thụ hưởng nhiều nhất?"
    if kind == "person":
        if _PERSON_RE.search(text):
            return True
        # "kêu gọi ai hỗ trợ?" is answered by "các doanh nghiệp, các nhà hảo tâm"; "Ai là giám
        # đốc?" / "who heads ...?" only by a name
        return not _IDENTITY_RE.search(fold(question)) and bool(_AGENT_RE.search(text))
    if kind == "place":  # "tại TP Buôn Ma Thuột": a place named as where something is, not any province
        return bool(_PLACE_RE.search(text))
    return True
