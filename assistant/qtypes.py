"""What a question asks for (a year, an amount, a count, a province, a person, a place) and
whether a text holds it: cues on the accent-folded question, patterns on the answer text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from . import glossary, lexical
from .language import syllable_shaped
from .provinces import find_provinces
from .text import fold, has_diacritics

if TYPE_CHECKING:
    from .questions import Question

# a year, a day/month, a month; a year of any century when "năm" introduces it ("năm 1519"); a century
_DATE_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b\d{1,2}/\d{1,2}\b|\btháng \d{1,2}\b|\bnăm \d{3,4}\b"
                      r"|\bthế k[ỷỉ] (?:\d{1,2}|[IVXL]+)\b"
                      r"|\b\d+(?:[.,]\d+)?\s*(?:nghìn |ngàn |triệu |tỷ |tỉ )?năm trước\b"  # "66 triệu năm trước"
                      # "~74.000 BP", "năm 221 TCN", "từ 1321 đến 1323"
                      r"|\b\d[\d.,]*\s*\(?(?:BP|TCN|SCN|trước Công nguyên|sau Công nguyên)\b"
                      r"|\btừ \d{3,4} (?:đến|tới|-|–) \d{3,4}\b(?!\s+[a-zà-ỹđ])", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d+")
_RATIO_RE = re.compile(r"\b\d+\s*:\s*\d+\b")
_RATIO_ASK_RE = re.compile(r"\b(?:ty le|ti le|ratio)\b")
# numbers 2-10 in words ("một" is too common to tell anything): small counts are usually spelled out
NUMBER_WORDS = {2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín", 10: "mười"}
NUMBER_WORDS_EN = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
# a count in words before what it counts; not "năm" (also a year), and in lower case: not "Ba Bể"
_SPELLED = {word: n for n, word in NUMBER_WORDS.items() if n != 5}
_SPELLED_COUNT_RE = re.compile(rf"\b({'|'.join(_SPELLED)})\s+[a-zà-ỹđ]")
# the same counts as a question may write them (folded, English, "tư" as in "thứ tư"): a count the
# question names is not its answer
_OTHER_SPELLINGS = {2: ("both",), 4: ("tu",)}
_COUNT_WORDS = {n: (fold(word), NUMBER_WORDS_EN[n], *_OTHER_SPELLINGS.get(n, ())) for word, n in _SPELLED.items()}
_DURATION_RE = re.compile(
    r"\b\d+(?:,\d+)?\s*(?:nghìn |ngàn |triệu |tỷ |tỉ )?(?:năm|tháng|tuần|ngày|giờ|tiếng|phút|years?|months?|weeks?|"
    r"days?|hours?|minutes?)\b"
    # spelled out or approximate: "mười năm", "vài tháng", "nhiều thế kỷ"
    rf"|\b(?:{'|'.join(NUMBER_WORDS.values())}|vài|mấy|nhiều)\s+(?:năm|tháng|tuần|ngày|giờ|tiếng|thế kỷ|thập kỷ)\b",
    re.IGNORECASE,
)
# An amount of money: a currency ("45 tỷ đồng", "1,2 triệu USD") or billions alone ("18.950 tỷ"), not
# other magnitudes ("8,5 triệu tấn", "3 tỷ m3"); or a share ("how much did costs drop": by 18%).
_CURRENCIES = r"(?:đồng|usd|vnd|vnđ|euro|eur|yên|nhân dân tệ|đô la|đô-la|bảng anh|us cent|cent)(?!\w)"
_MONEY_RE = re.compile(
    r"\d[\d.,]*\s*(?:(?:nghìn|ngàn|triệu|tỷ|tỉ)\s*)?" + _CURRENCIES + r"|\d[\d.,]*\s*\$"
    r"|\$\s*\d|\d[\d.,]*\s*(?:tỷ|tỉ)(?!\s*(?:m3|m³|kwh|lít|tấn|người|lượt|con|cây|đơn vị|sản phẩm))(?!\w)"
    r"|\d[\d.,]*\s*%",
    re.IGNORECASE,
)
_PRICE_RE = re.compile(
    r"(?<![\d.,])\d[\d.,]*\s*(?:(?:nghìn|ngàn|triệu)\s*)?" + _CURRENCIES +
    r"|\$\s*\d[\d.,]*(?!\s*(?:billion|bn|tỷ))",
    re.IGNORECASE,
)
# a price that changes (cheaper, higher, how much did prices rise) may be answered by a share
_PRICE_CHANGE_RE = re.compile(
    r"\b(?:giam|tang|re hon|cao hon|dat hon|thap hon|chenh|rise|rose|risen|fall|fell|fallen|drop\w*|cut|"
    r"cheaper|higher|lower|increase\w*|decrease\w*|reduc\w*|discount\w*|more|less)\b"
)
# a capital letter of Vietnamese, diacritics included ("Ánh", "Ô Quy Hồ")
_CAPITAL = "[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]"
_PERSON_RE = re.compile(rf"\b(ông|bà)\s+{_CAPITAL}|\b{_CAPITAL}[^\W\d_]+ {_CAPITAL}[^\W\d_]+ {_CAPITAL}[^\W\d_]+\b")
# a foreign name, in letters without diacritics: "Peyton Manning", "John C. Messenger" (not a
# province written so: "Gia Lai", "Kon Tum")
_LATIN_NAME_RE = re.compile(r"\b[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z]+\b")
# a capitalised word in Latin letters that no Vietnamese syllable is shaped like: a foreign name
_FOREIGN_WORD_RE = re.compile(r"\b[A-Z][a-z]{3,}\b")
# a brand written in mixed case: "BSkyB", "VNeID", "PetroVietnam"
_MIXED_CASE_RE = re.compile(r"\b[A-Z][A-Za-z]*[a-z][A-Z][A-Za-z]*\b")
_IDENTITY_RE = re.compile(r"\b(?:la ai|ai la|who is|who was|who are|who heads|who chairs|who leads|who runs|"
                          r"who directs|whose name|what is the name|lanh dao nao|quan chuc nao|can bo nao)\b")
_AGENT_RE = re.compile(r"\b(?:nhà [a-zà-ỹđ]+|doanh nghiệp|tập đoàn|công ty|tổ chức|hiệp hội|người|lãnh đạo|"
                       r"chuyên gia|bác sĩ|Sở|Bộ|UBND|Ủy ban|Hội đồng|[Cc]hủ tịch|[Gg]iám đốc|[Bb]í thư)\b")
# a named company, bank or hospital: "Công ty CP Kho vận Tây Nam Bộ", "Tập đoàn Điện lực Việt Nam"
_ORGANISATION_RE = re.compile(
    r"\b(?:Tổng [Cc]ông ty|Công ty|Tập đoàn|Liên danh|Ngân hàng|Bệnh viện|Hãng|[Hh]ãng hàng không|Group|Corporation|"
    r"Corp|JSC|Ltd|Holdings|Airlines|Airways|Air|Bank)\b"
)
# asking which company, investor, contractor, bank or hospital (an agency or a person is asked otherwise)
_ORGANISATION_ASK_RE = re.compile(
    r"\b(?:cong ty|cty|doanh nghiep|dn|nha thau|nha dau tu|chu dau tu|tap doan|hang hang khong|ngan hang|benh vien|bv)"
    r"\s+(?:nao|la ai)\b|\b(?:do ai|ai) (?:dau tu|thi cong|xay dung)\b"
    r"|\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:compan(?:y|ies)|firms?|contractors?|investors?|developers?|"
    r"corporations?|banks?|hospitals?|airlines?|carriers?)\b"
    r"|\bwho (?:is|are|will be|was|were|will) (?:the )?(?:invest\w*|build\w*|develop\w*|financ\w*|fund\w*|contractors?)\b"
)
# "tại TP Buôn Ma Thuột", "ở xã Hải An", "tại khu vực Trần Đề", "tại đầm Cù Mông", "đến thăm Trung
# Quốc", "chảy qua Hẻm núi Rhine": a place named as where something is (after "đến", "về", "qua",
# "thăm", "sang", "tới", "giữa" only right away: "về các doanh nghiệp Hàn Quốc" is no place)
_PLACE_RE = re.compile(
    r"\b(?:(?:tại|ở)\s+(?:[a-zà-ỹđ]+\s+){0,2}?|(?:đến|về|qua|thăm|sang|tới|giữa)\s+)"
    rf"(?:TP\.?|thành phố|tỉnh|huyện|thị xã|xã|phường|{_CAPITAL})"
)
# Cues on the accent-folded question for what kind of thing it asks for.
_QTYPES = {
    "year": ("nam nao", "khi nao", "bao gio", "luc nao", "thoi diem nao", "tu nam", "nam bao nhieu",
             "thoi gian nao", "ngay nao", "thang nao", "what year", "which year", "since when",
             "what date", "what time"),
    "duration": ("bao lau", "how long", "how many years", "bao nhieu nam"),
    "money": ("bao nhieu tien", "kinh phi", "tong von", "ngan sach", "tong muc dau tu",
              "how much money", "total investment", "investment value", "budget", "how much funding",
              "cost", "worth", "tariff"),
    "percent": ("bao nhieu phan tram", "bao nhieu %", "what share", "what percentage", "what percent",
                "ty le", "ti le", "ty trong", "by what percent"),
    "count": ("bao nhieu", "how many", "how much", "number of", "by how much"),
    "province": ("tinh nao", "dia phuong nao", "tinh thanh nao", "which province",
                 "what province", "which provinces", "which locality", "which localities", "which city"),
    "person": ("ai ", "ai?", "la ai", "who", "lanh dao nao", "quan chuc nao", "nguoi nao", "can bo nao"),
    "place": ("o dau", "tai dau", "dien ra o", "noi nao", "where", "what venue"),
}


def _cue_pattern(cue: str) -> str:
    """A cue on the folded question, ending a word (a plural s aside): "cost" is not "Costa"."""
    return " " + re.escape(cue) + (r"(?:s|es)?(?![a-z0-9])" if cue[-1].isalnum() else "")


# each kind's cues as one pattern
_QTYPE_RES = {kind: re.compile("|".join(_cue_pattern(cue) for cue in cues)) for kind, cues in _QTYPES.items()}
# The Vietnamese cues as written with diacritics. Folded, other words read as cues: "quyền lực
# nào" (which power) as "lúc nào" (when), "khí nào" (which gas) as "khi nào", "bao nhiêu nam giới"
# as "bao nhiêu năm", "vệ tinh nào" (which satellite) as "tỉnh nào"; a question typed with
# diacritics asks for a kind only through a cue it writes so, or writes without any.
_VI_CUE_SPELLINGS = {
    "nam nao": ("năm nào",), "khi nao": ("khi nào",), "bao gio": ("bao giờ",), "luc nao": ("lúc nào",),
    "thoi diem nao": ("thời điểm nào",), "tu nam": ("từ năm",), "nam bao nhieu": ("năm bao nhiêu",),
    "thoi gian nao": ("thời gian nào",), "ngay nao": ("ngày nào",), "thang nao": ("tháng nào",),
    "bao lau": ("bao lâu",), "bao nhieu nam": ("bao nhiêu năm",), "bao nhieu tien": ("bao nhiêu tiền",),
    "kinh phi": ("kinh phí",), "tong von": ("tổng vốn",), "ngan sach": ("ngân sách",),
    "tong muc dau tu": ("tổng mức đầu tư",), "bao nhieu phan tram": ("bao nhiêu phần trăm",),
    "bao nhieu %": ("bao nhiêu %",), "ty le": ("tỷ lệ",), "ti le": ("tỉ lệ",),
    "ty trong": ("tỷ trọng",), "bao nhieu": ("bao nhiêu",), "tinh nao": ("tỉnh nào",),
    "dia phuong nao": ("địa phương nào",), "tinh thanh nao": ("tỉnh thành nào",), "ai ": ("ai",),
    "ai?": ("ai",), "la ai": ("là ai",), "lanh dao nao": ("lãnh đạo nào",), "quan chuc nao": ("quan chức nào",),
    "nguoi nao": ("người nào",), "can bo nao": ("cán bộ nào",), "o dau": ("ở đâu",), "tai dau": ("tại đâu",),
    "dien ra o": ("diễn ra ở",), "noi nao": ("nơi nào",),
}
_VI_CUE_RES = {
    kind: [(re.compile(_cue_pattern(cue)),
            # or typed without diacritics in a question that has some ("Đà Nẵng khởi công luc nao")
            re.compile("|".join(rf"(?<!\w){re.escape(spelling)}(?!\w)"
                                for spelling in (*_VI_CUE_SPELLINGS[cue], cue.strip(" ?")))))
           for cue in cues if cue in _VI_CUE_SPELLINGS]
    for kind, cues in _QTYPES.items()
}
# each kind's other cues (English), which no spelling check applies to
_OTHER_CUE_RES = {
    kind: re.compile("|".join(_cue_pattern(cue) for cue in cues if cue not in _VI_CUE_SPELLINGS))
    for kind, cues in _QTYPES.items() if any(cue not in _VI_CUE_SPELLINGS for cue in cues)
}


def _asked_only_by_folding(kind: str, folded: str, written: str) -> bool:
    """The kind's cues found in the folded question are all Vietnamese, and none is written with its diacritics."""
    found = [spelled for cue, spelled in _VI_CUE_RES[kind] if cue.search(folded)]
    if not found or (kind in _OTHER_CUE_RES and _OTHER_CUE_RES[kind].search(folded)):
        return False  # no Vietnamese cue, or also asked by an English one ("which province")
    return not any(spelled.search(written) for spelled in found)


