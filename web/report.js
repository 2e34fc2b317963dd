/*
 * report.js — builds the entente HTML report in the browser from the JSON the entente binary
 * embedded in the page (<script id="entente-data">): the scenario table with its citations, the
 * forecasts of every model, position trajectories with "why did this actor move", effective
 * power, the EUM quadrant map, Monte Carlo distributions, the sensitivity tornado and, when
 * recorded, the war layer. Charts are Vega-Lite specs rendered by vega-embed (inlined in the
 * page, no network), each with vega-embed's SVG/PNG export menu.
 *
 * Every chart lives in a <div class="chart" data-chart=NAME>; after rendering it carries
 * data-rendered="1", or data-error plus a visible message. Any console error or failed chart is
 * listed in #entente-errors and <body data-status> becomes "error" (else "ready"): the browser
 * test (tests/report/test_report_browser.sh) reads those from the DOM.
 */
(function () {
  'use strict';
  var errors = [];
  var pending = 0;
  var started = false;

  function noteError(message) {
    errors.push(String(message));
    var list = document.getElementById('entente-errors');
    if (list) {
      var li = document.createElement('li');
      li.textContent = String(message);
      list.appendChild(li);
    }
    document.body.setAttribute('data-status', 'error');
  }
  window.addEventListener('error', function (e) { noteError('script error: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) { noteError('unhandled: ' + e.reason); });
  /* The page's policy allows only its own scripts: anything it blocks is reported. */
  document.addEventListener('securitypolicyviolation', function (e) {
    noteError('blocked by the page\'s security policy: ' + e.violatedDirective + ' ' + (e.blockedURI || ''));
  });
  var consoleError = console.error;
  console.error = function () {
    noteError('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };

  function finishOne() {
    pending--;
    if (started && pending === 0 && errors.length === 0) document.body.setAttribute('data-status', 'ready');
  }

  /* ---- small DOM helpers ----
   * Every string from the scenario, a store or a source file is data: it is only ever set as
   * text (textContent, text nodes) or as a plain attribute value, never parsed as markup, and
   * links to outside the page are made only for http(s) addresses (safeUrl). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  /* The address if it is an absolute http or https URL, else null (javascript:, data: ...). */
  function safeUrl(text) {
    if (typeof text !== 'string') return null;
    var url;
    try { url = new URL(text); } catch (e) { return null; }
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  }
  function fmt(x, digits) {
    if (x === null || x === undefined || typeof x !== 'number' || !isFinite(x)) return 'n/a';
    return x.toFixed(digits === undefined ? 2 : digits);
  }
  function section(id, title, note) {
    var s = el('section', {id: id}, [el('h2', {text: title})]);
    if (note) s.appendChild(el('p', {'class': 'note', text: note}));
    document.getElementById('content').appendChild(s);
    document.getElementById('nav').appendChild(el('a', {href: '#' + id, text: title}));
    return s;
  }
  function gap(parent, text) { parent.appendChild(el('p', {'class': 'gap', text: text})); }

  /* ---- charts ---- */
  var Charts = window.ententeCharts; /* web/charts.js, shared with `entente serve` */
  function chart(parent, name, title, spec) {
    var box = el('div', {'class': 'chart-box'});
    if (title) box.appendChild(el('h3', {text: title}));
    var div = el('div', {'class': 'chart', 'data-chart': name});
    box.appendChild(div);
    parent.appendChild(box);
    pending++;
    /* web/charts.js: vega-embed with Vega's expression interpreter (the page forbids eval). */
    Charts.embed(div, spec, name).then(function () {
      div.setAttribute('data-rendered', '1');
      finishOne();
    }).catch(function (e) {
      div.setAttribute('data-error', String(e));
      div.appendChild(el('p', {'class': 'chart-error', text: 'chart failed: ' + e}));
      noteError('chart ' + name + ': ' + e);
      finishOne();
    });
    return div;
  }
  function replaceCharts(parent) { while (parent.firstChild) parent.removeChild(parent.firstChild); }

  /* ---- data ---- */
  var D = JSON.parse(document.getElementById('entente-data').textContent);
  var S = D.scenario;
  var issueById = {}, actorById = {};
  S.issues.forEach(function (i) { issueById[i.id] = i; });
  S.actors.forEach(function (a) { actorById[a.id] = a; });
  function actorName(id) { return actorById[id] ? actorById[id].name : id; }
  /* One colour (and, past 20 actors, shape) per actor across every chart, in scenario order. */
  var actorNames = S.actors.map(function (a) { return a.name; });
  var actorColor = Charts.actorColor(actorNames);
  function width(wanted) { return Charts.fitWidth(document.getElementById('content'), wanted); }

  /* ---- header ---- */
  document.title = 'entente — ' + S.title;
  document.getElementById('title').textContent = S.title;
  document.getElementById('subtitle').textContent =
    (S.date ? S.date + ' · ' : '') + D.origin + ' · entente ' + D.entente + ' · generated ' + D.generated;

  /* ---- 0. the answer (entente forecast): five points in plain words, phone-width ---- */
  (function () {
    var doc = (D.analyses || []).filter(function (a) { return a.kind === 'forecast'; })[0];
    if (!doc) return;
    var f = doc.data;
    var s = section('answer', 'The answer',
      'entente forecast: the default forecaster (' + f.model + ') on the effective scenario, ' + f.draws +
      ' Monte Carlo draws; docs/models/forecast.md explains each step.');
    s.setAttribute('class', 'answer');
    var paragraphs = {};
    String(f.summary || '').split('\n\n').forEach(function (p) {
      var colon = p.indexOf(': ');
      if (colon > 0) paragraphs[p.slice(0, colon)] = p.slice(colon + 2).trim();
    });
    function point(head, body) {
      var box = el('div', {'class': 'answer-point'}, [el('h3', {text: head})]);
      if (body) box.appendChild(el('p', {text: body}));
      s.appendChild(box);
      return box;
    }
    var deal = point('What deal', null);
    var list = el('ul', {'class': 'answer-deal'});
    f.issues.forEach(function (i) {
      var name = issueById[i.id] ? issueById[i.id].name || i.id : i.id;
      list.appendChild(el('li', {'data-issue': i.id}, [
        el('b', {text: name + ': '}), fmt(i.forecast, 1),
        i.label ? ' — “' + i.label + '”' : '',
        el('span', {'class': 'interval', text: ' (80%: ' + fmt(i.interval[0], 1) + '–' + fmt(i.interval[1], 1) + ')'})]));
    });
    deal.appendChild(list);
    var agree = point('Will they agree', null);
    agree.appendChild(el('p', {'class': 'answer-p', text: 'P(agreement) = ' + fmt(f.p_agreement, 2)}));
    var rest = (paragraphs['Will they agree'] || '').replace(/^P\(agreement\) = [0-9.]+\.\s*/, '');
    if (rest) agree.appendChild(el('p', {text: rest}));
    point('Who blocks', paragraphs['Who blocks'] || '');
    point('What would change it', paragraphs['What would change it'] || '');
    point('When', paragraphs['When'] || '');
  })();

  /* ---- 1. scenario: actors × issues with citations ---- */
  (function () {
    var s = section('scenario', 'Scenario',
      'Position (salience) of every actor on every issue; "said" is the public position where it differs. ' +
      'Links cite the sources, whose texts are embedded at the end of the page.');
    if (S.description) s.appendChild(el('p', {'class': 'note', text: S.description}));
    var head = el('tr', null, [el('th', {text: 'actor'}), el('th', {text: 'capability'})]);
    S.issues.forEach(function (i) {
      head.appendChild(el('th', {title: (i.description || '') + ' scale ' + i.scale[0] + '–' + i.scale[1], text: i.name || i.id}));
    });
    var table = el('table', null, [el('thead', null, [head])]);
    var body = el('tbody');
    S.actors.forEach(function (a) {
      var row = el('tr', null, [el('td', {title: a.note || '', text: a.name + ' (' + a.role + ')'}),
                               el('td', {'class': 'num', text: fmt(a.capability, 1)})]);
      S.issues.forEach(function (i) {
        var st = a.stances[i.id];
        var td = el('td', {'class': 'stance'});
        if (st) {
          td.appendChild(document.createTextNode(fmt(st.position, 2)));
          td.appendChild(el('span', {'class': 'salience', text: ' (' + fmt(st.salience, 2) + ')'}));
          if (a.veto.indexOf(i.id) >= 0) td.appendChild(el('span', {'class': 'salience', title: 'this actor can veto a deal on the issue', text: ' veto'}));
          if (st.public !== undefined) td.appendChild(el('div', {'class': 'public', text: 'said ' + fmt(st.public, 2)}));
          (st.cite || []).forEach(function (c) {
            td.appendChild(el('a', {'class': 'cite', href: '#source-' + c, title: st.quote || st.note || c, text: '[' + c + ']'}));
          });
          if (st.note) td.title = st.note;
        } else td.textContent = '—';
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    s.appendChild(el('div', {'class': 'scroll'}, [table]));
  })();

  /* ---- 2. forecasts across models ---- */
  var models = D.models;
  (function () {
    var s = section('forecasts', 'Forecasts by model', 'The forecast of every model per issue (the `entente compare` table).');
    if (!models.length) return gap(s, 'No model results in this report.');
    var head = el('tr', null, [el('th', {text: 'issue'}), el('th', {text: 'scale'})]);
    models.forEach(function (m) { head.appendChild(el('th', {text: m.model})); });
    var body = el('tbody');
    var rows = [];
    S.issues.forEach(function (i) {
      var tr = el('tr', null, [el('td', {text: i.id}), el('td', {text: i.scale[0] + '–' + i.scale[1]})]);
      models.forEach(function (m) {
        var r = m.issues.filter(function (x) { return x.id === i.id; })[0];
        tr.appendChild(el('td', {'class': 'num', title: r ? r.stop_reason + (r.nearest_label ? ' · ' + r.nearest_label : '') : '',
                                 text: r ? fmt(r.forecast, 2) : '-'}));
        if (r && typeof r.forecast === 'number')
          rows.push({issue: i.id, model: m.model, forecast: r.forecast, label: r.nearest_label || '',
                     share: (r.forecast - i.scale[0]) / (i.scale[1] - i.scale[0])});
      });
      body.appendChild(tr);
    });
    s.appendChild(el('div', {'class': 'scroll'}, [el('table', null, [el('thead', null, [head]), body])]));
    chart(s, 'forecasts', 'Forecast as a share of each issue\'s scale', Charts.forecasts(rows, width(760)));
  })();

  /* ---- why did an actor move: from the model extras and the story ---- */
  function scalarSummary(o) {
    return Object.keys(o).filter(function (k) { return o[k] === null || typeof o[k] !== 'object'; })
      .map(function (k) { return k + ' ' + (typeof o[k] === 'number' ? fmt(o[k], 3) : o[k]); }).join(', ');
  }
  /* Walks any extra tree; objects naming an `actor` explain that actor's move in the round of
   * their context (a `round` field or the round the extra belongs to) on the issue of their
   * context or the issues they name (exchange sides name supply and demand issues). */
  function collectWhy(model) {
    var why = {};
    function add(actor, round, issue, text) {
      var key = issue + '|' + round + '|' + actor;
      (why[key] = why[key] || []).push(text);
    }
    function walk(node, round, issue, label) {
      if (Array.isArray(node)) return node.forEach(function (x) { walk(x, round, issue, label); });
      if (!node || typeof node !== 'object') return;
      if (typeof node.round === 'number') round = node.round;
      /* An executed exchange: each side moves on the issue it supplies, in return for the other's move. */
      if (node.i && node.j && typeof node.i.actor === 'string' && typeof node.j.actor === 'string' && round !== null) {
        [[node.i, node.j], [node.j, node.i]].forEach(function (pair) {
          var me = pair[0], other = pair[1];
          add(me.actor, round, me.supply_issue,
              'exchange with ' + actorName(other.actor) + ': moves on ' + me.supply_issue + ' from ' + fmt(me.x, 1) + ' to ' +
              fmt(me.y, 1) + ' (0–100 scale) in return for its move on ' + me.demand_issue + (typeof node.gain === 'number' ? '; gain ' + fmt(node.gain, 3) : ''));
        });
        return;
      }
      if (typeof node.actor === 'string' && round !== null) {
        var issues = [node.supply_issue, node.demand_issue, issue].filter(function (x) { return typeof x === 'string'; });
        var text = (node.type ? node.type + (node.with ? ' with ' + actorName(node.with) : '') + ': ' : label + ': ') + scalarSummary(node);
        issues.forEach(function (i) { add(node.actor, round, i, text); });
      }
      Object.keys(node).forEach(function (k) {
        if (node[k] && typeof node[k] === 'object' && k !== 'quadrant') walk(node[k], round, issue, k);
      });
    }
    /* The run JSON merges each level's extra into that level's object: take what is not shared. */
    function extraOf(object, shared) {
      var extra = {};
      Object.keys(object).forEach(function (k) { if (shared.indexOf(k) < 0) extra[k] = object[k]; });
      return extra;
    }
    model.issues.forEach(function (ir) {
      walk(extraOf(ir, ['id', 'forecast', 'stop_reason', 'nearest_label', 'rounds', 'quadrant']), null, ir.id, 'move');
      ir.rounds.forEach(function (r) { walk(extraOf(r, ['round', 'positions', 'mean', 'median']), r.round, ir.id, 'move'); });
    });
    walk(extraOf(model, ['entente', 'scenario', 'model', 'params', 'issues', 'story', 'war']), null, null, 'exchange');
    smpMovesFromSpaces(model, add);
    (model.story || []).forEach(function (line) {
      S.actors.forEach(function (a) {
        if (line.text.indexOf(a.id) >= 0 || line.text.indexOf(a.name) >= 0)
          (line.issue ? [line.issue] : S.issues.map(function (i) { return i.id; })).forEach(function (i) {
            var key = i + '|' + line.round + '|' + a.id;
            if (!why[key] || why[key].indexOf(line.text) < 0) (why[key] = why[key] || []).push(line.text);
          });
      });
    });
    return why;
  }

  /* The smp model's moves of a run without per-issue `moves` (trace=summary keeps only the
   * per-space record): each actor whose queue a bargain won moved by it; the bargain names the
   * initiator and the receiver, the issues' rounds give where the actor was and where it went.
   * The text is the one a trace=full run's `moves` give (the same fields in the same order). */
  function smpMovesFromSpaces(model, add) {
    var byId = {};
    model.issues.forEach(function (ir) { byId[ir.id] = ir; });
    function positionsAt(ir, round) {
      var r = ir.rounds.filter(function (x) { return x.round === round; })[0];
      return r ? r.positions : null;
    }
    (Array.isArray(model.spaces) ? model.spaces : []).forEach(function (space) {
      var issues = (space.issues || []).map(function (id) { return byId[id]; }).filter(Boolean);
      /* a trace=full run carries the moves itself */
      var recorded = issues.some(function (ir) { return ir.rounds.some(function (r) { return Array.isArray(r.moves); }); });
      if (recorded || !issues.length) return;
      (space.rounds || []).forEach(function (r) {
        if (typeof r.round !== 'number' || r.round < 1 || !r.queue_winners || !Array.isArray(r.bargains)) return;
        var bargains = {};
        r.bargains.forEach(function (b) { bargains[b.id] = b; });
        Object.keys(r.queue_winners).forEach(function (actor) {
          var qw = r.queue_winners[actor], b = bargains[qw.bargain];
          if (typeof qw.bargain !== 'number' || !b) return;
          var initiated = b.initiator === actor;
          issues.forEach(function (ir) {
            var before = positionsAt(ir, r.round - 1), after = positionsAt(ir, r.round);
            if (!before || !after || typeof before[actor] !== 'number' || typeof after[actor] !== 'number') return;
            var move = {actor: actor, type: initiated ? 'its challenge accepted' : 'accepted a challenge',
                        'with': initiated ? b.receiver : b.initiator, bargain: qw.bargain,
                        from: before[actor], to: after[actor],
                        initiator_win_probability: b.initiator_win_probability,
                        queue_probability: qw.probability};
            add(actor, r.round, ir.id, move.type + ' with ' + actorName(move['with']) + ': ' + scalarSummary(move));
          });
        });
      });
    });
  }

  /* A short digest (32-bit FNV-1a, hex) of a chart's hover texts in order: the browser test
   * compares a trace=summary run's explanations with a trace=full run's through it. */
  function whyDigest(rows) {
    var h = 0x811c9dc5;
    rows.forEach(function (row) {
      var text = row.actor + '|' + row.round + '|' + row.why + '\n';
      for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    });
    return ('0000000' + h.toString(16)).slice(-8);
  }

  /* The model a link asks the trajectories to show first (PAGE#trajectories=MODEL), else
   * `fallback`. */
  function linkedModel(models, fallback) {
    var m = /(?:^#|&)trajectories=([A-Za-z0-9_-]+)/.exec(String(window.location.hash || ''));
    for (var k = 0; m && k < models.length; k++) if (models[k].model === m[1]) return k;
    return fallback;
  }

  /* ---- 3. trajectories ---- */
  (function () {
    var s = section('trajectories', 'Position trajectories',
      'Each actor\'s position round by round; hover a point for why the actor moved (the challenge, compromise or exchange the model recorded).');
    if (!models.length) return gap(s, 'No model results in this report.');
    var pick = el('select', {id: 'trajectory-model'});
    var preferred = 0;
    models.forEach(function (m, k) { pick.appendChild(el('option', {value: String(k), text: m.model})); if (m.model === 'eum') preferred = k; });
    preferred = linkedModel(models, preferred);
    pick.value = String(preferred);
    s.appendChild(el('label', {'class': 'pick'}, ['model ', pick]));
    var grid = el('div', {'class': 'grid'});
    s.appendChild(grid);
    function draw() {
      replaceCharts(grid);
      var m = models[Number(pick.value)];
      var why = collectWhy(m);
      m.issues.forEach(function (ir) {
        var issue = issueById[ir.id];
        var rows = [], explained = 0;
        ir.rounds.forEach(function (r) {
          Object.keys(r.positions).forEach(function (a) {
            var reasons = why[ir.id + '|' + r.round + '|' + a];
            if (reasons) explained++;
            rows.push({round: r.round, actor: actorName(a), position: r.positions[a],
                       why: reasons ? reasons.join(' · ') : (r.round === 0 ? 'starting position' : 'no recorded move')});
          });
        });
        /* data-explained: points with a recorded reason (the browser test checks eum has some). */
        var div = chart(grid, 'trajectory-' + ir.id, (issue.name || ir.id) + ' — ' + m.model, {
          width: width(440), height: 240,
          layer: [{
            data: {values: rows},
            mark: {type: 'line', point: true},
            encoding: {
              x: {field: 'round', type: 'quantitative', axis: {tickMinStep: 1}},
              y: {field: 'position', type: 'quantitative', scale: {domain: issue.scale}, axis: Charts.scaleAxis(issue, 'position')},
              color: actorColor,
              shape: Charts.actorShape(actorNames),
              tooltip: [{field: 'actor'}, {field: 'round'}, {field: 'position', format: '.3f'}, {field: 'why'}]
            }
          }, {
            data: {values: [{forecast: ir.forecast, text: 'forecast ' + fmt(ir.forecast, 2)}]},
            mark: {type: 'rule', strokeDash: [6, 4], color: '#333'},
            encoding: {y: {field: 'forecast', type: 'quantitative'}, tooltip: [{field: 'text'}]}
          }]
        });
        div.setAttribute('data-model', m.model);
        if (Charts.scaleNote(issue)) div.parentNode.appendChild(el('p', {'class': 'scale-note', text: 'scale: ' + Charts.scaleNote(issue)}));
        div.setAttribute('data-explained', String(explained));
        div.setAttribute('data-why-digest', whyDigest(rows));
      });
    }
    pick.addEventListener('change', draw);
    draw();
  })();

  /* ---- 4. effective power by position ---- */
  (function () {
    var s = section('power', 'Effective power by position',
      'Capability × salience of each actor stacked at its starting position on each issue; the dashed line is the first model\'s forecast.');
    var grid = el('div', {'class': 'grid'});
    s.appendChild(grid);
    S.issues.forEach(function (i) {
      var rows = [];
      S.actors.forEach(function (a) {
        var st = a.stances[i.id];
        if (st) rows.push({actor: a.name, position: Math.round(st.position * 1000) / 1000, power: a.capability * st.salience});
      });
      var layers = [{
        data: {values: rows},
        mark: {type: 'bar', width: 10},
        encoding: {
          x: {field: 'position', type: 'quantitative', scale: {domain: i.scale}},
          y: {field: 'power', type: 'quantitative', aggregate: 'sum', title: 'capability × salience', stack: 'zero'},
          color: actorColor,
          tooltip: [{field: 'actor'}, {field: 'position', format: '.3f'}, {field: 'power', format: '.2f'}]
        }
      }];
      var r = models.length && models[0].issues.filter(function (x) { return x.id === i.id; })[0];
      if (r && typeof r.forecast === 'number')
        layers.push({data: {values: [{forecast: r.forecast}]}, mark: {type: 'rule', strokeDash: [6, 4], color: '#333'},
                     encoding: {x: {field: 'forecast', type: 'quantitative'}}});
      var powerDiv = chart(grid, 'power-' + i.id, i.name || i.id, {width: width(420), height: 200, layer: layers});
      if (Charts.scaleNote(i)) powerDiv.parentNode.appendChild(el('p', {'class': 'scale-note', text: 'scale: ' + Charts.scaleNote(i)}));
    });
  })();

  /* ---- 5. EUM quadrant map ---- */
  (function () {
    var s = section('quadrant', 'EUM quadrant map',
      'How the chosen actor sees each other actor (expected utility model): x = its expected utility of challenging that actor, ' +
      'y = that actor\'s expected utility of challenging it. Top right: conflict; bottom right: the chosen actor prevails; ' +
      'top left: it gives in; bottom left: stalemate.');
    var eum = models.filter(function (m) { return m.issues.some(function (ir) { return ir.quadrant; }); })[0];
    if (!eum) return gap(s, 'No model in this report recorded quadrant data (the eum model does, when registered and run).');
    var issues = eum.issues.filter(function (ir) { return ir.quadrant; });
    var pickIssue = el('select', {id: 'quadrant-issue'}), pickActor = el('select', {id: 'quadrant-actor'});
    issues.forEach(function (ir, k) { pickIssue.appendChild(el('option', {value: String(k), text: ir.id})); });
    s.appendChild(el('label', {'class': 'pick'}, ['issue ', pickIssue]));
    s.appendChild(el('label', {'class': 'pick'}, ['actor ', pickActor]));
    var holder = el('div');
    s.appendChild(holder);
    function fillActors() {
      var keep = pickActor.value;
      while (pickActor.firstChild) pickActor.removeChild(pickActor.firstChild);
      Object.keys(issues[Number(pickIssue.value)].quadrant).forEach(function (a) { pickActor.appendChild(el('option', {value: a, text: actorName(a)})); });
      if (keep && issues[Number(pickIssue.value)].quadrant[keep]) pickActor.value = keep;
    }
    function draw() {
      replaceCharts(holder);
      var ir = issues[Number(pickIssue.value)];
      var row = ir.quadrant[pickActor.value] || {};
      var rows = Object.keys(row).map(function (j) { return {other: actorName(j), eu_self: row[j][0], eu_other: row[j][1]}; })
        .filter(function (p) { return typeof p.eu_self === 'number' && typeof p.eu_other === 'number'; });
      rows.forEach(function (p) { p.label = p.other; });
      chart(holder, 'quadrant', actorName(pickActor.value) + ' on ' + ir.id + ' (' + eum.model + ')',
            Charts.quadrant(rows, width(520), 380));
    }
    pickIssue.addEventListener('change', function () { fillActors(); draw(); });
    pickActor.addEventListener('change', draw);
    fillActors();
    draw();
  })();

  /* ---- analyses: Monte Carlo, sensitivity, war layer ---- */
  function analyses(kind) { return (D.analyses || []).filter(function (a) { return a.kind === kind; }); }

  (function () {
    var s = section('montecarlo', 'Monte Carlo distributions',
      'Forecasts over draws of the scenario\'s uncertain values: histogram per issue, with the point forecast (dashed) and the median (solid).');
    var list = analyses('montecarlo');
    if (!list.length) return gap(s, 'No Monte Carlo analysis in this report (entente report runs one unless --mc-draws 0; recorded `mc` runs carry theirs).');
    list.forEach(function (a, k) {
      var mc = a.data;
      s.appendChild(el('p', {'class': 'note', text: 'model ' + mc.model + ', ' + mc.draws + ' draws, seed ' + mc.seed + (mc.interrupted ? ' (interrupted)' : '')}));
      chart(s, 'montecarlo-' + k, null, Charts.montecarlo(mc, width(1100)));
    });
  })();

  (function () {
    var s = section('sensitivity', 'Sensitivity tornado',
      'Change of each forecast when one input is moved down (−δ) or up (+δ): the ten largest swings per issue.');
    var list = analyses('sensitivity');
    if (!list.length) return gap(s, 'No sensitivity analysis in this report (entente report runs one unless --no-sensitivity; recorded `sensitivity` runs carry theirs).');
    list.forEach(function (a, k) {
      var se = a.data;
      s.appendChild(el('p', {'class': 'note', text: 'model ' + se.model + ', δ = ' + se.delta + ' of each value\'s range; each row names the input first, then the actor'}));
      chart(s, 'sensitivity-' + k, null, Charts.sensitivity(se, width(1000), actorName));
    });
  })();

  (function () {
    /* Recorded `entente backtest` runs: accuracy against recorded outcomes (docs/validation.md). */
    var list = analyses('backtest');
    if (!list.length) return;
    var s = section('backtest', 'Backtest: accuracy on recorded outcomes',
      'Mean absolute error of each model on the issues with recorded outcomes, with 95% bootstrap intervals resampling scenarios, and the paired difference from the compromise model (negative: more accurate).');
    list.forEach(function (a) {
      var b = a.data;
      s.appendChild(el('p', {'class': 'note', text: b.issues.length + ' issues in ' + b.scenarios + ' scenarios; ' + b.resamples + ' resamples, seed ' + b.seed + '; default forecaster: ' + b['default']}));
      var head = el('tr', null, ['model', 'n', 'MAE', '95% CI', 'median', 'RMSE', 'within 10', 'vs compromise', '95% CI'].map(function (h) { return el('th', {text: h}); }));
      var rows = b.models.map(function (m) {
        var cells = [m.model + (m.model === b['default'] ? ' (default)' : ''), String(m.n), fmt(m.mae),
                     '[' + fmt(m.mae_ci95[0]) + ', ' + fmt(m.mae_ci95[1]) + ']', fmt(m.median_ae), fmt(m.rmse),
                     fmt(100 * m.within10, 1) + '%', m.model === 'compromise' ? '–' : fmt(m.diff_vs_compromise),
                     m.model === 'compromise' ? '–' : '[' + fmt(m.diff_ci95[0]) + ', ' + fmt(m.diff_ci95[1]) + ']'];
        return el('tr', null, cells.map(function (c) { return el('td', {text: c}); }));
      });
      s.appendChild(el('table', {'class': 'backtest'}, [el('thead', null, [head]), el('tbody', null, rows)]));
      if (b.fit) s.appendChild(el('p', {'class': 'note', text: 'fit (' + b.fit.folds + '-fold cross-validation grouped by scenario): cross-validated MAE ' + fmt(b.fit.cv_mae) + ' [' + fmt(b.fit.cv_mae_ci95[0]) + ', ' + fmt(b.fit.cv_mae_ci95[1]) + '], difference from compromise ' + fmt(b.fit.cv_diff_vs_compromise) + ' [' + fmt(b.fit.cv_diff_ci95[0]) + ', ' + fmt(b.fit.cv_diff_ci95[1]) + ']'}));
    });
  })();

  (function () {
    var s = section('war', 'War layer',
      'Probability that the settlement window is open, and that a deal is signed by each date, with the timeline\'s events (dashed; hover for what happened).');
    /* War-layer summaries: recorded `war` runs (analysis documents) and the war model's result extra. */
    var docs = analyses('war').map(function (a) { return {label: 'entente war', data: a.data}; });
    models.forEach(function (m) { if (m.war) docs.push({label: 'model ' + m.model, data: m.war}); });
    docs = docs.filter(function (d) { return d.data && Array.isArray(d.data.steps) && d.data.steps.length; });
    if (!docs.length) return gap(s, 'No war-layer results in this report (the scenario has no war: section, or the recorded run is not a war run).');
    var events = (S.war_events || []).map(function (e) {
      return {date: e.date, text: e.type + (e.actor ? ' · ' + actorName(e.actor) : '') + (e.issue ? ' · ' + e.issue : '') + (e.note ? ': ' + e.note : '')};
    });
    docs.forEach(function (d, k) {
      var w = d.data, rows = [];
      w.steps.forEach(function (p) {
        if (typeof p.p_window_open === 'number') rows.push({date: p.date, series: 'P(window open)', value: p.p_window_open});
        if (typeof p.p_deal_by === 'number') rows.push({date: p.date, series: 'P(deal by date)', value: p.p_deal_by});
      });
      if (w.deals && typeof w.deals.p_signed === 'number')
        s.appendChild(el('p', {'class': 'note', text: d.label + ': ' + w.runs + ' runs, seed ' + w.seed + '; P(deal signed by ' + w.end + ') = ' + fmt(w.deals.p_signed, 3)}));
      chart(s, 'war-' + k, d.label, Charts.war(rows, events, width(1000)));
      if (events.length) {
        var ol = el('ol', {'class': 'events'});
        events.forEach(function (e) { ol.appendChild(el('li', {text: e.date + ' ' + e.text})); });
        s.appendChild(el('details', null, [el('summary', {text: 'timeline events (numbered on the chart)'}), ol]));
      }
    });
  })();

  /* ---- story and sources ---- */
  (function () {
    var s = section('story', 'Story', 'What each model said round by round.');
    models.forEach(function (m) {
      if (!m.story || !m.story.length) return;
      var d = el('details', null, [el('summary', {text: m.model + ' (' + m.story.length + ' lines)'})]);
      var ul = el('ul', {'class': 'story'});
      m.story.forEach(function (line) { ul.appendChild(el('li', {text: 'round ' + line.round + (line.issue ? ' [' + line.issue + '] ' : ' ') + line.text})); });
      d.appendChild(ul);
      s.appendChild(d);
    });
  })();
  (function () {
    var s = section('sources', 'Sources', 'The texts the scenario cites, as read when the report (or the recorded run) was made.');
    if (!S.sources.length) return gap(s, 'The scenario lists no sources.');
    S.sources.forEach(function (src) {
      var meta = [src.outlet, src.author, src.date].filter(Boolean).join(' · ');
      var summary = el('summary', null, [el('b', {text: '[' + src.id + '] '}), src.title || src.file || '', meta ? ' — ' + meta : '']);
      var d = el('details', {'class': 'source', id: 'source-' + src.id}, [summary]);
      var url = safeUrl(src.url);
      if (url) d.appendChild(el('p', null, ['original: ', el('a', {href: url, rel: 'noopener noreferrer', text: src.url})]));
      else if (src.url) d.appendChild(el('p', null, ['original (not an http(s) address, not linked): ', src.url]));
      if (src.text !== null && src.text !== undefined) d.appendChild(el('pre', {text: src.text}));
      else d.appendChild(el('p', {'class': 'gap', text: 'text not available (file ' + (src.file || 'none') + ' could not be read)'}));
      s.appendChild(d);
    });
    /* A citation link opens its source. */
    function openTarget() {
      var id = decodeURIComponent(location.hash.slice(1));
      var t = id && document.getElementById(id);
      if (t && t.tagName === 'DETAILS') t.open = true;
      /* The page is built after the browser's own jump to the #fragment: jump again. */
      if (t) t.scrollIntoView();
    }
    window.addEventListener('hashchange', openTarget);
    openTarget();
  })();

  /* Sections other page scripts register (web/smp.js), built with these helpers. */
  (window.ententeSections || []).forEach(function (build) {
    build({D: D, S: S, el: el, fmt: fmt, section: section, gap: gap, chart: chart,
           actorName: actorName, actorById: function (id) { return actorById[id]; }, actorColor: actorColor});
  });

  started = true;
  if (pending === 0 && errors.length === 0) document.body.setAttribute('data-status', 'ready');
})();
