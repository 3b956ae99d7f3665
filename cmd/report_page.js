// report_page.js - draws the charts of a gcsim report page as SVG from
// the data the page carries (see cmd/report.c).  No library, no network.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var cols = D.columns, steps = D.steps, sets = D.settings;
  var ncol = cols.first_step.length;
  var L = 64, W = 1100, R = 16;
  var SETCOL = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
  var SERCOL = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd'];
  var DASH = ['', '6 3', '2 2', '9 3 2 3'];
  var GENCOL = ['#8c9cb0', '#ff9f1c', '#d62728'];
  var TRIGGER = { explicit: 'explicit', threshold: 'threshold', stress: 'stress' };
  // [title, height, [figure, legend, drawn as a line]...]
  var panels = [
    ['count0 against threshold0', 100, [['count0', 'count0'], ['threshold0', 'threshold0', 1]]],
    ['count1 against threshold1', 64, [['count1', 'count1'], ['threshold1', 'threshold1', 1]]],
    ['count2 against threshold2', 64, [['count2', 'count2'], ['threshold2', 'threshold2', 1]]],
    ['generation sizes (tracked objects in each)', 100, [['gen0', 'gen0'], ['gen1', 'gen1'], ['gen2', 'gen2']]],
    ['live and tracked objects', 100, [['live', 'live'], ['tracked', 'tracked']]],
    ['cyclic garbage waiting for the collector', 80, [['garbage', 'garbage']]],
    ['free lists (objects kept for reuse)', 80, [['list', 'list'], ['dict', 'dict'], ['float', 'float'], ['tuple', 'tuple (all lengths)']]]
  ];

  function X(step) { return L + (steps ? step / steps : 0) * W; }
  function fmt(v) { return v >= 1e6 ? (v / 1e6).toFixed(v >= 1e7 ? 0 : 1) + 'M' : v >= 1e4 ? (v / 1e3).toFixed(0) + 'k' : String(v); }
  function nice(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log(v) / Math.LN10)), m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  function hi(f) { return f.max || f.min; }
  function color(s, k) { return sets.length > 1 ? SETCOL[s % SETCOL.length] : SERCOL[k % SERCOL.length]; }

  var out = [], y0 = 8, i, k, s;
  var x0s = [], x1s = [];
  for (i = 0; i < ncol; i++) { x0s.push(X(cols.first_step[i] - 1).toFixed(1)); x1s.push(X(cols.last_step[i]).toFixed(1)); }

  function band(f, y) {
    var up = [], lo = [], mx = hi(f), mn = f.min;
    for (var i = 0; i < ncol; i++) {
      up.push(x0s[i] + ',' + y(mx[i]).toFixed(1), x1s[i] + ',' + y(mx[i]).toFixed(1));
      lo.push(x0s[i] + ',' + y(mn[i]).toFixed(1), x1s[i] + ',' + y(mn[i]).toFixed(1));
    }
    return 'M' + up.join('L') + 'L' + lo.reverse().join('L') + 'Z';
  }
  function line(f, y) {
    var p = [], mx = hi(f);
    for (var i = 0; i < ncol; i++) p.push(x0s[i] + ',' + y(mx[i]).toFixed(1), x1s[i] + ',' + y(mx[i]).toFixed(1));
    return 'M' + p.join('L');
  }

  var layout = [];
  panels.forEach(function (p) {
    var h = p[1], top = y0 + 18, top0 = y0, max = 0;
    p[2].forEach(function (sr) {
      sets.forEach(function (st) {
        var a = hi(st.figures[sr[0]]);
        for (var i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
      });
    });
    max = Math.max(2, nice(max));
    var y = function (v) { return top + h - v / max * h; };
    layout.push({ p: p, top: top, h: h, y: y });
    out.push('<text class="title" x="' + L + '" y="' + (top0 + 12) + '">' + esc(p[0]) + '</text>');
    // legend: the figures of the panel
    var lx = L + 16 + p[0].length * 7.2;
    p[2].forEach(function (sr, k) {
      var c = sets.length > 1 ? '#555' : color(0, k), d = sets.length > 1 ? DASH[k % DASH.length] : (sr[2] ? '5 3' : '');
      out.push('<line x1="' + lx + '" x2="' + (lx + 18) + '" y1="' + (top0 + 8) + '" y2="' + (top0 + 8) +
        '" stroke="' + c + '" stroke-width="2" stroke-dasharray="' + d + '"/>');
      out.push('<text x="' + (lx + 22) + '" y="' + (top0 + 12) + '">' + esc(sr[1]) + '</text>');
      lx += 30 + sr[1].length * 6.4;
    });
    for (var g = 0; g <= 2; g++) {
      var gy = (top + h - g * h / 2).toFixed(1);
      out.push('<line class="grid" x1="' + L + '" x2="' + (L + W) + '" y1="' + gy + '" y2="' + gy + '"/>');
      out.push('<text x="' + (L - 6) + '" y="' + (+gy + 4) + '" text-anchor="end">' + fmt(g * max / 2) + '</text>');
    }
    if (ncol) sets.forEach(function (st, si) {
      p[2].forEach(function (sr, k) {
        var f = st.figures[sr[0]], c = color(si, k);
        var d = sets.length > 1 ? DASH[k % DASH.length] : (sr[2] ? '5 3' : '');
        if (sr[2])
          out.push('<path d="' + line(f, y) + '" fill="none" stroke="' + c + '" stroke-width="1.3" stroke-dasharray="' + d + '"/>');
        else
          out.push('<path d="' + band(f, y) + '" fill="' + c + '" fill-opacity="0.22" stroke="' + c +
            '" stroke-width="1.1" stroke-linejoin="round" stroke-dasharray="' + d + '"/>');
      });
    });
    y0 = top + h + 16;
  });

  // Collections: a row per setting, a tick per collection, taller for
  // older generations; a triangle over a full collection the long-lived
  // brake held back.
  var ROW = 34, marksTop = y0 + 18;
  out.push('<text class="title" x="' + L + '" y="' + (y0 + 12) + '">collections</text>');
  var lx = L + 90;
  ['gen0', 'gen1', 'gen2'].forEach(function (g, k) {
    out.push('<rect x="' + lx + '" y="' + (y0 + 2) + '" width="10" height="10" fill="' + GENCOL[k] + '"/>');
    out.push('<text x="' + (lx + 14) + '" y="' + (y0 + 12) + '">' + g + '</text>');
    lx += 56;
  });
  out.push('<path d="M' + lx + ',' + (y0 + 2) + 'l10,0l-5,9z" fill="none" stroke="#d62728"/>');
  out.push('<text x="' + (lx + 14) + '" y="' + (y0 + 12) + '">gen2 held back by the long-lived brake</text>');
  var nmarks = 0, mw = Math.min(Math.max(2, W / Math.max(steps, 1)), 12);
  sets.forEach(function (st, si) {
    var top = marksTop + si * ROW, base = top + ROW - 6;
    out.push('<line class="axis" x1="' + L + '" x2="' + (L + W) + '" y1="' + base + '" y2="' + base + '"/>');
    if (sets.length > 1)
      out.push('<rect x="' + (L - 16) + '" y="' + (base - 12) + '" width="10" height="10" fill="' + color(si, 0) + '"/>');
    st.marks.forEach(function (m, j) {
      var h = 8 + 8 * m[2], x = X(m[0] - 1) + (X(m[0]) - X(m[0] - 1)) / 2 - mw / 2;
      out.push('<rect class="mark" data-s="' + si + '" data-j="' + j + '" x="' + x.toFixed(2) + '" y="' + (base - h) +
        '" width="' + mw.toFixed(2) + '" height="' + h + '" fill="' + GENCOL[m[2]] + '"/>');
      if (m[6]) out.push('<path class="brake" d="M' + (x + mw / 2 - 4).toFixed(1) + ',' + (base - 30) + 'l8,0l-4,6z" fill="none" stroke="#d62728"/>');
      nmarks++;
    });
  });
  y0 = marksTop + sets.length * ROW + 4;
  // the x axis: steps
  var tick = nice(steps / 8);
  out.push('<line class="axis" x1="' + L + '" x2="' + (L + W) + '" y1="' + y0 + '" y2="' + y0 + '"/>');
  for (var t = 0; t <= steps; t += tick) {
    out.push('<line class="axis" x1="' + X(t).toFixed(1) + '" x2="' + X(t).toFixed(1) + '" y1="' + y0 + '" y2="' + (y0 + 4) + '"/>');
    out.push('<text x="' + X(t).toFixed(1) + '" y="' + (y0 + 16) + '" text-anchor="middle">' + fmt(t) + '</text>');
  }
  out.push('<text x="' + (L + W) + '" y="' + (y0 + 30) + '" text-anchor="end">step</text>');
  var H = y0 + 36;
  out.push('<line id="cross" x1="0" x2="0" y1="8" y2="' + (y0) + '" stroke="#888" stroke-dasharray="3 3" visibility="hidden"/>');
  out.push('<rect id="hit" x="' + L + '" y="0" width="' + W + '" height="' + y0 + '" fill="transparent"/>');

  var charts = document.getElementById('charts');
  charts.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" width="' + (L + W + R) + '" height="' + H +
    '" viewBox="0 0 ' + (L + W + R) + ' ' + H + '" data-marks="' + nmarks + '">' + out.join('') + '</svg>';
  var svg = charts.firstChild, cross = document.getElementById('cross'), tip = document.getElementById('tip');
  // marks drawn last would hide the hit area: put the hit area under them
  svg.insertBefore(document.getElementById('hit'), svg.firstChild);

  function at(e) {
    var pt = svg.createSVGPoint();
    pt.x = e.clientX; pt.y = e.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  function column(x) {
    var step = (x - L) / W * steps, lo = 0, hi2 = ncol - 1;
    while (lo < hi2) { var m = (lo + hi2) >> 1; if (cols.last_step[m] < step) lo = m + 1; else hi2 = m; }
    return lo;
  }
  function range(a, b) { return a === b ? String(a) : a + '\u2013' + b; }
  function show(e, html) {
    tip.innerHTML = html;
    tip.style.display = 'block';
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth - 8) x = e.clientX - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > window.innerHeight - 8) y = Math.max(8, e.clientY - tip.offsetHeight - 14);
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  }
  svg.addEventListener('mousemove', function (e) {
    var p = at(e), tg = e.target;
    if (tg.classList && tg.classList.contains('mark')) {
      var st = sets[+tg.getAttribute('data-s')], m = st.marks[+tg.getAttribute('data-j')];
      cross.setAttribute('visibility', 'hidden');
      show(e, '<div class="h">gen' + m[2] + ' collection (' + TRIGGER[m[3]] + ')</div>' +
        (sets.length > 1 ? '<div>' + esc(st.label) + '</div>' : '') +
        '<div>step ' + m[0] + ', trace line ' + m[1] + '</div><div>examined ' + m[4] + ', collected ' + m[5] + '</div>' +
        '<div style="color:#555;margin-top:3px">' + esc(m[7]) + '</div>');
      return;
    }
    if (p.x < L || p.x > L + W || steps === 0) { cross.setAttribute('visibility', 'hidden'); tip.style.display = 'none'; return; }
    var c = column(p.x), xc = ((+x0s[c] + +x1s[c]) / 2).toFixed(1);
    cross.setAttribute('x1', xc); cross.setAttribute('x2', xc); cross.setAttribute('visibility', 'visible');
    var h = '<div class="h">step ' + range(cols.first_step[c], cols.last_step[c]) +
      ', trace line ' + range(cols.first_line[c], cols.last_line[c]) + '</div><table>';
    if (sets.length > 1) {
      h += '<tr><td></td>';
      sets.forEach(function (st, si) { h += '<td><span class="swatch s' + (si % 8) + '"></span></td>'; });
      h += '</tr>';
    }
    ['count0', 'count1', 'count2', 'gen0', 'gen1', 'gen2', 'live', 'tracked', 'garbage', 'list', 'dict', 'float', 'tuple'].forEach(function (f) {
      h += '<tr><td>' + f + '</td>';
      sets.forEach(function (st) { var g = st.figures[f]; h += '<td>' + range(g.min[c], hi(g)[c]) + '</td>'; });
      h += '</tr>';
    });
    show(e, h + '</table>');
  });
  svg.addEventListener('mouseleave', function () { cross.setAttribute('visibility', 'hidden'); tip.style.display = 'none'; });
})();
