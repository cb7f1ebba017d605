#!/usr/bin/python3
"""Runs an SCXML document in Qt SCXML (Debian's python3-pyside2.qtscxml) along paths of events
and checks the active state, and the data model's `sent`, after each event.

Usage: check-scxml.py MACHINE.scxml PATHS.json

PATHS.json is a list of {"name", "guards": {NAME: bool}, "initial": STATE,
"steps": [{"event", "state", "sent"}]}; `guards` is given to the machine as the initial
value of its `guards` data (see fsm-spec/src/render/scxml.rs for the mapping). Exit 0 when
every path ends where it should, 1 on a mismatch, 2 when the document does not load.
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


def run(document, path):
    machine = QScxmlStateMachine.fromFile(document)
    errors = [e.toString() for e in machine.parseErrors()]
    if errors:
        print(f"{document}: does not load: {errors}", file=sys.stderr)
        sys.exit(2)
    machine.setInitialValues({"guards": path["guards"]})
    failures = []

    def check(where, state, sent):
        active = list(machine.activeStateNames())
        if active != [state]:
            failures.append(f"{path['name']}: {where}: active {active}, expected [{state!r}]")
        got = machine.dataModel().scxmlProperty("sent")
        if got != sent:
            failures.append(f"{path['name']}: {where}: sent {got!r}, expected {sent!r}")

    machine.start()
    settle(machine)
    check("at the start", path["initial"], None)
    for number, step in enumerate(path["steps"], 1):
        machine.submitEvent(step["event"])
        settle(machine)
        check(f"after step {number} ({step['event']})", step["state"], step["sent"])
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        states = " -> ".join([path["initial"]] + [s["state"] for s in path["steps"]])
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
