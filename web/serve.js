/*
 * serve.js — the workbench page of `entente serve` (docs/serve.md): the open scenario as a
 * spreadsheet-like table (issues; actors × capability, role, veto, patrons and, per issue,
 * position, public stance and salience, with uncertainty bands written "45 [30–60]"), pasting a
 * block from a spreadsheet, validation as you type shown on the cell, runs of any command with
 * progress and cancel, the answer and the report's charts (web/charts.js), a base case kept
 * side by side with the latest run, and save.
 *
 * Everything from the scenario or an answer is set as text (textContent, input values), never
 * parsed as markup; the page talks only to its own server, with the token from its address.
 */
(function () {
  'use strict';
  var C = window.ententeCharts;
  var token = new URLSearchParams(location.search).get('token') || '';
  var doc = null, name = '', validateTimer = null, lastMessages = [];
  /* Bumped by every edit: an answer to an older validation (still in flight when the user edited
   * again) must not mark the newer document validated with the older document's messages. */
  var validateGeneration = 0;
  var base = null, latest = null, runId = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(x, d) { return typeof x === 'number' && isFinite(x) ? x.toFixed(d === undefined ? 2 : d) : 'n/a'; }
  function noteError(message) {
    var list = document.getElementById('entente-errors');
    list.appendChild(el('li', {text: String(message)}));
  }
  window.addEventListener('error', function (e) { noteError('script error: ' + e.message); document.body.setAttribute('data-status', 'error'); });
  document.addEventListener('securitypolicyviolation', function (e) { noteError('blocked by the page\'s policy: ' + e.violatedDirective); });

  function api(method, path, body) {
    var init = {method: method, headers: {'X-Entente-Token': token}};
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = JSON.parse(t); } catch (e) { data = {error: t}; }
        return {status: r.status, data: data};
      });
    });
  }

  /* ---- JSON pointers into the document ---- */
  function ptr(parts) { return '/' + parts.map(function (p) { return String(p).replace(/~/g, '~0').replace(/\//g, '~1'); }).join('/'); }

  /* A value as a cell's text: numbers; {value, low, high} as "v [low–high]"; lists joined. */
  function cellText(v) {
    if (v === undefined || v === null) return '';
    if (typeof v === 'object' && !Array.isArray(v) && 'value' in v) {
      var t = String(v.value);
      if ('low' in v || 'high' in v) t += ' [' + (v.low !== undefined ? v.low : '') + '–' + (v.high !== undefined ? v.high : '') + ']';
      return t;
    }
    if (Array.isArray(v)) return v.join(', ');
    return String(v);
  }
  /* The inverse: keeps a band's other fields (mode, distribution...) and the old value's kind. */
  function parseCell(text, old, kind) {
    text = text.trim();
    if (kind === 'list') {
      if (text === '' ) return undefined;
      if (text === 'true' || text === 'false') return text === 'true';
      return text.split(/\s*,\s*/).filter(function (x) { return x; });
    }
    if (kind === 'text') return text === '' ? undefined : text;
    if (text === '') return undefined;
    var m = /^(\S+)\s*\[\s*([^\]–-]*?)\s*[–-]\s*([^\]]*?)\s*\]$/.exec(text);
    var num = function (s) { return /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : s; };
    if (m) {
      var band = (old && typeof old === 'object' && !Array.isArray(old)) ? JSON.parse(JSON.stringify(old)) : {};
      band.value = num(m[1]);
      if (m[2] !== '') band.low = num(m[2]); else delete band.low;
      if (m[3] !== '') band.high = num(m[3]); else delete band.high;
      return band;
    }
    if (old && typeof old === 'object' && !Array.isArray(old) && 'value' in old) {
      var copy = JSON.parse(JSON.stringify(old));
      copy.value = num(text);
      delete copy.low;
      delete copy.high;
      return copy;
    }
    return num(text);
  }

  /* ---- the tables ---- */
  var cells = []; /* grid of inputs for paste: cells[row][col] */
  /* The actors table shows ACTOR_PAGE rows at a time (a scenario of a thousand actors would
   * otherwise be some 30,000 inputs, and every edit would lay all of them out again); the pager
   * above it moves between pages or finds an actor. Pasted blocks and messages reach every row. */
  var ACTOR_PAGE = 100, actorPage = 0;
  function input(path, value, kind, row, col, grid, setter) {
    var box = el('input', {type: 'text', 'data-path': path, 'aria-label': path, value: cellText(value)});
    box.value = cellText(value);
    box.addEventListener('input', function () { setter(parseCell(box.value, value, kind)); value = getAt(path); scheduleValidate(); });
    box.addEventListener('paste', function (e) {
      var text = (e.clipboardData || window.clipboardData).getData('text');
      if (text.indexOf('\t') < 0 && text.indexOf('\n') < 0) return;
      e.preventDefault();
      pasteBlock(grid, row, col, text);
    });
    (grid[row] = grid[row] || [])[col] = box;
    var td = el('td', {'class': 'cell', 'data-path': path}, [box]);
    return td;
  }
  /* A block copied from a spreadsheet (tab-separated lines) fills the cells from this one on.
   * In the actors table the rows below the page shown are filled too (actorCell), as if the
   * whole table were on the screen. */
  function pasteBlock(grid, row, col, text) {
    var offPage = false;
    text.replace(/\r/g, '').replace(/\n$/, '').split('\n').forEach(function (line, r) {
      line.split('\t').forEach(function (value, c) {
        var box = grid[row + r] && grid[row + r][col + c];
        if (!box) {
          var spot = grid === cells ? actorCell(row + r, col + c) : null;
          if (!spot) return;
          spot.set(parseCell(value, getAt(spot.path), spot.kind));
          offPage = true;
          return;
        }
        box.value = value;
        box.dispatchEvent(new Event('input'));
      });
    });
    if (offPage) scheduleValidate();
  }
  function getAt(path) {
    var node = doc;
    path.split('/').slice(1).forEach(function (p) { p = p.replace(/~1/g, '/').replace(/~0/g, '~'); node = node === undefined || node === null ? undefined : node[p]; });
    return node;
  }
  function setIn(object, key, value) {
    if (value === undefined) delete object[key];
    else object[key] = value;
  }

  /* The actors table's columns: the actor's own fields, then per issue its position, public
   * stance, salience and sources. Each knows its JSON pointer, how to read and write it and how
   * its text is parsed, so a pasted block can fill rows that are not on the page. */
  function actorColumns(issues) {
    var own = [['id', 'text'], ['name', 'text'], ['role', 'text'], ['capability', 'number'], ['veto', 'list'], ['patron_of', 'list']];
    var columns = own.map(function (f) {
      return {field: f[0], kind: f[1],
              path: function (r) { return ['actors', r, f[0]]; },
              get: function (a) { return a[f[0]]; },
              set: function (a, v) { setIn(a, f[0], f[0] === 'patron_of' && Array.isArray(v) && v.length === 1 ? v[0] : v); }};
    });
    issues.forEach(function (is) {
      ['position', 'public', 'salience', 'cite'].forEach(function (f) {
        columns.push({field: f, issue: is.id, kind: f === 'cite' ? 'list' : 'number',
                      path: function (r) { return ['actors', r, 'positions', is.id, f]; },
                      get: function (a) { return a.positions && a.positions[is.id] ? a.positions[is.id][f] : undefined; },
                      set: function (a, v) {
                        a.positions = a.positions || {};
                        if (!a.positions[is.id]) {
                          if (v === undefined) return;
                          a.positions[is.id] = {};
                        }
                        setIn(a.positions[is.id], f, v);
                      }});
      });
    });
    return columns;
  }
  /* Row `row`, column `col` of the actors table whether or not its page is shown: its pointer,
   * kind and a setter; null outside the table. */
  function actorCell(row, col) {
    var actors = doc.actors || [], columns = actorColumns(doc.issues || []);
    if (row < 0 || row >= actors.length || col < 0 || col >= columns.length) return null;
    var column = columns[col], a = actors[row];
    return {path: ptr(column.path(row)), kind: column.kind, set: function (v) { column.set(a, v); }};
  }
  /* Shows the page holding actor row `row`. */
  function showActorRow(row) {
    var page = Math.floor(row / ACTOR_PAGE);
    if (page === actorPage) return;
    actorPage = page;
    drawTables();
  }
  function pager(actors, from, to, pages) {
    var prev = el('button', {type: 'button', id: 'actors-prev', text: '‹ previous'});
    var next = el('button', {type: 'button', id: 'actors-next', text: 'next ›'});
    prev.disabled = actorPage === 0;
    next.disabled = actorPage >= pages - 1;
    prev.addEventListener('click', function () { actorPage--; drawTables(); });
    next.addEventListener('click', function () { actorPage++; drawTables(); });
    var find = el('input', {type: 'text', id: 'actors-find', placeholder: 'find an actor (id or name)', size: '24'});
    var said = el('span', {id: 'actors-found'});
    find.addEventListener('change', function () {
      var q = find.value.trim().toLowerCase();
      if (!q) return;
      var hit = -1;
      actors.forEach(function (a, r) { if (hit < 0 && String(a.id).toLowerCase() === q) hit = r; });
      actors.forEach(function (a, r) {
        if (hit < 0 && (String(a.id).toLowerCase().indexOf(q) >= 0 || String(a.name || '').toLowerCase().indexOf(q) >= 0)) hit = r;
      });
      if (hit < 0) { said.textContent = 'no actor matches "' + find.value.trim() + '"'; return; }
      showActorRow(hit);
      var box = document.querySelector('td.cell[data-path="' + CSS.escape(ptr(['actors', hit, 'id'])) + '"] input');
      if (box) box.focus();
    });
    return el('p', {id: 'actors-pager', 'data-page': String(actorPage + 1), 'data-pages': String(pages)},
              [prev, ' ', el('span', {id: 'actors-range', text: 'actors ' + (from + 1) + '–' + to + ' of ' + actors.length}), ' ', next, ' ', find, ' ', said]);
  }

  function drawTables() {
    var holder = document.getElementById('tables');
    clear(holder);
    cells = [];
    var issues = doc.issues || [], actors = doc.actors || [];
    holder.appendChild(el('h2', {text: 'Issues'}));
    var ih = el('tr', null, ['id', 'name', 'scale min', 'scale max', 'status quo', 'what the scale means (one "point = text" a line)', ''].map(function (h) { return el('th', {text: h}); }));
    var ib = el('tbody');
    var igrid = [];
    issues.forEach(function (is, r) {
      var tr = el('tr', {'data-issue': String(is.id)});
      var idCell = input(ptr(['issues', r, 'id']), is.id, 'text', r, 0, igrid, function (v) { setIn(is, 'id', v); });
      /* A new id, once typed, carries the actors' stances (and vetoes) on the issue with it. */
      var idWas = is.id;
      idCell.querySelector('input').addEventListener('change', function () {
        if (is.id !== undefined && idWas !== undefined && is.id !== idWas) { renameIssue(idWas, is.id); idWas = is.id; drawTables(); scheduleValidate(); }
      });
      tr.appendChild(idCell);
      tr.appendChild(input(ptr(['issues', r, 'name']), is.name, 'text', r, 1, igrid, function (v) { setIn(is, 'name', v); }));
      tr.appendChild(input(ptr(['issues', r, 'scale', 0]), (is.scale || [])[0], 'number', r, 2, igrid, function (v) { is.scale = is.scale || [0, 100]; is.scale[0] = v; }));
      tr.appendChild(input(ptr(['issues', r, 'scale', 1]), (is.scale || [])[1], 'number', r, 3, igrid, function (v) { is.scale = is.scale || [0, 100]; is.scale[1] = v; }));
      tr.appendChild(input(ptr(['issues', r, 'status_quo']), is.status_quo, 'number', r, 4, igrid, function (v) { setIn(is, 'status_quo', v); }));
      tr.appendChild(labelsCell(is, r));
      var remove = el('button', {type: 'button', 'class': 'remove-issue', title: 'remove this issue and every stance on it', text: 'remove'});
      remove.addEventListener('click', function () { removeIssue(r); });
      var up = el('button', {type: 'button', 'class': 'move-up', title: 'move this issue up (its column and stances go with it)', text: '↑'});
      var down = el('button', {type: 'button', 'class': 'move-down', title: 'move this issue down (its column and stances go with it)', text: '↓'});
      up.disabled = r === 0;
      down.disabled = r === issues.length - 1;
      up.addEventListener('click', function () { moveIssue(r, -1); });
      down.addEventListener('click', function () { moveIssue(r, 1); });
      tr.appendChild(el('td', {'class': 'issue-buttons'}, [up, down, remove]));
      ib.appendChild(tr);
    });
    holder.appendChild(el('div', {'class': 'scroll'}, [el('table', {id: 'issues-table'}, [el('thead', null, [ih]), ib])]));
    var add = el('button', {type: 'button', id: 'add-issue', text: 'add issue'});
    add.addEventListener('click', addIssue);
    holder.appendChild(add);

    holder.appendChild(el('h2', {text: 'Actors'}));
    holder.appendChild(el('p', {'class': 'note', text: 'Per issue: position, public stance (where it differs), salience and the sources cited (ids, comma-separated; hover for the quote). Uncertain values as "45 [30–60]" (value [low–high]). Veto: true, false or issue ids. Paste a block from a spreadsheet into any cell.'}));
    var h1 = el('tr', null, [el('th', {rowspan: '2', text: 'id'}), el('th', {rowspan: '2', text: 'name'}), el('th', {rowspan: '2', text: 'role'}),
                             el('th', {rowspan: '2', text: 'capability'}), el('th', {rowspan: '2', text: 'veto'}), el('th', {rowspan: '2', text: 'patron of'})]);
    var h2 = el('tr');
    issues.forEach(function (is) {
      h1.appendChild(el('th', {colspan: '4', title: C.scaleNote({labels: is.labels ? Object.keys(is.labels).map(function (k) { return {at: k, text: is.labels[k]}; }) : []}), text: is.id}));
      ['position', 'public', 'salience', 'cite'].forEach(function (f) { h2.appendChild(el('th', {'class': 'sub', text: f})); });
    });
    var body = el('tbody');
    var pages = Math.max(1, Math.ceil(actors.length / ACTOR_PAGE));
    if (actorPage >= pages) actorPage = pages - 1;
    var from = actorPage * ACTOR_PAGE, to = Math.min(actors.length, from + ACTOR_PAGE);
    if (actors.length > ACTOR_PAGE) holder.appendChild(pager(actors, from, to, pages));
    for (var r = from; r < to; r++) {
      var tr = el('tr', {'data-actor': String(actors[r].id)});
      actorColumns(issues).forEach(function (column, col) {
        var a = actors[r], row = r;
        var td = input(ptr(column.path(row)), column.get(a), column.kind, row, col, cells, function (v) { column.set(a, v); });
        if (column.issue !== undefined) {
          var st = a.positions && a.positions[column.issue];
          if (!st) td.classList.add('absent');
          if (column.field === 'cite' && st && (st.quote || st.note)) td.title = st.quote || st.note;
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    holder.appendChild(el('div', {'class': 'scroll'}, [el('table', {id: 'actors-table', 'class': 'grid-table'}, [el('thead', null, [h1, h2]), body])]));
    showMessages(lastMessages);
  }

  /* ---- issues: labels, add, remove, rename ---- */
  /* The scale's end labels (and any between) as lines "point = text"; an empty text removes the
   * labels field. Points are kept as numbers so the YAML is written as the CLI reads it. */
  function labelsText(labels) {
    return labels && typeof labels === 'object' ? Object.keys(labels).map(function (k) { return k + ' = ' + labels[k]; }).join('\n') : '';
  }
  function labelsCell(is, r) {
    var path = ptr(['issues', r, 'labels']);
    var box = el('textarea', {'data-path': path, 'aria-label': path, rows: String(Math.max(2, Object.keys(is.labels || {}).length)), cols: '40'});
    box.value = labelsText(is.labels);
    box.addEventListener('input', function () {
      var labels = {}, any = false;
      box.value.split('\n').forEach(function (line) {
        var at = line.indexOf('=');
        if (!line.trim()) return;
        var key = (at < 0 ? line : line.slice(0, at)).trim(), text = at < 0 ? '' : line.slice(at + 1).trim();
        labels[key] = text;
        any = true;
      });
      setIn(is, 'labels', any ? labels : undefined);
      scheduleValidate();
    });
    return el('td', {'class': 'cell scale-note', 'data-path': path}, [box]);
  }
  function freshIssueId() {
    var ids = {}, n = (doc.issues || []).length + 1;
    (doc.issues || []).forEach(function (is) { ids[is.id] = 1; });
    while (ids['issue' + n]) n++;
    return 'issue' + n;
  }
  function addIssue() {
    doc.issues = doc.issues || [];
    doc.issues.push({id: freshIssueId(), scale: [0, 100]});
    drawTables();
    scheduleValidate();
  }
  /* An object with key `from` renamed `to` in place of it (the order of the file is kept). */
  function renameKey(object, from, to) {
    var out = {};
    Object.keys(object).forEach(function (k) { out[k === from ? to : k] = object[k]; });
    return out;
  }
  function renameIssue(from, to) {
    (doc.actors || []).forEach(function (a) {
      if (a.positions && from in a.positions && !(to in a.positions)) a.positions = renameKey(a.positions, from, to);
      if (Array.isArray(a.veto)) a.veto = a.veto.map(function (x) { return x === from ? to : x; });
      else if (a.veto === from) a.veto = to;
    });
  }
  /* Moving an issue changes its place in the issues list (the order the file, the tables and the
   * answers show them in). Its stances, vetoes and labels are found by its id, so they follow;
   * the actors' positions keep their own order in the file. */
  function moveIssue(r, by) {
    var to = r + by;
    if (to < 0 || to >= doc.issues.length) return;
    var moved = doc.issues.splice(r, 1)[0];
    doc.issues.splice(to, 0, moved);
    drawTables();
    scheduleValidate();
  }
  /* Removing an issue removes the stances on it and its name from veto lists; anything else
   * that names it is left for validation to point at. */
  function removeIssue(r) {
    var gone = doc.issues[r].id;
    doc.issues.splice(r, 1);
    (doc.actors || []).forEach(function (a) {
      if (a.positions && gone in a.positions) delete a.positions[gone];
      if (Array.isArray(a.veto)) {
        a.veto = a.veto.filter(function (x) { return x !== gone; });
        if (!a.veto.length) delete a.veto;
      } else if (a.veto === gone) delete a.veto;
    });
    drawTables();
    scheduleValidate();
  }

  /* ---- validation on the cells ---- */
  function scheduleValidate() {
    validateGeneration++;
    document.body.setAttribute('data-validated', '0');
    clearTimeout(validateTimer);
    validateTimer = setTimeout(validate, 250);
  }
  function validate() {
    var generation = validateGeneration;
    return api('POST', '/api/validate', {document: doc}).then(function (r) {
      if (generation !== validateGeneration) return r.data.valid; /* stale: a newer one is due */
      lastMessages = r.data.messages || [];
      showMessages(lastMessages);
      document.body.setAttribute('data-validated', '1');
      return r.data.valid;
    });
  }
  function showMessages(messages) {
    Array.prototype.forEach.call(document.querySelectorAll('td.invalid'), function (td) {
      td.classList.remove('invalid');
      td.removeAttribute('title');
      var m = td.querySelector('.cell-message');
      if (m) td.removeChild(m);
    });
    var list = document.getElementById('messages');
    clear(list);
    var status = document.getElementById('validity');
    status.textContent = messages.length ? messages.length + ' problem' + (messages.length > 1 ? 's' : '') : 'valid';
    status.className = messages.length ? 'bad' : 'good';
    messages.forEach(function (m) {
      var where = m.path || '';
      var td = null;
      /* The deepest cell whose path is the message's path or contains it. */
      while (where !== null && !td) {
        td = document.querySelector('td.cell[data-path="' + CSS.escape(where) + '"]');
        if (!td) where = where.indexOf('/') >= 0 && where !== '' ? where.slice(0, where.lastIndexOf('/')) : null;
        if (where === '') where = null;
      }
      if (td) {
        td.classList.add('invalid');
        td.title = m.message;
        td.appendChild(el('div', {'class': 'cell-message', text: m.message}));
      }
      /* The place as the table shows it (the line of the YAML the table converts to means little here). */
      var li = el('li', {text: (m.path ? m.path.slice(1).replace(/\//g, ' › ') + ': ' : (m.line ? m.file + ':' + m.line + ':' + m.column + ': ' : '')) + m.message});
      /* An actor on another page of the table: a button that shows it. */
      var onRow = /^\/actors\/(\d+)(\/|$)/.exec(m.path || '');
      if (onRow && !td) {
        var show = el('button', {type: 'button', 'class': 'show-row', text: 'show'});
        show.addEventListener('click', function () { showActorRow(Number(onRow[1])); });
        li.appendChild(document.createTextNode(' '));
        li.appendChild(show);
      }
      list.appendChild(li);
    });
  }

  /* ---- runs ---- */
  function runOptions() {
    var cmd = document.getElementById('run-command').value, o = {};
    var model = document.getElementById('run-model').value;
    if (model && cmd !== 'forecast' && cmd !== 'compare' && cmd !== 'war' && cmd !== 'backtest') o.model = model;
    var draws = document.getElementById('run-draws').value.trim();
    if (draws && (cmd === 'forecast' || cmd === 'mc')) o.draws = Number(draws);
    if (cmd === 'war' && draws) o.runs = Number(draws);
    if (cmd === 'forecast') o['war-runs'] = 200;
    /* A run's round-by-round trace (bargains, queues) is not drawn here; for a scenario of more
     * than a page of actors it is most of the answer (36 of 43 MB for smp at 1,000 x 6), so the
     * page leaves it out there. */
    if (cmd === 'run' && doc && (doc.actors || []).length > ACTOR_PAGE) o.trace = 'none';
    var whatIf = document.getElementById('run-whatif').value.trim();
    if (whatIf && cmd === 'forecast') o['what-if'] = [whatIf];
    return {command: cmd, options: o};
  }
  function setRunning(on) {
    document.getElementById('run-button').disabled = on;
    document.getElementById('cancel-button').disabled = !on;
    document.body.setAttribute('data-run', on ? 'running' : 'idle');
  }
  function run() {
    var req = runOptions();
    req.scenario = doc;
    req.wait = false;
    setRunning(true);
    var progress = document.getElementById('progress');
    progress.textContent = 'starting ' + req.command + '…';
    api('POST', '/api/run', req).then(function (r) {
      if (r.status !== 202) { finishRun(req.command, r, undefined, req.options); return; }
      runId = r.data.id;
      (function poll() {
        api('GET', '/api/runs/' + runId).then(function (s) {
          var p = s.data;
          if (p.state === 'running') {
            progress.textContent = req.command + ' running ' + fmt(p.elapsed, 1) + ' s' + doneText(p.progress);
            showFraction(p.progress);
            setTimeout(poll, 300);
          } else {
            api('GET', '/api/runs/' + runId + '/result').then(function (res) { finishRun(req.command, res, p, req.options); });
          }
        });
      })();
    });
  }
  /* ' — 12 of 40 runs': what the run reports done (Monte Carlo draws, war runs, sensitivity
   * runs, models, model runs of a backtest); '' before its first report. */
  function doneText(pr) {
    return pr ? ' — ' + pr.done + ' of ' + pr.total + ' ' + (pr.unit || 'done') : '';
  }
  function showFraction(pr) {
    var bar = document.getElementById('progress-bar');
    bar.value = pr && pr.total ? pr.done / pr.total : 0;
    document.body.setAttribute('data-progress', pr ? pr.done + '/' + pr.total : '');
  }
  function cancel() { if (runId) api('POST', '/api/runs/' + runId + '/cancel'); }
  /* `status` is the run's last state (GET /api/runs/ID), undefined for an answer that came at once. */
  function finishRun(command, r, status, options) {
    setRunning(false);
    runId = null;
    var progress = document.getElementById('progress');
    if (r.status !== 200) {
      progress.textContent = command + ': ' + (r.data.error || ('error ' + r.status));
      if (r.data.messages) showMessages(r.data.messages.filter(function (m) { return m.path; }));
      if (!r.data.partial) return;
      r = {status: 200, data: r.data.partial};
    } else {
      progress.textContent = command + ' done' + (status ? ' in ' + fmt(status.elapsed, 1) + ' s' + doneText(status.progress) : '');
    }
    if (status) showFraction(status.progress);
    var result = {command: command, data: r.data, scenario: JSON.parse(JSON.stringify(doc)), options: options || {}};
    if (!base || base.command !== command) base = result;
    latest = result;
    drawResults();
  }

  /* ---- answers and charts ---- */
  var pending = 0;
  function chartInto(parent, nameOf, spec) {
    var div = el('div', {'class': 'chart', 'data-chart': nameOf});
    parent.appendChild(el('div', {'class': 'chart-box'}, [div]));
    pending++;
    document.body.setAttribute('data-charts', 'drawing');
    C.embed(div, spec, nameOf).then(function () {
      div.setAttribute('data-rendered', '1');
    }).catch(function (e) {
      div.setAttribute('data-error', String(e));
      noteError('chart ' + nameOf + ': ' + e);
    }).then(function () {
      if (--pending === 0) document.body.setAttribute('data-charts', 'ready');
    });
  }
  function issueIndex(scenario) {
    var byId = {};
    (scenario.issues || []).forEach(function (i) {
      byId[i.id] = {id: i.id, name: i.name || i.id, scale: i.scale || [0, 100],
                    labels: i.labels ? Object.keys(i.labels).map(function (k) { return {at: Number(k), text: i.labels[k]}; }) : []};
    });
    return byId;
  }
  function actorLabel(scenario) {
    return function (id) { return id; };
  }
  function drawOne(parent, result, tag) {
    var d = result.data, cmd = result.command, byId = issueIndex(result.scenario);
    var width = C.fitWidth(parent, 900);
    parent.appendChild(el('h3', {text: tag + ': ' + cmd + (d.model ? ' (' + d.model + ')' : '')}));
    if (cmd === 'forecast') {
      parent.appendChild(el('p', {'class': 'answer-p', 'data-answer': 'p_agreement', text: 'P(agreement) = ' + fmt(d.p_agreement, 2)}));
      var ul = el('ul', {'class': 'answer-deal'});
      d.issues.forEach(function (i) {
        ul.appendChild(el('li', {'data-issue': i.id}, [el('b', {text: (byId[i.id] ? byId[i.id].name : i.id) + ': '}), fmt(i.forecast, 1),
          i.label ? ' — “' + i.label + '”' : '', el('span', {'class': 'interval', text: ' (80%: ' + fmt(i.interval[0], 1) + '–' + fmt(i.interval[1], 1) + ')'})]));
      });
      parent.appendChild(ul);
      chartInto(parent, 'answer-' + tag, C.answer(d.issues, byId, width));
      if (d.summary) parent.appendChild(el('details', null, [el('summary', {text: 'in plain words'}), el('pre', {'class': 'summary', text: d.summary})]));
    } else if (cmd === 'run' || cmd === 'compare') {
      var runs = cmd === 'run' ? [d] : (d.models || d.runs || []);
      var rows = [];
      runs.forEach(function (m) {
        (m.issues || []).forEach(function (r) {
          var is = byId[r.id];
          if (is && typeof r.forecast === 'number')
            rows.push({issue: r.id, model: m.model || d.model, forecast: r.forecast, label: r.nearest_label || '',
                       share: (r.forecast - is.scale[0]) / (is.scale[1] - is.scale[0])});
        });
      });
      if (cmd === 'compare' && !rows.length && Array.isArray(d.issues)) {
        d.issues.forEach(function (r) {
          Object.keys(r.forecasts || {}).forEach(function (m) {
            var is = byId[r.id];
            var f = r.forecasts[m];
            if (is && typeof f === 'number') rows.push({issue: r.id, model: m, forecast: f, label: '', share: (f - is.scale[0]) / (is.scale[1] - is.scale[0])});
          });
        });
      }
      var t = el('table', {'class': 'result-table'}, [el('thead', null, [el('tr', null, [el('th', {text: 'issue'}), el('th', {text: 'model'}), el('th', {text: 'forecast'}), el('th', {text: 'nearest label'})])])]);
      var tb = el('tbody');
      rows.forEach(function (x) { tb.appendChild(el('tr', null, [el('td', {text: x.issue}), el('td', {text: x.model}), el('td', {'class': 'num', text: fmt(x.forecast, 2)}), el('td', {text: x.label})])); });
      t.appendChild(tb);
      parent.appendChild(el('div', {'class': 'scroll'}, [t]));
      chartInto(parent, 'forecasts-' + tag, C.forecasts(rows, width));
    } else if (cmd === 'mc') {
      parent.appendChild(el('p', {'class': 'note', text: d.draws + ' draws, seed ' + d.seed + (d.interrupted ? ' (interrupted: partial)' : '')}));
      chartInto(parent, 'montecarlo-' + tag, C.montecarlo(d, width));
    } else if (cmd === 'sensitivity') {
      chartInto(parent, 'sensitivity-' + tag, C.sensitivity(d, width, actorLabel(result.scenario)));
    } else if (cmd === 'war') {
      var rows2 = [];
      (d.steps || []).forEach(function (p) {
        if (typeof p.p_window_open === 'number') rows2.push({date: p.date, series: 'P(window open)', value: p.p_window_open});
        if (typeof p.p_deal_by === 'number') rows2.push({date: p.date, series: 'P(deal by date)', value: p.p_deal_by});
      });
      var events = ((result.scenario.war || {}).timeline || []).map(function (e) {
        return {date: String(e.date), text: [e.type, e.actor, e.issue].filter(Boolean).join(' · ') + (e.note ? ': ' + e.note : '')};
      });
      chartInto(parent, 'war-' + tag, C.war(rows2, events, width));
      var ol = el('ol', {'class': 'events'});
      events.forEach(function (e) { ol.appendChild(el('li', {text: e.date + ' ' + e.text})); });
      if (events.length) parent.appendChild(el('details', null, [el('summary', {text: 'timeline events (numbered on the chart)'}), ol]));
    } else if (cmd === 'backtest') {
      var bt = el('table', {'class': 'result-table'}, [el('thead', null, [el('tr', null, ['model', 'n', 'MAE', 'RMSE'].map(function (h) { return el('th', {text: h}); }))])]);
      var bb = el('tbody');
      (d.models || []).forEach(function (m) { bb.appendChild(el('tr', null, [el('td', {text: m.model}), el('td', {text: String(m.n)}), el('td', {text: fmt(m.mae)}), el('td', {text: fmt(m.rmse)})])); });
      bt.appendChild(bb);
      parent.appendChild(bt);
    }
    parent.appendChild(jsonDetails(d, cmd, result.options));
  }
  /* The answer's JSON, written out only when the reader opens it: a large run's answer is tens of
   * megabytes, and laying that text out would hold the page for seconds after every run. Past
   * JSON_SHOWN characters the page shows the beginning and offers the whole as a download. */
  var JSON_SHOWN = 1000000;
  function jsonDetails(d, cmd, options) {
    var pre = el('pre', {'class': 'json'});
    var args = Object.keys(options || {}).map(function (k) {
      var v = options[k];
      return (Array.isArray(v) ? v : [v]).map(function (x) { return '--' + k + (x === true ? '' : ' ' + x); }).join(' ');
    }).join(' ');
    var box = el('details', {'class': 'answer-json'}, [el('summary', {text: 'JSON (as `entente ' + cmd + (args ? ' ' + args : '') + ' --format json` prints it)'}), pre]);
    box.addEventListener('toggle', function () {
      if (!box.open || box.getAttribute('data-filled')) return;
      var text = JSON.stringify(d, null, 1);
      box.setAttribute('data-filled', '1');
      if (text.length <= JSON_SHOWN) { pre.textContent = text; return; }
      pre.textContent = text.slice(0, JSON_SHOWN) + '\n…';
      var url = URL.createObjectURL(new Blob([text], {type: 'application/json'}));
      box.insertBefore(el('p', {'class': 'note'}, ['the first ' + JSON_SHOWN.toLocaleString('en') + ' of ' + text.length.toLocaleString('en') + ' characters; ',
                                                   el('a', {href: url, download: cmd + '.json', text: 'download the whole answer'})]), pre);
    });
    return box;
  }
  function drawResults() {
    var holder = document.getElementById('result');
    clear(holder);
    pending = 0;
    var side = base && latest && base !== latest;
    holder.className = side ? 'side-by-side' : '';
    if (side) {
      var left = el('div', {'class': 'result-col', id: 'result-base'}), right = el('div', {'class': 'result-col', id: 'result-latest'});
      holder.appendChild(left);
      holder.appendChild(right);
      drawOne(left, base, 'base');
      drawOne(right, latest, 'what-if');
    } else if (latest) {
      var only = el('div', {'class': 'result-col', id: 'result-latest'});
      holder.appendChild(only);
      drawOne(only, latest, 'latest');
    }
    document.body.setAttribute('data-result', latest ? latest.command : '');
  }

  /* ---- open and save ---- */
  function load(data) {
    doc = data.document;
    name = data.name;
    lastMessages = (data.validation && data.validation.messages) || [];
    document.getElementById('title').textContent = (doc && doc.title) || name;
    document.getElementById('subtitle').textContent = name + ' · entente workbench';
    document.title = 'entente — ' + ((doc && doc.title) || name);
    base = latest = null;
    actorPage = 0;
    drawTables();
    drawResults();
    document.body.setAttribute('data-opened', name);
  }
  function save() {
    api('POST', '/api/save', {document: doc}).then(function (r) {
      var out = document.getElementById('save-status');
      clear(out);
      if (r.status !== 200) {
        out.textContent = 'not saved: ' + (r.data.error || (r.data.messages || []).map(function (m) { return m.message; }).join('; '));
        if (r.data.messages) showMessages(r.data.messages);
        return;
      }
      var url = URL.createObjectURL(new Blob([r.data.yaml], {type: 'application/yaml'}));
      out.appendChild(document.createTextNode(r.data.saved_to ? 'saved to ' + r.data.saved_to + ' · ' : 'saved · '));
      out.appendChild(el('a', {href: url, download: r.data.name, text: 'download ' + r.data.name}));
      document.body.setAttribute('data-saved', '1');
    });
  }
  function openFile(file) {
    var reader = new FileReader();
    reader.onload = function () {
      api('POST', '/api/open', {text: String(reader.result), name: file.name}).then(function (r) {
        if (r.status === 200) load(r.data);
        else showMessages(r.data.messages || [{message: r.data.error}]);
      });
    };
    reader.readAsText(file);
  }

  /* ---- the page ---- */
  function build() {
    var main = document.getElementById('workbench');
    var commands = ['forecast', 'run', 'compare', 'mc', 'sensitivity', 'war', 'backtest'];
    var pick = el('select', {id: 'run-command'}, commands.map(function (c) { return el('option', {value: c, text: c}); }));
    var models = el('select', {id: 'run-model'}, [el('option', {value: '', text: '(default model)'})]);
    api('GET', '/api/models').then(function (r) {
      (r.data.models || []).forEach(function (m) { models.appendChild(el('option', {value: m.name, title: m.description, text: m.name})); });
    });
    var recorded = el('select', {id: 'open-run'}, [el('option', {value: '', text: 'a recorded run…'})]);
    function listRecorded() {
      api('GET', '/api/recorded').then(function (r) {
        if (r.status !== 200 || !r.data.store) { recorded.style.display = 'none'; return; }
        while (recorded.options.length > 1) recorded.remove(1);
        (r.data.runs || []).forEach(function (x) { recorded.appendChild(el('option', {value: String(x.id), text: x.id + ' ' + x.line})); });
      });
    }
    listRecorded();
    recorded.addEventListener('focus', listRecorded);
    recorded.addEventListener('change', function () {
      if (!recorded.value) return;
      api('POST', '/api/open', {run: Number(recorded.value)}).then(function (r) {
        if (r.status === 200) load(r.data);
        else showMessages(r.data.messages || [{message: r.data.error}]);
      });
    });
    var bar = el('progress', {id: 'progress-bar', max: '1', value: '0'});
    var toolbar = el('section', {id: 'toolbar'}, [
      el('label', {'class': 'pick'}, ['open ', el('input', {type: 'file', id: 'open-file', accept: '.yaml,.yml,.csv,.txt,.xml,.tsv'})]),
      recorded,
      el('span', {id: 'validity', text: ''}),
      el('button', {id: 'save-button', type: 'button', text: 'Save'}),
      el('span', {id: 'save-status'})
    ]);
    var runbar = el('section', {id: 'runbar'}, [
      el('label', {'class': 'pick'}, ['command ', pick]),
      el('label', {'class': 'pick'}, ['model ', models]),
      el('label', {'class': 'pick'}, ['draws ', el('input', {type: 'text', id: 'run-draws', value: '1000', size: '7'})]),
      el('label', {'class': 'pick'}, ['what-if ', el('input', {type: 'text', id: 'run-whatif', placeholder: 'UKR.talks.public=50', size: '22'})]),
      el('button', {id: 'run-button', type: 'button', text: 'Run'}),
      el('button', {id: 'cancel-button', type: 'button', text: 'Cancel', disabled: 'disabled'}),
      el('button', {id: 'base-button', type: 'button', text: 'Use latest as base'}),
      bar, el('span', {id: 'progress'})
    ]);
    main.insertBefore(toolbar, main.firstChild);
    main.appendChild(runbar);
    main.appendChild(el('section', {id: 'result-section'}, [el('h2', {text: 'Answer'}), el('div', {id: 'result'})]));
    main.appendChild(el('section', {id: 'scenario-section'}, [el('div', {id: 'tables'}), el('h3', {text: 'Problems'}), el('ul', {id: 'messages'})]));
    document.getElementById('run-button').addEventListener('click', run);
    document.getElementById('cancel-button').addEventListener('click', cancel);
    document.getElementById('save-button').addEventListener('click', save);
    document.getElementById('base-button').addEventListener('click', function () { if (latest) { base = latest; drawResults(); } });
    document.getElementById('open-file').addEventListener('change', function (e) { if (e.target.files[0]) openFile(e.target.files[0]); });
  }

  build();
  if (!token) {
    document.getElementById('progress').textContent = 'This page needs the address `entente serve` printed (with its token).';
    document.body.setAttribute('data-status', 'error');
    return;
  }
  api('GET', '/api/scenario').then(function (r) {
    if (r.status !== 200) throw new Error(r.data.error || ('GET /api/scenario: ' + r.status));
    load(r.data);
    document.body.setAttribute('data-status', 'ready');
  }).catch(function (e) {
    noteError(String(e));
    document.body.setAttribute('data-status', 'error');
  });
})();
