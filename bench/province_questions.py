"""The province questions of issue 13, counted on a corpus: what each partner cooperates on, the
province filter, and the Provinces tab's "Ask about this province" for every province listed.

    python bench/province_questions.py [--corpus corpus] [--index /tmp/ix-provinces] [--tuning rules]
                                       [--question "Những gì đã được ký kết với {province}?"]

On the seed article (the default corpus): "TP.HCM hợp tác với X trong lĩnh vực nào?" for its nine
partners with diacritics, without and in English, counted as right when every cited passage is
X's own paragraph ("TP.HCM - tỉnh X: ..."); "Hợp tác trong lĩnh vực nào?" with the province
filter, right when every cited passage is about X. On any corpus: ui.PROVINCE_QUESTION (or
--question) with the filter for every province the index lists, right when it answers from
passages about it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.chain import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import fold  # noqa: E402
from assistant.tuning import TUNINGS  # noqa: E402

# the seed article's partners, and how an English question writes them
SEED_PARTNERS = {"Bắc Kạn": "Bac Kan", "Cao Bằng": "Cao Bang", "Hà Nam": "Ha Nam", "Hà Tĩnh": "Ha Tinh",
                 "Nghệ An": "Nghe An", "Quảng Bình": "Quang Binh", "Quảng Trị": "Quang Tri",
                 "Thanh Hóa": "Thanh Hoa", "Thừa Thiên Huế": "Thua Thien Hue"}


def about(assistant: Assistant, answer, province: str) -> bool:
    """Answered, and every cited passage is about the province."""
    return not answer.abstained and bool(answer.citations) and all(
        province in assistant.index.provinces_of(c.hit.id) for c in answer.citations)


def partner_forms(assistant: Assistant) -> tuple[int, int, list[str], int]:
    """(right, asked, wrong questions, answered citing X's paragraph among others) for the three
    forms of the seed's partner question."""
    right, wrong, partly = 0, [], 0
    for province, english in SEED_PARTNERS.items():
        own = fold(f"TP.HCM - tỉnh{province}").replace(" ", "")
        for question in (f"TP.HCM hợp tác với {province} trong lĩnh vực nào?",
                         f"tphcm hop tac voi {fold(province).lower()} trong linh vuc nao",
                         f"What areas does Ho Chi Minh City cooperate with {english} on?"):
            answer = assistant.ask(question)
            cited = [fold(c.hit.passage.text).replace(" ", "") for c in answer.citations]
            if not answer.abstained and cited and all(text.startswith(own) for text in cited):
                right += 1
            else:
                wrong.append(question)
            partly += not answer.abstained and any(text.startswith(own) for text in cited)
    return right, 3 * len(SEED_PARTNERS), wrong, partly


def filtered(assistant: Assistant, question: str, provinces) -> tuple[int, int, list[str]]:
    """(right, asked, provinces answered wrongly) for one question asked with each province filter."""
    wrong = [p for p in provinces if not about(assistant, assistant.ask(question.format(province=p), province=p), p)]
    return len(provinces) - len(wrong), len(provinces), wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=Path(tempfile.gettempdir()) / "ix-provinces")
    parser.add_argument("--tuning", default="default", choices=sorted(TUNINGS))
    parser.add_argument("--question", help="another wording for 'Ask about this province' ({province} in it)")
    args = parser.parse_args()
    from ui import PROVINCE_QUESTION

    ask_about = args.question or PROVINCE_QUESTION

    assistant = Assistant(Settings.from_env(corpus_dir=args.corpus, index_dir=args.index, tuning=TUNINGS[args.tuning]))
    # brought in line with --corpus: an index folder left by another corpus would be read as it is
    assistant.reindex()
    listed = list(assistant.index.province_counts)
    rows = []
    if set(SEED_PARTNERS) <= set(listed):
        right, asked, wrong, partly = partner_forms(assistant)
        rows.append(("what each partner cooperates on, 3 forms", (right, asked, wrong)))
        rows.append(("... citing X's own paragraph among others", (partly, asked, [])))
        rows.append(("'Hợp tác trong lĩnh vực nào?' with the filter",
                     filtered(assistant, "Hợp tác trong lĩnh vực nào?", list(SEED_PARTNERS))))
    rows.append(("'Ask about this province', every province listed", filtered(assistant, ask_about, listed)))
    for name, (right, asked, wrong) in rows:
        print(f"{name:52} {right}/{asked}" + (f"   wrong: {'; '.join(wrong)}" if wrong else ""))


if __name__ == "__main__":
    main()