_WHEN_ASK_RE = re.compile(
    r"^\W*when\b|\b(?:and|or|by|since|until|till)\s+when\b|\bwhen\s+(?:will|is|was|are|were|did|does|do|should|"
    r"can|could|would|has|have|had|must|might|shall)\b|\bwhen\s*[?.]?\s*$"
)
_WHICH_PERSON_RE = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?:officials?|leaders?|persons?|people|ministers?|chairman|"
    r"chairwoman|chairperson|director|officers?|experts?|spokesperson|representatives?|speakers?)\b"
)
# Asking for an amount of money without naming it: a verb of paying before "bao nhiêu" (with
# nothing counted after it), or after "how much".
_MONEY_ASK_RE = re.compile(
    r"\b(?:dau tu|chi|bo tri|gop|rot|cap|tai tro|giai ngan|huy dong|thu hut)\s+(?:khoang\s+|tong cong\s+)?"
    r"bao nhieu\s+(?:\?|tien\b|$)"
    r"|\bhow much\s+(?:[\w'-]+\s+){0,5}?(?:invest\w*|put|puts|putting|spend\w*|spent|allocat\w*|contribut\w*|"
    r"pay|pays|paying|paid|costs?|costing|fund\w*|rais\w*|earn\w*|receiv\w*|worth|money|capital|budget|disburs\w*)\b"
)
_QUANTITY_ASK_RE = re.compile(
    r"\bwhat (?:is |was |will be |are |were )?(?:the )?(?:(?:total|combined|planned|estimated|expected|average|"
    r"annual|new|current|designed?|maximum) )*(?:[\w-]+ ){0,2}?(?:capacity|amount|number|value|area|output|"
    r"volume|population|revenue|turnover|size|scale|rate|share|percentage)\b"
)
# Prices people pay or earn: tickets, fees, wages (money too: see question_types). Whole words, unlike
# the cues above: "fee" is not "feed", "fare" not "farewell".
_PRICE_CUES = ("muc gia", "what price", "price of", "what is the price",
               "gia ve", "ve bao nhieu", "hoc phi", "vien phi", "muc luong", "tien luong", "luong khoi diem",
               "luong trung binh", "luong co ban", "thu nhap binh quan", "thu nhap trung binh", "ticket",
               "fare", "fares", "tuition", "salary", "salaries", "wage", "wages", "fee", "fees", "toll", "tolls")
