/*
 * smp.js — the report's section for runs of the spatial model of politics (model `smp`):
 * positions by turn per dimension, the effective-power landscape of each dimension (the
 * probability of winning of positions across the range, first and last turn, with the actors'
 * effective power at their positions) and a multi-dimensional view (pairs of dimensions as a
 * scatter by turn). docs/models/smp.md ("Report") defines the landscape.
 *
 * It only registers a builder in window.ententeSections; web/report.js (loaded after it) calls
 * the builder with its helpers (section, chart, el, ...), so charts count towards the page's
 * ready/error status like every other chart. Names from the scenario are only ever chart data
 * or text, never markup.
 */
(function () {
  'use strict';
  var GRID = 41; /* landscape points per dimension */
  var MAX_TRAJECTORY_ACTORS = 40; /* beyond this, trajectories lose their legend */
  var MAX_POSITION_POINTS = 6000; /* beyond this, positions by turn are lines without points */
  var MAX_PAIRS = 6;
  var MAX_PAIR_POINTS = 6000; /* beyond this, pairs mark only the first and last turn */

  /* The probability that each of the grid points beats all the others (probabilistic Condorcet
   * election: proportional votes, linear victory odds, conditional product, as the model's
   * default), voters an actor each with weight w and utility 1 − |z − x| of grid point z. */
  function landscape(voters, grid) {
    var g = grid.length, C = [], i, j, k;
    for (i = 0; i < g; i++) C.push(new Float64Array(g));
    for (i = 0; i < g; i++) {
      for (j = 0; j < i; j++) {
        var pro = 1e-8, con = 1e-8;
        for (k = 0; k < voters.length; k++) {
          var v = voters[k].w * (Math.abs(grid[j] - voters[k].x) - Math.abs(grid[i] - voters[k].x));
          if (v > 0) pro += v; else con -= v;
        }
        C[i][j] = pro; C[j][i] = con;
      }
    }
    var p = [], total = 0;
    for (i = 0; i < g; i++) {
      var prod = 1;
      for (j = 0; j < g; j++) prod *= i === j ? 0.5 : C[i][j] / (C[i][j] + C[j][i]);
      p.push(prod);
      total += prod;
    }
    return p.map(function (x) { return total > 0 ? x / total : 0; });
  }

  /* How many of a cut run's actors the page draws, which, and where the whole record is. */
  function cutNote(R, s, cut, traced) {
    if (!Array.isArray(cut.actor_ids)) return;
    s.appendChild(R.el('p', {'class': 'note', id: 'smp-cut',
      text: 'This run has ' + cut.actors + ' actors; the page draws the positions by turn of ' + cut.drawn +
        ' of them (in every chart of this run, the position trajectories above included) and leaves out ' +
        (cut.actors - cut.drawn) + ': ' + cut.rule + ' (at most ' + cut.point_budget + ' positions by turn and ' +
        'dimension in all). ' + (traced ? 'The landscapes count every actor. ' : '') +
        'The whole run: entente run --model smp --format json' + (traced ? ', or entente trace' : '') +
        '. Drawn: ' + cut.actor_ids.map(R.actorName).join(', ') + '.'}));
  }

  function build(R) {
    var runs = (R.D.models || []).filter(function (m) { return m.model === 'smp' && Array.isArray(m.spaces) && m.spaces.length; });
    if (!runs.length) {
      /* A cut run without a trace (trace=none): no section, but the trajectories above still
       * draw only some of its actors, and the page says which. */
      var bare = (R.D.models || []).filter(function (m) { return m.model === 'smp' && m.report_cut; })[0];
      if (bare) cutNote(R, R.section('smp', 'Spatial bargaining (smp)',
        'The run recorded no trace (trace=none): no landscape and no pairs of dimensions.'), bare.report_cut, false);
      return;
    }
    var run = runs[0];
    var s = R.section('smp', 'Spatial bargaining (smp)',
      'KTAB\'s spatial model of politics: actors challenge each other, bargain and move turn by turn. ' +
      'Positions by turn per dimension; the effective-power landscape (how likely a position at each ' +
      'point of a dimension is to win, with the actors\' effective power where they stand); and pairs of ' +
      'dimensions as a scatter by turn.');
    /* A large run comes cut to a bounded number of actors (the entente binary chose them,
     * src/report/smp_view.c): say which and how many were left out. */
    if (run.report_cut) cutNote(R, s, run.report_cut, true);
    var issueRun = {};
    run.issues.forEach(function (ir) { issueRun[ir.id] = ir; });
    run.spaces.forEach(function (space, si) {
      var dims = space.issues.filter(function (id) { return issueRun[id] && R.S.issues.some(function (i) { return i.id === id; }); });
      if (!dims.length) return;
      var issueOf = {};
      R.S.issues.forEach(function (i) { issueOf[i.id] = i; });
      var label = function (id) { return issueOf[id].name || id; };
      var precision = issueRun[dims[0]].precision; /* which path ran (docs/models/smp.md, "Large-n path") */
      var path = precision === 'fast' ? ', large-n path (precision=fast, approximate)' : precision === 'exact' ? ', exact path' : '';
      s.appendChild(R.el('h3', {text: 'Space ' + space.space + ': ' + dims.length + ' dimension(s), stop turn ' + space.stop_turn + ' (' + space.stop_rule + ')' + path}));

      /* positions by turn per dimension */
      var rows = [], actors = {};
      dims.forEach(function (id) {
        issueRun[id].rounds.forEach(function (r) {
          Object.keys(r.positions).forEach(function (a) {
            actors[a] = 1;
            rows.push({dimension: label(id), round: r.round, actor: R.actorName(a), position: r.positions[a]});
          });
        });
      });
      var many = Object.keys(actors).length > MAX_TRAJECTORY_ACTORS;
      var dotted = !many && rows.length <= MAX_POSITION_POINTS;
      R.chart(s, 'smp-positions-' + si, 'Positions by turn, per dimension', {
        data: {values: rows},
        facet: {field: 'dimension', type: 'nominal', title: null, sort: dims.map(label)},
        columns: Math.min(3, dims.length),
        spec: {
          width: 260, height: 180,
          mark: {type: 'line', point: dotted, strokeWidth: many ? 0.6 : 1.5, opacity: many ? 0.5 : 1},
          encoding: {
            x: {field: 'round', type: 'quantitative', title: 'turn', axis: {tickMinStep: 1}},
            y: {field: 'position', type: 'quantitative', title: 'position'},
            color: many ? {value: '#4c78a8'} : R.actorColor,
            detail: {field: 'actor', type: 'nominal'},
            tooltip: [{field: 'actor'}, {field: 'round'}, {field: 'position', format: '.2f'}]
          }
        },
        resolve: {scale: {y: 'independent'}}
      });

      /* effective-power landscape: first and last turn */
      var first = 0, last = issueRun[dims[0]].rounds.length - 1;
      var land = [], standing = [];
      dims.forEach(function (id) {
        var issue = issueOf[id], lo = issue.scale[0], hi = issue.scale[1], span = hi - lo || 1;
        var grid = [];
        for (var g = 0; g < GRID; g++) grid.push(g / (GRID - 1));
        [first, last].forEach(function (t) {
          var r = issueRun[id].rounds[t], voters = [];
          /* A cut run carries every actor's effective power summed per bin of the grid, at
           * the bin's mean position: the same votes as every actor (docs/models/smp.md). */
          var binned = space.report_voters && space.report_voters[id] && space.report_voters[id][t === first ? 'first' : 'last'];
          if (binned) binned.forEach(function (v) { voters.push({x: (v.x - lo) / span, w: v.w}); });
          Object.keys(r.positions).forEach(function (a) {
            var actor = R.actorById(a);
            var st = actor && actor.stances && actor.stances[id];
            var total = 0;
            dims.forEach(function (k) { var x = actor && actor.stances && actor.stances[k]; if (x) total += x.salience; });
            var sal = st ? st.salience / (total > 1 ? total : 1) : 0;
            var w = (actor ? actor.capability : 0) * sal;
            if (!binned) voters.push({x: (r.positions[a] - lo) / span, w: w});
            if (t === last) standing.push({dimension: label(id), actor: R.actorName(a), position: r.positions[a], power: w});
          });
          var p = landscape(voters, grid);
          grid.forEach(function (z, g2) {
            land.push({dimension: label(id), turn: t === first ? 'turn 0' : 'turn ' + t, position: lo + z * span, probability: p[g2]});
          });
        });
      });
      R.chart(s, 'smp-landscape-' + si, 'Effective-power landscape: probability that a position wins, per dimension', {
        data: {values: land},
        facet: {field: 'dimension', type: 'nominal', title: null, sort: dims.map(label)},
        columns: Math.min(3, dims.length),
        spec: {
          width: 260, height: 160,
          mark: {type: 'line', interpolate: 'monotone'},
          encoding: {
            x: {field: 'position', type: 'quantitative', title: 'position'},
            y: {field: 'probability', type: 'quantitative', title: 'P(position wins)'},
            color: {field: 'turn', type: 'nominal', title: null},
            tooltip: [{field: 'turn'}, {field: 'position', format: '.1f'}, {field: 'probability', format: '.4f'}]
          }
        },
        resolve: {scale: {y: 'independent'}}
      });
      R.chart(s, 'smp-power-' + si, 'Actors\' effective power (capability × salience) at their positions, turn ' + last, {
        data: {values: standing},
        facet: {field: 'dimension', type: 'nominal', title: null, sort: dims.map(label)},
        columns: Math.min(3, dims.length),
        spec: {
          width: 260, height: 120,
          mark: {type: 'circle', opacity: 0.6},
          encoding: {
            x: {field: 'position', type: 'quantitative', title: 'position'},
            y: {field: 'power', type: 'quantitative', title: 'effective power'},
            color: many ? {value: '#4c78a8'} : R.actorColor,
            tooltip: [{field: 'actor'}, {field: 'position', format: '.2f'}, {field: 'power', format: '.3f'}]
          }
        },
        resolve: {scale: {y: 'independent'}}
      });

      /* pairs of dimensions, scatter by turn */
      if (dims.length < 2) return;
      var pairs = [];
      for (var a1 = 0; a1 < dims.length && pairs.length < MAX_PAIRS; a1++)
        for (var b1 = a1 + 1; b1 < dims.length && pairs.length < MAX_PAIRS; b1++) pairs.push([dims[a1], dims[b1]]);
      var scatter = [];
      pairs.forEach(function (pr) {
        var name = label(pr[0]) + ' × ' + label(pr[1]);
        issueRun[pr[0]].rounds.forEach(function (r, t) {
          var other = issueRun[pr[1]].rounds[t];
          Object.keys(r.positions).forEach(function (a) {
            scatter.push({pair: name, actor: R.actorName(a), round: r.round, x: r.positions[a], y: other.positions[a]});
          });
        });
      });
      /* Many points: every path stays a line, but points mark only the first and the last
       * turn (a chart of tens of thousands of circles takes the browser minutes). */
      var dots = {mark: {type: 'circle', size: 30},
                  encoding: {x: {field: 'x', type: 'quantitative'}, y: {field: 'y', type: 'quantitative'},
                             color: {field: 'round', type: 'quantitative', title: 'turn', scale: {scheme: 'viridis'}},
                             tooltip: [{field: 'actor'}, {field: 'round'}, {field: 'x', format: '.2f'}, {field: 'y', format: '.2f'}]}};
      var lastTurn = issueRun[pairs[0][0]].rounds.length ? issueRun[pairs[0][0]].rounds[issueRun[pairs[0][0]].rounds.length - 1].round : 0;
      if (scatter.length > MAX_PAIR_POINTS) dots.transform = [{filter: 'datum.round === 0 || datum.round === ' + lastTurn}];
      R.chart(s, 'smp-pairs-' + si, 'Pairs of dimensions by turn (first named dimension across, second up)' +
              (dots.transform ? '; points at turn 0 and turn ' + lastTurn + ' only' : ''), {
        data: {values: scatter},
        facet: {field: 'pair', type: 'nominal', title: null},
        columns: Math.min(3, pairs.length),
        spec: {
          width: 220, height: 220,
          layer: [
            {mark: {type: 'line', opacity: 0.35, strokeWidth: 0.8},
             encoding: {x: {field: 'x', type: 'quantitative', title: null}, y: {field: 'y', type: 'quantitative', title: null},
                        detail: {field: 'actor', type: 'nominal'}, order: {field: 'round', type: 'quantitative'},
                        color: {value: '#999'}}},
            dots
          ]
        }
      });
    });
  }

  window.ententeSections = (window.ententeSections || []).concat([build]);
})();
