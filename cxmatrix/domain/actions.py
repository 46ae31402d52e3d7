"""Actions: who drives a planned change of one cell, by when, and how far it has got.

A planned change (a cell whose target role differs from its current role) may carry an
:class:`Action`. The matrix keeps actions by cell, beside the target roles (see
``Matrix.set_action``); marking a change done makes the current role the target and the
action's status ``done`` in one operation (``Matrix.complete_changes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from cxmatrix.domain.roles import Role

NO_ROLE_LABEL = "No role"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionError(ValueError):
    """An action the matrix refuses: a person's name too long, a due date that is no date."""


@dataclass(frozen=True, slots=True)
class Action:
    """Who drives a planned change (a person's name), its due date, status and note."""

    person: str = ""
    due: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    note: str = ""

    @property
    def is_done(self) -> bool:
        return self.status is ActionStatus.DONE

    def is_overdue(self, today: date) -> bool:
        """Not done, and its due date has passed."""
        return not self.is_done and self.due is not None and self.due < today

    def describe(self) -> str:
        """"Dana Whitfield, due 2026-03-31, in progress"."""
        parts = [self.person] if self.person else []
        if self.due is not None:
            parts.append(f"due {self.due.isoformat()}")
        parts.append(self.status.value)
        return ", ".join(parts)


def checked_action(action: Action) -> Action:
    """The action as the matrix keeps it (the person's name on one line), or ActionError."""
    if not isinstance(action, Action):
        raise ActionError(f"{action!r} is not an action")
    if not isinstance(action.person, str) or not isinstance(action.note, str):
        raise ActionError("an action's person and note must be text")
    person = " ".join(action.person.split())
    if len(person) > MAX_NAME_LENGTH:
        raise ActionError(f"an action's person is longer than {MAX_NAME_LENGTH:,} characters")
    if len(action.note) > MAX_TEXT_LENGTH:
        raise ActionError(f"an action's note is longer than {MAX_TEXT_LENGTH:,} characters")
    due = action.due
    if due is not None and (not isinstance(due, date) or type(due).__name__ == "datetime"):
        raise ActionError(f"an action's due date must be a date, not {due!r}")
    try:
        status = ActionStatus(action.status)
    except ValueError:
        raise ActionError(f"{action.status!r} is not an action status "
                          f"({', '.join(s.value for s in ActionStatus)})") from None
    note = action.note.strip()
    if (person, status, note) == (action.person, action.status, action.note):
        return action
    return Action(person, due, status, note)


def parse_due(text: str) -> date | None:
    """A due date from its ISO text ("2026-03-31"); empty text is no date; ActionError else."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ActionError(f"{text!r} is not a date (write it as YYYY-MM-DD)") from None


def done_change_text(role: Role | None) -> str:
    """A planned change marked done, named by the role it reached: "Own (done)", "No role
    (done)". Marking done makes today's role the target, and the role before is not kept, so
    a done change is named by where it ended, the way every view says it."""
    return f"{role.label if role is not None else NO_ROLE_LABEL} ({ActionStatus.DONE.value})"
