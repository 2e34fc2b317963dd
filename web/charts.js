/*
 * charts.js — the chart code the HTML report (web/report.js) and the workbench (web/serve.js,
 * `entente serve`) share: Vega-Lite specs built from entente's JSON outputs, and the one call
 * that draws them (vega-embed, with Vega's expression interpreter: both pages forbid eval).
 * Exposed as window.ententeCharts. Every label from the data is set as chart text (Vega draws
 * it as SVG text), never as markup.
 *
 * Design choices that fix what was hard to read: Monte Carlo histograms are bars from zero;
 * sensitivity rows are named input first ("salience on talks — UKR") with no label cut; actors
 * get one of 20 colours of maximum contrast (Kelly's list) and a shape, so 20 actors stay apart;
 * the quadrant map names its four quadrants and places labels so they do not overlap; the war
 * chart numbers its timeline events and lists them; every chart fits the width it is given
 * (a phone's 420 px included); issue scales show what their anchor points mean.
 */
(function () {
  'use strict';
  var VL = 'https://vega.github.io/schema/vega-lite/v6.json'; /* identifier only: nothing is fetched */

  /* Kelly (1965), "Twenty-two colors of maximum contrast", without white and black, in an
   * order where neighbours differ most. */
  var PALETTE = ['#0067a5', '#be0032', '#008856', '#f38400', '#875692', '#f3c300', '#882d17', '#a1caf1',
                 '#8db600', '#e68fac', '#604e97', '#848482', '#f99379', '#2b3d26', '#b3446c', '#dcd300',
                 '#c2b280', '#654522', '#e25822', '#f6a600'];
  var SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'];

  /* Colour (and shape) encodings for a list of actor names, stable across charts. */
  function actorColor(names, field) {
    return {field: field || 'actor', type: 'nominal',
            scale: {domain: names, range: names.map(function (_, k) { return PALETTE[k % PALETTE.length]; })},
            legend: {columns: names.length > 12 ? 2 : 1, labelLimit: 220}};
  }
  function actorShape(names, field) {
    return {field: field || 'actor', type: 'nominal',
            scale: {domain: names, range: names.map(function (_, k) { return SHAPES[Math.floor(k / PALETTE.length) % SHAPES.length]; })},
            legend: null};
  }

  /* The width a chart may take in `parent` (never wider than `wanted`, never under 200 px). */
  function fitWidth(parent, wanted) {
    var room = (parent && parent.clientWidth) || window.innerWidth || wanted;
    room = Math.min(room, window.innerWidth || room) - 90; /* axis, legend padding */
    return Math.max(200, Math.min(wanted, Math.floor(room)));
  }

  /* What the anchor points of an issue's scale mean: "0 = ...; 50 = ...". */
  function scaleNote(issue) {
    if (!issue || !issue.labels || !issue.labels.length) return '';
    return issue.labels.map(function (l) { return l.at + ' = ' + l.text; }).join('; ');
  }
  /* A y or x axis that ticks at the scale's labelled points. */
  function scaleAxis(issue, title) {
    var axis = {title: title};
    if (issue && issue.labels && issue.labels.length) axis.values = issue.labels.map(function (l) { return l.at; });
    return axis;
  }

  /* Draws `spec` into `div`; returns vega-embed's promise. */
  function embed(div, spec, name) {
    spec.$schema = VL;
    return vegaEmbed(div, spec, {
      renderer: 'svg',
      ast: true,
      expr: window.ententeExpressionInterpreter,
      actions: {export: true, source: false, compiled: false, editor: false},
      downloadFileName: 'entente-' + name
    });
  }

  /* ---- Monte Carlo: histogram bars (from zero) per issue, point forecast and median ---- */
  function montecarlo(mc, width) {
    var rows = [];
    mc.issues.forEach(function (i) {
      var h = i.histogram;
      if (!h || !h.bins) return;
      var step = (h.max - h.min) / h.bins;
      h.counts.forEach(function (c, b) {
        rows.push({issue: i.id, kind: 'bin', from: h.min + b * step, to: h.min + (b + 1) * step,
                   share: i.draws ? c / i.draws : 0, count: c});
      });
      rows.push({issue: i.id, kind: 'point', at: i.point});
      rows.push({issue: i.id, kind: 'median', at: i.median});
    });
    var w = Math.min(300, width - 40);
    return {
      data: {values: rows},
      facet: {field: 'issue', type: 'nominal', title: null},
      columns: Math.max(1, Math.floor(width / (w + 60))),
      spec: {
        width: w, height: 140,
        layer: [
          {transform: [{filter: 'datum.kind === "bin"'}], mark: {type: 'bar', color: '#4f81bd', stroke: '#fff', strokeWidth: 0.5},
           encoding: {x: {field: 'from', type: 'quantitative', title: 'forecast'}, x2: {field: 'to'},
                      y: {field: 'share', type: 'quantitative', title: 'share of draws'}, y2: {datum: 0},
                      tooltip: [{field: 'from', format: '.2f'}, {field: 'to', format: '.2f'}, {field: 'count'}]}},
          {transform: [{filter: 'datum.kind !== "bin"'}], mark: {type: 'rule', color: '#b3261e', strokeWidth: 2},
           encoding: {x: {field: 'at', type: 'quantitative'},
                      strokeDash: {field: 'kind', type: 'nominal', title: null, scale: {domain: ['median', 'point'], range: [[1, 0], [5, 3]]}},
                      tooltip: [{field: 'kind'}, {field: 'at', format: '.3f'}]}}
        ]
      },
      resolve: {scale: {x: 'independent', y: 'independent'}}
    };
  }

  /* ---- sensitivity tornado: the ten largest swings per issue, named input first ---- */
  function sensitivityLabel(d, issueId, actorLabel) {
    var on = d.on_issue && d.on_issue !== issueId ? ' on ' + d.on_issue : (d.input !== 'capability' ? ' on ' + issueId : '');
    return d.input + on + ' — ' + actorLabel(d.actor);
  }
  function sensitivity(se, width, actorLabel) {
    var rows = [];
    se.issues.forEach(function (i) {
      i.drivers.slice().sort(function (x, y) { return (y.swing || 0) - (x.swing || 0); }).slice(0, 10).forEach(function (d) {
        var name = sensitivityLabel(d, i.id, actorLabel);
        rows.push({issue: i.id, driver: name, side: '−δ', change: d.change_low, swing: d.swing || 0});
        rows.push({issue: i.id, driver: name, side: '+δ', change: d.change_high, swing: d.swing || 0});
      });
    });
    rows = rows.filter(function (r) { return typeof r.change === 'number'; });
    var narrow = width < 600;
    return {
      data: {values: rows},
      facet: {field: 'issue', type: 'nominal', title: null},
      columns: narrow ? 1 : 2,
      spec: {
        width: narrow ? Math.max(120, width - 230) : 260, height: {step: 14},
        mark: 'bar',
        encoding: {
          y: {field: 'driver', type: 'nominal', sort: {field: 'swing', op: 'max', order: 'descending'}, title: null,
              axis: {labelLimit: narrow ? 200 : 320}},
          x: {field: 'change', type: 'quantitative', title: 'change of the forecast'},
          color: {field: 'side', type: 'nominal', title: null, scale: {domain: ['−δ', '+δ'], range: ['#c0504d', '#4f81bd']}},
          tooltip: [{field: 'driver'}, {field: 'side'}, {field: 'change', format: '+.3f'}]
        }
      },
      resolve: {scale: {y: 'independent', x: 'independent'}}
    };
  }

  /* ---- forecast of every model as a share of each issue's scale ---- */
  function forecasts(rows, width) {
    return {
      width: Math.min(560, width - 160), height: {step: 26}, data: {values: rows},
      mark: {type: 'point', filled: true, size: 90},
      encoding: {
        x: {field: 'share', type: 'quantitative', scale: {domain: [0, 1]}, title: 'forecast (0 = scale min, 1 = scale max)'},
        y: {field: 'issue', type: 'nominal', title: null},
        color: {field: 'model', type: 'nominal', scale: {range: PALETTE}},
        shape: {field: 'model', type: 'nominal'},
        tooltip: [{field: 'issue'}, {field: 'model'}, {field: 'forecast', format: '.3f'}, {field: 'label', title: 'nearest label'}]
      }
    };
  }

  /* ---- the answer's deal: forecast and 80% interval per issue on its own scale ---- */
  function answer(issues, issueById, width) {
    var rows = issues.map(function (i) {
      var is = issueById[i.id] || {scale: [0, 100]};
      var span = is.scale[1] - is.scale[0] || 1;
      return {issue: is.name || i.id, id: i.id, forecast: (i.forecast - is.scale[0]) / span,
              low: (i.interval[0] - is.scale[0]) / span, high: (i.interval[1] - is.scale[0]) / span,
              value: i.forecast, label: i.label || ''};
    });
    return {
      width: Math.max(160, Math.min(520, width - 200)), height: {step: 24}, data: {values: rows},
      layer: [
        {mark: {type: 'rule', strokeWidth: 3, color: '#a1caf1'},
         encoding: {x: {field: 'low', type: 'quantitative', scale: {domain: [0, 1]}, title: 'share of the scale (80% interval)'},
                    x2: {field: 'high'}, y: {field: 'id', type: 'nominal', title: null}}},
        {mark: {type: 'point', filled: true, size: 80, color: '#0067a5'},
         encoding: {x: {field: 'forecast', type: 'quantitative'}, y: {field: 'id', type: 'nominal'},
                    tooltip: [{field: 'issue'}, {field: 'value', format: '.2f', title: 'forecast'}, {field: 'label'}]}}
      ]
    };
  }

  /* ---- EUM quadrant map with named quadrants and labels that do not overlap ---- */
  function quadrant(rows, width, height) {
    var xs = rows.map(function (r) { return r.eu_self; }).concat([0]);
    var ys = rows.map(function (r) { return r.eu_other; }).concat([0]);
    function domain(v) {
      var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
      var pad = (hi - lo) * 0.15 || 1;
      return [lo - pad, hi + pad];
    }
    var dx = domain(xs), dy = domain(ys);
    /* Greedy placement in pixels: each label tries positions around its point until its box
     * meets no label already placed. */
    var placed = [];
    var charW = 6, lineH = 12;
    var labels = rows.slice().sort(function (a, b) { return b.eu_other - a.eu_other || a.eu_self - b.eu_self; }).map(function (r) {
      var px = (r.eu_self - dx[0]) / (dx[1] - dx[0]) * width, py = (dy[1] - r.eu_other) / (dy[1] - dy[0]) * height;
      var w = r.label.length * charW, tries = [[8, 0], [8, -lineH], [8, lineH], [-8 - w, 0], [-8 - w, -lineH], [-8 - w, lineH],
                                                [8, -2 * lineH], [8, 2 * lineH], [-8 - w, -2 * lineH], [-8 - w, 2 * lineH]];
      var box = null;
      for (var k = 0; k < tries.length && !box; k++) {
        var b = {x: px + tries[k][0], y: py + tries[k][1] - lineH / 2, w: w, h: lineH};
        if (!placed.some(function (o) { return b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h; })) box = b;
      }
      if (!box) box = {x: px + 8, y: py + (placed.length % 5 - 2) * lineH - lineH / 2, w: w, h: lineH};
      placed.push(box);
      return {label: r.label, lx: dx[0] + box.x / width * (dx[1] - dx[0]),
              ly: dy[1] - (box.y + lineH / 2) / height * (dy[1] - dy[0])};
    });
    var corners = [
      {x: dx[1], y: dy[1], text: 'conflict', align: 'right', baseline: 'top'},
      {x: dx[1], y: dy[0], text: 'prevails', align: 'right', baseline: 'bottom'},
      {x: dx[0], y: dy[1], text: 'gives in', align: 'left', baseline: 'top'},
      {x: dx[0], y: dy[0], text: 'stalemate', align: 'left', baseline: 'bottom'}
    ];
    var x = {type: 'quantitative', scale: {domain: dx, nice: false}};
    var y = {type: 'quantitative', scale: {domain: dy, nice: false}};
    function at(fx, fy) { return {x: Object.assign({field: fx}, x), y: Object.assign({field: fy}, y)}; }
    return {
      width: width, height: height,
      layer: [
        {data: {values: [{v: 0}]}, mark: {type: 'rule', color: '#999'}, encoding: {x: {field: 'v', type: 'quantitative'}}},
        {data: {values: [{v: 0}]}, mark: {type: 'rule', color: '#999'}, encoding: {y: {field: 'v', type: 'quantitative'}}},
        {data: {values: corners}, mark: {type: 'text', fontSize: 13, fontWeight: 'bold', color: '#8a8a8a', dx: 0, dy: 0},
         encoding: Object.assign(at('x', 'y'), {text: {field: 'text'}, align: {field: 'align', type: 'nominal', scale: null},
                                                baseline: {field: 'baseline', type: 'nominal', scale: null}})},
        {data: {values: rows}, mark: {type: 'point', filled: true, size: 70},
         encoding: {x: Object.assign({field: 'eu_self', title: 'EU of challenging (chosen actor)'}, x),
                    y: Object.assign({field: 'eu_other', title: 'EU of being challenged (other actor)'}, y),
                    color: {field: 'other', type: 'nominal', legend: null, scale: {range: PALETTE}},
                    tooltip: [{field: 'other'}, {field: 'eu_self', format: '.4f'}, {field: 'eu_other', format: '.4f'}]}},
        {data: {values: labels}, mark: {type: 'text', align: 'left', baseline: 'middle', fontSize: 10},
         encoding: Object.assign(at('lx', 'ly'), {text: {field: 'label'}})}
      ]
    };
  }

  /* ---- war layer: P(window open), P(deal by date), numbered timeline events ---- */
  function war(rows, events, width) {
    var numbered = events.map(function (e, k) { return {date: e.date, n: String(k + 1), text: e.text}; });
    /* Numbers of events closer than ~3% of the time span stack upwards instead of overlapping. */
    var times = numbered.map(function (e) { return Date.parse(e.date); });
    var span = (Math.max.apply(null, times.concat(rows.map(function (r) { return Date.parse(r.date); }))) -
                Math.min.apply(null, times.concat(rows.map(function (r) { return Date.parse(r.date); })))) || 1;
    var level = [];
    numbered.forEach(function (e, k) {
      var l = 0;
      for (var j = 0; j < k; j++) if (Math.abs(times[j] - times[k]) < span * 0.03 && level[j] >= l) l = level[j] + 1;
      level[k] = l;
      e.y = 1.02 + 0.07 * l;
    });
    var top = Math.max(1.1, 1.02 + 0.07 * (Math.max.apply(null, level.concat([0])) + 1));
    var layers = [{data: {values: rows}, mark: {type: 'line'},
                   encoding: {x: {field: 'date', type: 'temporal', title: null},
                              y: {field: 'value', type: 'quantitative', scale: {domain: [0, top]}, title: 'probability',
                                  axis: {values: [0, 0.25, 0.5, 0.75, 1]}},
                              color: {field: 'series', type: 'nominal', title: null, scale: {range: ['#0067a5', '#be0032']}},
                              tooltip: [{field: 'date', type: 'temporal'}, {field: 'series'}, {field: 'value', format: '.3f'}]}}];
    if (numbered.length) {
      layers.push({data: {values: numbered}, mark: {type: 'rule', strokeDash: [3, 3], color: '#999'},
                   encoding: {x: {field: 'date', type: 'temporal'}, tooltip: [{field: 'n', title: 'event'}, {field: 'date', type: 'temporal'}, {field: 'text', title: 'what'}]}});
      layers.push({data: {values: numbered}, mark: {type: 'text', fontSize: 9, baseline: 'middle', color: '#333'},
                   encoding: {x: {field: 'date', type: 'temporal'}, y: {field: 'y', type: 'quantitative'}, text: {field: 'n'},
                              tooltip: [{field: 'n', title: 'event'}, {field: 'date', type: 'temporal'}, {field: 'text', title: 'what'}]}});
    }
    return {width: Math.min(900, width - 150), height: 280, layer: layers};
  }

  window.ententeCharts = {
    PALETTE: PALETTE, actorColor: actorColor, actorShape: actorShape, fitWidth: fitWidth,
    scaleNote: scaleNote, scaleAxis: scaleAxis, embed: embed, montecarlo: montecarlo,
    sensitivity: sensitivity, sensitivityLabel: sensitivityLabel, forecasts: forecasts, answer: answer,
    quadrant: quadrant, war: war
  };
})();