_PRICE_CUE_RE = re.compile(r"(?<= )(?<!chuyen )(?<!quoc )(?<!tham )(?<!nha )(?:"
                           + "|".join(re.escape(cue) for cue in _PRICE_CUES) + r")\b")  # "chuyên gia về" is no "giá vé"
# "giá X bao nhiêu": accent-folded "gia" is also Gia Lai, Rạch Giá, gia tăng, giá trị, tham gia, quốc gia
_PRICE_ASK_RE = re.compile(
    r"(?<!tham )(?<!quoc )(?<!nha )(?<!rach )\bgia (?!lai\b|tri\b|tang\b|dinh\b|nhap\b|han\b|cong\b|hoa\b|su\b|vi\b|toc\b|re\b|"
    r"nghia\b|kiem\b|co\b|the\b)(?:[\w/.-]+ ){0,5}?bao nhieu\b"
)
_LENGTH_ASK_RE = re.compile(
    r"\b(?:chieu dai|(?<!nien )dai (?:khoang )?bao nhieu|length(?! of (?:stay|time|service|the stay))|how far"
    r"|how long is (?:the |each |this )?(?:[\w-]+ ){0,3}?"
    r"(?:road|route|line|bridge|expressway|highway|section|tunnel|railway|canal|dyke|coast\w*|border))\b"
)
_LENGTH_RE = re.compile(r"\d[\d.,]*\s*(?:km|m|mét|ki-lô-mét|kilômét)(?![\w-])", re.IGNORECASE)
# Measurement units a count question can ask in ("bao nhiêu héc-ta", "how many tonnes"): the
# question's spellings (accent-folded) and how Vietnamese press text writes them after a number.
_UNITS = {
    "ha": (("ha", "hec ta", "hecta", "hectare", "hectares"), ("ha", "héc-ta", "hécta", "hecta")),
    "tấn": (("tan", "tonne", "tonnes", "ton", "tons"), ("tấn", "dwt")),  # a ship's tonnage: "100.000 DWT"
    "km": (("km", "ki lo met", "kilomet", "kilometre", "kilometres", "kilometer", "kilometers"),
           ("km", "ki-lô-mét", "kilômét")),
    "MW": (("mw", "megawatt", "megawatts", "mega oat"), ("mw",)),
    "km²": (("km2", "km vuong", "ki lo met vuong", "square kilometres", "square kilometers"),
            ("km2", "km²", "km vuông", "ki-lô-mét vuông", "kilômét vuông")),
    "m²": (("m2", "met vuong", "square metres", "square meters"), ("m2", "m²", "mét vuông")),
    "m³": (("m3", "met khoi", "cubic metres", "cubic meters"), ("m3", "m³", "mét khối")),
    "phút": (("phut", "minutes"), ("phút",)),
    "giờ": (("gio", "tieng", "hours"), ("giờ", "tiếng")),
}
# Measured quantities a question may ask for without naming the unit ("Dân số Huế là bao
# nhiêu?", "What is the population of ..."): the cues in the accent-folded question, the noun the
# press writes before the figure, and the units written after it. A sentence answers only with
# such a figure: "dân số 1.799.489", "1,8 triệu dân", "61.200 ha"; not "800 học sinh".
_MEASURES = {
    "population": (("dan so", "bao nhieu dan", "bao nhieu nguoi dan", "bao nhieu nguoi song", "bao nhieu nguoi sinh song",
                    "population", "how many people live", "how many inhabitants"), ("dân số",),
                   ("người", "dân", "nhân khẩu")),
    "output": (("gdp", "grdp", "tong san pham"), ("gdp", "grdp", "tổng sản phẩm"), ("usd", "đồng", "%")),
    "area": (("dien tich", "total area", "area of", "land area", "rong bao nhieu"), ("diện tích",),
             ("km2", "km²", "ha", "héc-ta", "hécta", "m2", "m²", "dặm vuông", "mẫu", "ki-lô-mét vuông", "km vuông")),
    "capacity": (("cong suat", "installed capacity", "generating capacity", "power capacity"), ("công suất",),
                 ("mw", "kw", "gw", "mwp", "kwp", "mwh", "kwh", "gwh", "tấn", "teu", "lượt", "giường", "m3", "m³")),
    "volume": (("dung tich", "storage capacity"), ("dung tích",), ("m3", "m³", "lít", "mét khối")),
    "temperature": (("nhiet do", "temperature"), ("nhiệt độ",), ("độ", "°c", "°f", "oc")),
    "rainfall": (("luong mua", "rainfall"), ("lượng mưa",), ("mm", "milimét")),
    "height": (("do cao", "chieu cao", "cao bao nhieu", "how high", "how tall", "height of", "elevation of"),
               ("độ cao", "chiều cao", "cao"), ("m", "mét", "km", "feet", "ft")),
    "depth": (("do sau", "sau bao nhieu", "how deep", "depth of"), ("độ sâu", "sâu"), ("m", "mét")),
}
_QUANTITY_WORDS_RE = re.compile(r"\b(?:bao nhieu|may|how many|how much|what is|what was|what are|how high|how tall|"
                                r"how deep)\b")
