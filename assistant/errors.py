"""The one base of errors whose message is meant for the user (a bad setting, question or file).

Front ends print these as one line; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(ValueError):
    """Something the user can fix, said in one line: a malformed setting, question, file or eval set."""


class QuestionError(UserError):
    """A question that cannot be asked: empty, or longer than ASSISTANT_MAX_QUESTION_CHARS."""
