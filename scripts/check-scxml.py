#!/usr/bin/python3
"""Runs an SCXML document in Qt SCXML (Debian's python3-pyside2.qtscxml) along paths of events
and checks the active state, and the data model's `sent`, after each event.

Usage: check-scxml.py MACHINE.scxml PATHS.json

PATHS.json is a list of {"name", "guards": {NAME: bool}, "initial": STATE,
"steps": [{"event", "state", "sent", "within"}]}; `guards` is given to the machine as the
initial value of its `guards` data (see fsm-spec/src/export/scxml.rs for the mapping).
`within`, when a step has it, lists the compound states (the spec's groups) that must be
active around `state`, outermost first: [] for a state at the top. Exit 0 when every path
ends where it should, 1 on a mismatch, 2 when the document does not load.
"""
import json
import sys

from PySide2.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide2.QtScxml import QScxmlStateMachine


def settle(machine):
    """Lets the machine process what is queued, until it reaches a stable state."""
    loop = QEventLoop()
    machine.reachedStableState.connect(loop.quit)
    QTimer.singleShot(2000, loop.quit)
    loop.exec_()
    machine.reachedStableState.disconnect(loop.quit)


def named(step):
    """A step's state, with the groups around it when the step names them: A.B.STATE."""
    return ".".join(step.get("within", []) + [step["state"]])


def run(document, path):
    machine = QScxmlStateMachine.fromFile(document)
    errors = [e.toString() for e in machine.parseErrors()]
    if errors:
        print(f"{document}: does not load: {errors}", file=sys.stderr)
        sys.exit(2)
    machine.setInitialValues({"guards": path["guards"]})
    failures = []

    def check(where, state, sent, within=None):
        active = list(machine.activeStateNames())
        if active != [state]:
            failures.append(f"{path['name']}: {where}: active {active}, expected [{state!r}]")
        if within is not None:
            # Without compression Qt lists every active state, the compound ones too.
            every = sorted(machine.activeStateNames(False))
            if every != sorted(within + [state]):
                failures.append(
                    f"{path['name']}: {where}: active {every}, expected {sorted(within + [state])}"
                )
        got = machine.dataModel().scxmlProperty("sent")
        if got != sent:
            failures.append(f"{path['name']}: {where}: sent {got!r}, expected {sent!r}")

    machine.start()
    settle(machine)
    check("at the start", path["initial"], None)
    for number, step in enumerate(path["steps"], 1):
        machine.submitEvent(step["event"])
        settle(machine)
        where = f"after step {number} ({step['event']})"
        check(where, step["state"], step["sent"], step.get("within"))
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        states = " -> ".join([path["initial"]] + [named(s) for s in path["steps"]])
        print(f"{path['name']}: {states}: ok")
    return not failures


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    app = QCoreApplication(sys.argv[:1])
    with open(sys.argv[2], encoding="utf-8") as f:
        paths = json.load(f)
    results = [run(sys.argv[1], path) for path in paths]
    del app
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