_NUMBER_UNIT = r"\d[\d.,]*(?:\s*(?:-|–|—|đến|tới|to)\s*\d[\d.,]*)?\s*(?:[^\W\d_]+\s+)?(?:{})(?![\w-])"


def asked_units(question: str) -> list[str]:
    """The measurement unit(s) a count question asks in: "bao nhiêu héc-ta" -> ["ha"]."""
    q = " ".join(fold(question).replace("-", " ").replace("?", " ").split())
    units = []
    for m in re.finditer(r"\b(?:bao nhieu|how many|how much)\b", q):
        after = q[m.end():].split()[:5]
        # the unit follows the cue, maybe after one word ("bao nhiêu nghìn tấn"); the longest
        # spelling wins ("km vuông" is km², not km)
        for i in range(2):
            if i == 1 and after[:1] and after[0] in ("mot", "1", "moi", "per", "a", "each"):
                break  # "bao nhiêu một lít", "bao nhiêu 1 m2": a rate per unit, not a quantity in it
            found = max(
                ((len(sp.split()), unit) for unit, (spellings, _) in _UNITS.items() for sp in spellings
                 if " ".join(after[i:i + len(sp.split())]) == sp),
                default=None,
            )
            if found:
                if found[1] not in units:
                    units.append(found[1])
                break
    return units


