"""Tasks for the worker's tests: each notes that it ran, in RAN."""

from django.tasks import task

RAN: list[str] = []
# Called with the label of every `note` that runs (to stop a worker mid-batch, say).
HOOKS: list = []


@task
def note(*, label: str) -> None:
    RAN.append(label)
    for hook in HOOKS:
        hook(label)


@task
def fail(*, label: str) -> None:
    RAN.append(label)
    raise ValueError(f"{label} went wrong")


@task
def answer(*, label: str) -> dict:
    RAN.append(label)
    return {"label": label}
