#!/usr/bin/env node
// Runs an XState v5 machine config with the `xstate` package along paths of events and checks
// the state, and what the machine sent, after each event.
//
// Usage: node check-xstate.cjs NODE_MODULES MACHINE.json PATHS.json
//
// NODE_MODULES is the folder holding xstate (`npm install --prefix DIR xstate@5` makes
// DIR/node_modules). PATHS.json is as for check-scxml.py: a list of {"name", "guards":
// {NAME: bool}, "initial", "steps": [{"event", "state", "sent", "within"}]}. The config names
// its guards and its `send` action; this script implements them: a guard holds when the path
// says so, `send` records its output. A spec's groups are nested state nodes, so the state
// value is a path ({"SYNCHRONIZED": "ESTABLISHED"}); `state` is its innermost node, and
// `within`, when a step has it, the nodes around it, outermost first ([] at the top level).
// Exit 0 when every path ends where it should, 1 on a mismatch.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, machineFile, pathsFile] = process.argv.slice(2);
if (!pathsFile) {
  console.error('usage: node check-xstate.cjs NODE_MODULES MACHINE.json PATHS.json');
  process.exit(2);
}
const { createMachine, createActor } = require(path.join(path.resolve(modules), 'xstate'));
const config = JSON.parse(fs.readFileSync(machineFile, 'utf8'));
const paths = JSON.parse(fs.readFileSync(pathsFile, 'utf8'));

// Every guard the config names, at any depth, so that each has an implementation.
function guardNames(config, names = new Set()) {
  for (const node of Object.values(config.states || {})) {
    for (const targets of Object.values(node.on || {})) {
      for (const t of targets) {
        if (t.guard) names.add(t.guard);
      }
    }
    guardNames(node, names);
  }
  return [...names];
}

// A state value as the path of nodes from the top: "A" is ["A"], {"G": "A"} is ["G", "A"].
function pathOf(value) {
  if (typeof value === 'string') return [value];
  const keys = Object.keys(value);
  if (keys.length !== 1) return [JSON.stringify(value)];
  return [keys[0], ...pathOf(value[keys[0]])];
}

let ok = true;
for (const run of paths) {
  let sent = null;
  const guards = Object.fromEntries(
    guardNames(config).map((name) => [name, () => run.guards[name] === true]),
  );
  const machine = createMachine(config).provide({
    guards,
    actions: { send: (_, params) => { sent = params.output; } },
  });
  const actor = createActor(machine);
  actor.start();
  const failures = [];
  const check = (where, state, expectedSent, within) => {
    const value = actor.getSnapshot().value;
    const nodes = pathOf(value);
    if (nodes[nodes.length - 1] !== state) failures.push(`${run.name}: ${where}: state ${JSON.stringify(value)}, expected "${state}"`);
    if (within !== undefined && nodes.slice(0, -1).join('.') !== within.join('.')) {
      failures.push(`${run.name}: ${where}: state ${JSON.stringify(value)}, expected it within [${within.join(', ')}]`);
    }
    if (sent !== expectedSent) failures.push(`${run.name}: ${where}: sent ${JSON.stringify(sent)}, expected ${JSON.stringify(expectedSent)}`);
  };
  check('at the start', run.initial, null);
  run.steps.forEach((step, i) => {
    sent = null;
    actor.send({ type: step.event });
    check(`after step ${i + 1} (${step.event})`, step.state, step.sent, step.within);
  });
  actor.stop();
  for (const f of failures) console.error(f);
  if (failures.length === 0) {
    const named = (s) => [...(s.within || []), s.state].join('.');
    console.log(`${run.name}: ${[run.initial, ...run.steps.map(named)].join(' -> ')}: ok`);
  }
  ok = ok && failures.length === 0;
}
process.exit(ok ? 0 : 1);