def asked_measures(question: str) -> tuple[str, ...]:
    """The measured quantities (_MEASURES) a question asks for without naming a unit ("dân số ... bao nhiêu")."""
    q = " " + " ".join(fold(question).replace("?", " ").split()) + " "
    if not _QUANTITY_WORDS_RE.search(q) or asked_units(question):
        return ()  # not asking for a figure, or asking in a unit (checked as such)
    return tuple(name for name, (cues, _, _) in _MEASURES.items() if any(f" {cue} " in q for cue in cues))


# per quantity: a number in one of its units, or a number within five words after its noun
_MEASURE_RES = {
    name: (re.compile(_NUMBER_UNIT.format("|".join(re.escape(u) for u in units))),
           re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(n) for n in nouns)})(?!\w)(?:\W+[^\W\d_]+){{0,5}}\W+\d"))
    for name, (_, nouns, units) in _MEASURES.items()
}


def _holds_measure(name: str, text: str) -> bool:
    """A figure of that quantity: a number in one of its units, or a number right after its noun."""
    lowered = text.lower()
    return any(pattern.search(lowered) for pattern in _MEASURE_RES[name])


def question_types(question: str) -> set[str]:
    """What a question asks for: year (or date), duration, money, price, percent, count, unit, measure,
    length, province, person, organisation, place."""
    q = " " + " ".join(fold(question).replace("?", " ? ").split()) + " "
    found = set()
    for kind, pattern in _QTYPE_RES.items():
        if pattern.search(q):
            found.add(kind)
    if has_diacritics(question):
        written = " ".join(unicodedata.normalize("NFC", question).lower().split())
        found = {kind for kind in found if not _asked_only_by_folding(kind, q, written)}
    if re.search(r" gia tri\b", q) and " bao nhieu" in q:
        found.add("money")  # "giá trị ... bao nhiêu", not "giá trị cốt lõi là gì"
    if _WHEN_ASK_RE.search(q):
        found.add("year")  # "when will ...", "... and by when?"; not "when" opening a clause
    if re.search(r"\bmấy\b", question.lower()):
        found.add("count")  # only with diacritics: accent-free "may" is also "máy" (machine)
    if _WHICH_PERSON_RE.search(q):
        found.add("person")  # "which provincial official ...", "what leader"
    if asked_units(question):
        found.add("unit")
    if _LENGTH_ASK_RE.search(q):
        found.add("length")  # "dài bao nhiêu", "how long is the expressway": km, not a duration
        found.discard("duration")
    if _QUANTITY_ASK_RE.search(q):
        found.add("count")  # "what total capacity ...", "what is the combined value of ..."
    if _MONEY_ASK_RE.search(q):
        found.add("money")  # "how much is the province putting into ...", "đầu tư bao nhiêu?"
    if _ORGANISATION_ASK_RE.search(q) or re.search(r"\bhãng (?:nào|gì)\b", question.lower()):
        # "hãng nào" (which airline or brand) only with diacritics: "hang nao" is also hàng, hạng
        found.add("organisation")  # "nhà thầu nào", "which companies": a named company, not a person
        found.discard("person")
    if _PRICE_CUE_RE.search(q) or _PRICE_ASK_RE.search(q):
        found.add("price")  # "giá vé", "học phí", "giá X bao nhiêu" (with or without diacritics)
    if "price" in found:
        found.add("money")
    if "percent" in found:
        found.discard("money")  # "what share of the budget ...": a share is asked, not an amount
    if "money" in found and found & {"person", "province", "place", "year"} and not any(
        cue in q for cue in (" bao nhieu ", " how much ")
    ):
        found.discard("money")  # "who is asked to fund ...": the budget is the topic, not the ask
    if asked_measures(question) and not found & {"unit", "length", "duration", "year", "money", "percent"}:
        # "Dân số ... là bao nhiêu?": a population figure, not any number (a share, a length or a
        # sum asked is checked as such: "bao nhiêu phần trăm dân số", "đường dây công suất ... dài bao nhiêu")
        found.add("measure")
    return found


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in _NUMBER_RE.findall(text)}


