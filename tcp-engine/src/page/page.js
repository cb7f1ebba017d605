'use strict';
// The page's behaviour. All text comes from the JSON in #page-data and is set with
// textContent only, so nothing from a spec is ever parsed as HTML.
(function () {
  const data = JSON.parse(document.getElementById('page-data').textContent);
  const SVG = 'http://www.w3.org/2000/svg';

  function node(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function field(dl, term, value) {
    if (value === undefined || value === null || value === '') return;
    dl.append(node('dt', null, term), node('dd', null, value));
  }
  function asText(v) {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(asText).join(', ');
    return JSON.stringify(v);
  }
  function onActivate(element, action) {
    element.addEventListener('click', action);
    element.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); action(); }
    });
  }
  function select(elements, chosen) {
    elements.forEach((e) => {
      e.classList.toggle('selected', e === chosen);
      if (e.tagName === 'BUTTON') e.setAttribute('aria-pressed', String(e === chosen));
    });
  }

  // --- The diagram: states explain themselves, arcs list their transitions. ---
  const details = document.getElementById('details');
  const states = new Map(data.states.map((s) => [s.name, s]));
  const groups = new Map(data.groups.map((g) => [g.name, g]));
  const stateGroups = Array.from(document.querySelectorAll('.view .state'));
  const edgeGroups = Array.from(document.querySelectorAll('.view .edge'));
  const boxGroups = Array.from(document.querySelectorAll('.view .group, .view .group-name'));

  function showState(name) {
    const s = states.get(name);
    if (!s) return;
    const dl = node('dl');
    field(dl, 'description', s.doc || '(the spec has no doc for it)');
    field(dl, 'aliases', s.aliases.length ? s.aliases.join(', ') : 'none');
    if (data.groups.length) field(dl, 'groups', s.groups.length ? s.groups.join(' \u203a ') : 'none');
    field(dl, 'leaves on', String(data.transitions.filter((t) => t.from === name).length) + ' transition(s)');
    details.replaceChildren(node('h3', null, 'State ' + name), dl);
  }

  // The transitions of a list, one per declaration: a group's is one for all its states.
  function declarations(list) {
    const seen = new Map();
    list.forEach((t) => {
      const key = [t.location, t.event, t.guard, t.declared_in].join('|');
      if (!seen.has(key)) seen.set(key, { t, from: [] });
      seen.get(key).from.push(t.from);
    });
    return Array.from(seen.values());
  }

  function showGroup(name) {
    const g = groups.get(name);
    if (!g) return;
    const dl = node('dl');
    field(dl, 'description', g.doc || '(the spec has no doc for it)');
    field(dl, 'cite', g.cite);
    field(dl, 'inside', g.parent);
    field(dl, 'states', g.states.join(', '));
    field(dl, 'entered at', g.initial);
    const list = node('ul', 'transitions');
    declarations(data.transitions.filter((t) => t.declared_in === name))
      .forEach((d) => list.append(transitionItem(d.t, d.from)));
    details.replaceChildren(node('h3', null, 'Group ' + name), dl, list);
  }

  function transitionItem(t, from) {
    const li = node('li', 'transition');
    const to = t.to_group ? ' \u2192 ' + t.to_group : '';
    li.append(node('h4', null, t.label + (t.send ? ' / snd ' + t.send : '') + to));
    const dl = node('dl');
    if (t.declared_in) {
      field(dl, 'declared on', t.declared_in);
      field(dl, 'applies to', (from || [t.from]).join(', '));
    }
    if (t.to_group) field(dl, 'enters', t.to_group + ' at ' + t.to);
    field(dl, 'event', t.event);
    field(dl, 'guard', t.guard);
    field(dl, 'output', t.send || 'nothing');
    field(dl, 'cite', t.cite);
    field(dl, 'spec', t.location);
    field(dl, 'note', t.doc);
    if (t.tags.length) field(dl, 'tags', t.tags.join(', '));
    li.append(dl);
    if (t.quote) li.append(node('blockquote', null, t.quote));
    return li;
  }

  function showEdge(g) {
    select(edgeGroups, g);
    const list = node('ul', 'transitions');
    const shown = g.dataset.transitions.split(' ').map((i) => data.transitions[Number(i)]);
    declarations(shown).forEach((d) => list.append(transitionItem(d.t, d.from)));
    const arrow = g.dataset.from === g.dataset.to ? ' (stays)' : ' \u2192 ' + g.dataset.to;
    details.replaceChildren(node('h3', null, g.dataset.from + arrow), list);
  }

  // A large diagram keeps at least 80% of its size (its figure scrolls) rather than shrinking
  // its labels past reading.
  document.querySelectorAll('.view svg').forEach((svg) => {
    svg.style.minWidth = Math.round(svg.viewBox.baseVal.width * 0.8) + 'px';
  });

  stateGroups.forEach((g) => {
    g.addEventListener('mouseenter', () => showState(g.dataset.state));
    g.addEventListener('focus', () => showState(g.dataset.state));
  });
  boxGroups.forEach((g) => {
    g.addEventListener('mouseenter', () => showGroup(g.dataset.group));
    g.addEventListener('focus', () => showGroup(g.dataset.group));
  });
  edgeGroups.forEach((g) => {
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', g.dataset.from + ' to ' + g.dataset.to);
    onActivate(g, () => showEdge(g));
  });

  document.querySelectorAll('input[name="view"]').forEach((radio) => {
    radio.addEventListener('change', () => {
      document.querySelectorAll('.view').forEach((v) => { v.hidden = v.dataset.view !== radio.value; });
    });
  });

  data.paths.forEach((p, i) => document.documentElement.style.setProperty('--path-' + (i % 2), p.color));
  document.querySelectorAll('input[name="path"]').forEach((box) => {
    box.addEventListener('change', () => {
      const path = data.paths[Number(box.value)];
      const on = new Set(path.transitions.map(String));
      edgeGroups.forEach((g) => {
        if (g.dataset.transitions.split(' ').some((t) => on.has(t))) {
          g.classList.toggle('on-path-' + (Number(box.value) % 2), box.checked);
        }
      });
    });
  });

  // --- The scenario player: one figure line per step, both sides' states on the diagram. ---
  const player = document.getElementById('scenarios');
  if (player && data.walkthroughs.length) {
    const chooser = document.getElementById('scenario');
    const figure = document.getElementById('figure');
    let walk = 0;
    let step = 0;

    // The side's letter left of the state's box, so that the highlight is not colour alone.
    function badge(g, label) {
      const rect = g.querySelector('rect');
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('class', 'badge');
      t.setAttribute('x', String(Number(rect.getAttribute('x')) - 4));
      t.setAttribute('y', String(Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) / 2));
      t.setAttribute('text-anchor', 'end');
      t.setAttribute('dominant-baseline', 'central');
      t.textContent = label;
      g.append(t);
    }

    function highlight(current, sides) {
      document.querySelectorAll('.view .badge').forEach((b) => b.remove());
      const letters = sides.map((s) => s.split(' ').pop());
      stateGroups.forEach((g) => {
        const here = [0, 1].filter((side) => current[side] === g.dataset.state);
        g.classList.toggle('side-a', here.includes(0));
        g.classList.toggle('side-b', here.includes(1));
        if (here.length) badge(g, here.map((side) => letters[side]).join('+'));
      });
    }

    function describe(m, sides) {
      const fate = { arrives: 'arrives', in_flight: 'still in the network', lost: 'lost' }[m.delivery];
      return sides[m.from] + ' \u2192 ' + sides[1 - m.from] + ': ' + m.text + ' (' + fate + ')';
    }

    function render() {
      const w = data.walkthroughs[walk];
      const s = w.steps[step];
      document.getElementById('position').textContent = 'line ' + (step + 1) + ' of ' + w.steps.length;
      document.getElementById('source').textContent = w.source || '';
      const sides = document.getElementById('sides');
      const a = node('span', 'a', w.sides[0] + ': ' + (s.states[0] || '?'));
      const b = node('span', 'b', w.sides[1] + ': ' + (s.states[1] || '?'));
      sides.replaceChildren(a, ' ', b);
      const flight = document.getElementById('flight');
      flight.textContent = s.messages.length ? s.messages.map((m) => describe(m, w.sides)).join('\n') : 'no segment on this line';
      flight.style.whiteSpace = 'pre-line';
      const lines = [node('span', 'line', w.heading), '\n'];
      w.steps.forEach((st, i) => {
        lines.push('\n');
        const span = node('span', i === step ? 'line current' : 'line', st.text.join('\n'));
        span.dataset.step = String(i);
        if (i === step) span.setAttribute('aria-current', 'step');
        lines.push(span, '\n');
      });
      figure.replaceChildren(...lines);
      const notes = document.getElementById('notes');
      notes.replaceChildren(...w.notes.map((n) => node('li', null, n)));
      highlight(s.states, w.sides);
    }

    function go(to) {
      const count = data.walkthroughs[walk].steps.length;
      step = Math.max(0, Math.min(count - 1, to));
      render();
    }
    chooser.addEventListener('change', () => { walk = Number(chooser.value); step = 0; render(); });
    document.getElementById('prev').addEventListener('click', () => go(step - 1));
    document.getElementById('next').addEventListener('click', () => go(step + 1));
    player.addEventListener('keydown', (e) => {
      if (e.target === chooser) return;
      const moves = { ArrowRight: step + 1, ArrowDown: step + 1, ArrowLeft: step - 1, ArrowUp: step - 1, Home: 0, End: Infinity };
      if (e.key in moves) { e.preventDefault(); go(moves[e.key]); }
    });
    render();
  }

  // --- The audit grid. ---
  const RULES = {
    moves: 'a transition to another state', stays: 'a transition that keeps the state',
    contradiction: 'readings that contradict each other', error: 'a user call answered with an error',
    drop: 'the event is dropped without a reply', impossible: 'the event cannot happen in this state',
    silent: 'nothing',
  };
  const HANDLING = {
    handles: 'handles it (a transition, or one that replies)',
    ignores: 'ignores it (stays, sends nothing)', undefined: 'has no transition',
  };
  function arrow(a) {
    if (!a) return 'nothing';
    return '\u2192 ' + a.to + (a.send ? ' snd ' + a.send : '') + (a.reading ? ' (reading ' + a.reading + ')' : '');
  }
  const auditDetails = document.getElementById('audit-details');
  const auditCells = Array.from(document.querySelectorAll('#audit-grid button.cell'));
  function showAuditCell(button) {
    select(auditCells, button);
    const st = button.dataset.state;
    const ev = button.dataset.event;
    const dl = node('dl');
    field(dl, 'verdict', button.dataset.verdict + ' (' + button.dataset.status + ')');
    field(dl, 'reference', RULES[button.dataset.rule] || button.dataset.rule);
    field(dl, 'spec', HANDLING[button.dataset.handling] || button.dataset.handling);
    const list = node('ul');
    data.audit.findings.filter((f) => f.state === st && f.event === ev).forEach((f) => {
      const li = node('li');
      const kind = f.kind + (f.reading ? ': reading ' + f.reading + ' of ' + f.contradiction : '');
      li.append(node('h4', null, f.status + ' \u2014 ' + kind + (f.guard ? ' [' + f.guard + ']' : '')));
      const d = node('dl');
      field(d, 'reference', f.reference.map(arrow).join(' | ') || 'nothing');
      field(d, 'spec', arrow(f.spec));
      field(d, 'contradiction', f.summary);
      field(d, 'cite', f.cite);
      field(d, 'spec at', f.location);
      if (f.declared) {
        field(d, 'declared', f.declared.reason);
        field(d, 'declared at', f.declared.location);
      }
      li.append(d);
      if (f.quote) li.append(node('blockquote', null, f.quote));
      list.append(li);
    });
    if (!list.children.length) list.append(node('li', null, 'No finding: the reference has no transition here and neither has the spec.'));
    auditDetails.replaceChildren(node('h3', null, st + ' + ' + ev), dl, list);
  }
  auditCells.forEach((b) => b.addEventListener('click', () => showAuditCell(b)));

  // --- The conformance grids. ---
  const confDetails = document.getElementById('conformance-details');
  const confCells = Array.from(document.querySelectorAll('table.conformance button.cell'));
  function showCases(button) {
    select(confCells, button);
    const target = data.conformance.targets[Number(button.dataset.target)];
    const list = node('ul');
    button.dataset.cases.split(' ').forEach((i) => {
      const c = target.cases[Number(i)];
      const li = node('li');
      li.append(node('h4', null, c.case + ': ' + c.verdict));
      const d = node('dl');
      field(d, 'from', c.from);
      field(d, 'event', c.event);
      field(d, 'guard', c.guard);
      field(d, 'expected', arrow({ to: c.expected.to, send: c.expected.send }));
      const seen = c.observed && typeof c.observed === 'object' && !Array.isArray(c.observed) ? c.observed : null;
      if (seen) {
        field(d, 'observed state', asText(seen.state));
        field(d, 'observed segments', asText(seen.segments) || 'none');
      } else {
        field(d, 'observed', asText(c.observed));
      }
      field(d, 'explained by', asText(c.explained_by));
      field(d, 'reason', asText(c.reason));
      li.append(d);
      list.append(li);
    });
    confDetails.replaceChildren(node('h3', null, target.target), list);
  }
  confCells.forEach((b) => b.addEventListener('click', () => showCases(b)));
})();
