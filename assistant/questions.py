"""What a question must be before any model sees it: not empty, and not a pasted document."""

from __future__ import annotations


class QuestionError(ValueError):
    """A question that cannot be asked: empty, or longer than ASSISTANT_MAX_QUESTION_CHARS."""


def checked_question(question: str | None, limit: int) -> str:
    """The question without surrounding space; QuestionError when it is empty or over `limit` characters."""
    question = (question or "").strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > limit:
        raise QuestionError(
            f"the question is {len(question):,} characters long and the limit is {limit:,} "
            "(ASSISTANT_MAX_QUESTION_CHARS): ask about one thing at a time"
        )
    return question