@lru_cache(maxsize=256)
def _counts_named(folded_question: str) -> frozenset[str]:
    """The counts 2-10 a question names in words (asked once per question, checked per sentence)."""
    return frozenset(str(n) for n, words in _COUNT_WORDS.items()
                     if any(re.search(rf"\b{w}\b", folded_question) for w in words))


def _foreign_name_not_asked(names: list[str], question: "Question") -> bool:
    """One of these names is foreign and not in the question: some word of it is no Vietnamese
    syllable ("Nam Trung" is a Vietnamese name typed without diacritics)."""
    return any(name not in question.text and not all(syllable_shaped(w.lower()) for w in name.split())
               for name in names)


def satisfies(kind: str, text: str, question: "Question") -> bool:
    """Whether a sentence (with its passage label) holds the kind of thing the question asks for."""
    text = unicodedata.normalize("NFC", text)  # passages keep an NFD article's own encoding
    if kind == "year":
        return bool(_DATE_RE.search(text))
    if kind == "duration":  # "tròn 20 năm", "còn 1,5 giờ", or the year it started
        return bool(_DATE_RE.search(text) or _DURATION_RE.search(text))
    if kind == "percent":  # or a ratio, when one is asked ("tỷ lệ 20:1")
        return "%" in text or "phần trăm" in text.lower() or bool(
            _RATIO_RE.search(text) and _RATIO_ASK_RE.search(question.folded.lower()))
    if kind == "money":
        return bool(_MONEY_RE.search(text))
    if kind == "price":  # what one pays or earns, not billions of investment: "990.000 đồng", "8 triệu đồng/tháng"
        if _PRICE_RE.search(text):
            return True
        return "%" in text and bool(_PRICE_CHANGE_RE.search(question.folded))
    if kind == "length":
        return bool(_LENGTH_RE.search(text))
    if kind == "unit":  # a number in the unit asked: "61.200 ha", "3,9 triệu tấn", "45 đến 65 km"
        lowered = text.lower()
        return all(
            re.search(_NUMBER_UNIT.format("|".join(re.escape(w) for w in _UNITS[unit][1])), lowered)
            for unit in question.units
        )
    if kind == "measure":
        return all(_holds_measure(name, text) for name in question.measures)
    if kind == "count":
        if not names_counted(text, question):
            return False  # "bao nhiêu trụ sạc": a number of something else does not answer
        # a number the question itself mentions ("phase 2") is not an answer to "how many"; a
        # number may be spelled out ("sáu lần", "hai mươi tỉnh")
        if _numbers(text) - question.numbers:
            return True
        asked = question.numbers | _counts_named(question.folded.lower())
        return any(str(_SPELLED[m.group(1)]) not in asked for m in _SPELLED_COUNT_RE.finditer(text))
    if kind == "province":
        return bool(find_provinces(text))  # any province, a city included
    if kind == "person":
        if _PERSON_RE.search(text) or any(not find_provinces(m.group(0)) for m in _LATIN_NAME_RE.finditer(text)):
            return True
        # one foreign name the question does not give ("Simon làm quản lý đầu tiên", "cả Tesla và Edison")
        if _foreign_name_not_asked(_FOREIGN_WORD_RE.findall(text), question):
            return True
        # "who is called on to help?" is answered by groups ("các doanh nghiệp, các nhà hảo
        # tâm"); "Ai là giám đốc?" / "who heads ...?" only by a name
        folded = question.folded
        return not (_IDENTITY_RE.search(folded) or _WHICH_PERSON_RE.search(folded)) and bool(_AGENT_RE.search(text))
    if kind == "organisation":
        # or a foreign name the question does not give ("Virgin Media", "BSkyB" asked): brands
        # and companies abroad carry no "Công ty"
        return bool(_ORGANISATION_RE.search(text)) or _foreign_name_not_asked(
            [m.group(0) for m in _LATIN_NAME_RE.finditer(text)] + _MIXED_CASE_RE.findall(text), question)
    if kind == "place":  # "tại TP Buôn Ma Thuột": a place named as where something is, not any province
        return bool(_PLACE_RE.search(text))
    return True


# After "bao nhiêu" / "mấy": words that are not what is counted (a time, money, a share, a
# measure word, a unit) — such questions are checked by their own kind, or count nothing named.
_NOT_COUNTED_VI = frozenset(
    """năm tháng tuần ngày giờ tiếng phút giây tuổi lần thời gian tiền vốn đồng phần trăm % nghìn ngàn
    triệu tỷ tỉ lâu xa trên dưới mỗi pound feet dặm inch gallon lít kg mét""".split()
) | lexical.STOP_EXACT
_NOT_COUNTED_FOLDED = frozenset(fold(w) for w in _NOT_COUNTED_VI)
# Nouns that say little of what is counted: a classifier ("lượt khách", "căn nhà") or a general
# noun ("nội dung chính", "nhóm giải pháp"); the press may write either it or the word after it.
_GENERAL_NOUNS = tuple(tuple(noun.split()) for noun in (
    "người con chiếc cái căn ngôi lượt tấm bức quả cây loại loài nhóm mục phần khoản đợt".split()
    + ["đơn vị", "nội dung", "vấn đề", "lĩnh vực", "hạng mục", "nhiệm vụ", "hoạt động"]))
_GENERAL_NOUNS_FOLDED = tuple(tuple(fold(w) for w in noun) for noun in _GENERAL_NOUNS)
# an amount of a mass, a volume, energy or land: what a bare noun may be measured in ("bao nhiêu
# xăng": "12 m3"; "bao nhiêu rừng": "1.500 ha"), not a distance (the way there is no answer)
_PHYSICAL_RE = re.compile(_NUMBER_UNIT.format("|".join(re.escape(u) for u in (
    "tấn", "kg", "lít", "m3", "m³", "mét khối", "kwh", "mwh", "gwh", "mw", "kw", "gw", "ha", "héc-ta",
    "km2", "km²", "m2", "m²", "thùng", "teu", "dwt"))))
# English: the noun after "how many" ends before a verb or preposition ("how many students did ...")
_EN_NOUN_END_RE = re.compile(
    r"\b(?:did|does|do|are|were|is|was|have|has|had|will|would|can|could|should|in|at|of|for|on|from|to|by|"
    r"with|across|during|per|under|that|which|who)\b|[?,.]")


def counted_noun(text: str, kind: str) -> tuple[tuple[str, ...], bool]:
    """What a count question counts, as the words an answer names it by, and whether it may be a
    mass measured in a unit: "bao nhiêu trụ sạc" -> (("trụ",), True); "bao nhiêu lượt
    khách" -> (("lượt", "khách"), False); "how many students" -> (("sinh", "vien", "hoc"), False)
    from the glossary (folded). No words when the question counts nothing named (a time, an amount of
    money) or, in English, nothing the glossary knows."""
    if kind == "en":
        m = re.search(r"\bhow many\s+(.*)", text.lower())
        if not m:
            return (), False
        groups = glossary.expand_english_groups(_EN_NOUN_END_RE.split(m.group(1), maxsplit=1)[0])
        # any syllable of the head noun's equivalents ("tourists": du khách -> "lượt khách"): the
        # glossary gives one or two of the ways the press words a thing
        return tuple(dict.fromkeys(w for vi in groups[-1] for w in fold(vi).lower().split())) if groups else (), False
    accents = kind == "vi"
    lowered = " ".join(re.findall(r"[^\W_]+|%|[^\w\s]", (text if accents else fold(text)).lower()))
    m = re.search((r"\b(?:bao nhiêu|mấy)\s+" if accents else r"\bbao nhieu\s+") + r"([\w%\s]*)", lowered)
    words = m.group(1).split()[:4] if m else []  # up to a punctuation mark: "bao nhiêu, riêng X bao nhiêu"
    not_counted = _NOT_COUNTED_VI if accents else _NOT_COUNTED_FOLDED
    if not words or words[0] in not_counted or words[0][:1].isdigit():
        return (), False
    for general in _GENERAL_NOUNS if accents else _GENERAL_NOUNS_FOLDED:
        if tuple(words[:len(general)]) == general:
            after = words[len(general):len(general) + 1]
            return (words[0], *(w for w in after if w not in not_counted)), False
    return (words[0],), True


def names_counted(text: str, question: "Question") -> bool:
    """Whether a sentence names what the count question counts, or holds a quantity in a unit of
    it (true when it counts nothing named)."""
    if not question.count_noun:
        return True
    words = " " + " ".join(re.findall(r"[^\W_]+", (text if question.kind == "vi" else fold(text)).lower())) + " "
    if any(f" {noun} " in words for noun in question.count_noun):
        return True
    return question.count_mass and bool(_PHYSICAL_RE.search(text.lower()))


_COUNT_CUE_RE = re.compile(r"\b(?:bao nhieu|may|how many|how much)\s+((?:\w+\s*){1,2})")


def counted_words(question: str, english: bool = False) -> list[str]:
    """The noun a count question counts: "bao nhiêu điểm cầu" -> ["diem", "cau"] (folded).

    For an English question, the Vietnamese words the glossary gives for it ("how many hotels"
    -> ["khach", "san"]), since the answer sentence is Vietnamese.
    """
    m = _COUNT_CUE_RE.search(" ".join(fold(question).split()))
    if not m:
        return []
    counted = [w for w in m.group(1).split() if w not in lexical.STOP_FOLDED][:2]
    if not english:
        return counted
    return list(dict.fromkeys(
        w for group in glossary.expand_english_groups(" ".join(counted)) for vi in group for w in fold(vi).split()
    ))


def number_near(text: str, focus: list[str], window: int = 3) -> bool:
    """A number within a few words of the counted noun ("dân số 1.799.489", "80 điểm cầu")."""
    words = lexical.surface_words(text)
    numbers = [i for i, w in enumerate(words) if w[:1].isdigit()]
    spots = [i for i, w in enumerate(words) if w in focus]
    return any(abs(i - j) <= window for i in numbers for j in spots)

