// The console's only script: live updates and the value chart. Pages read the same without it.
// Live: /events sends a version whenever something the pages show changes (a run, an approval,
// the pause switch, an observation); the page reloads then, unless a form is being filled in,
// in which case it says so and waits.
(function () {
  'use strict';
  var live = document.getElementById('live');
  var first = null;
  var submitting = false;
  var source = null;
  // A form being submitted owns the navigation: a live reload now would cancel it (the server
  // would still act, but the person would not see the result).
  document.addEventListener('submit', function () {
    submitting = true;
    if (source) source.close();
  });
  function busy() {
    if (submitting) return true;
    var active = document.activeElement;
    if (active && (active.tagName === 'INPUT' || active.tagName === 'TEXTAREA') && active.value !== '' && active.type !== 'hidden')
      return true;
    return false;
  }
  if (window.EventSource) {
    source = new EventSource('/events');
    source.addEventListener('change', function (event) {
      if (first === null) {
        first = event.data;
        if (live) live.textContent = 'live: up to date';
        return;
      }
      if (event.data === first) return;
      if (submitting) return;
      if (busy()) {
        if (live) live.textContent = 'something changed: reload to see it';
        return;
      }
      source.close();
      window.location.replace(window.location.pathname + window.location.search.replace(/([?&])n=[^&]*&?/, '$1').replace(/[?&]$/, ''));
    });
    source.onerror = function () {
      if (live) live.textContent = 'live updates lost: reload the page';
    };
  }

  var data = document.getElementById('value-series');
  var target = document.getElementById('value-chart');
  if (data && target && window.uPlot) {
    var series = JSON.parse(data.textContent || '[]');
    if (series.length > 0) {
      var xs = series.map(function (p) {
        return p[0];
      });
      var ys = series.map(function (p) {
        return p[1];
      });
      new window.uPlot(
        {
          width: Math.min(760, target.clientWidth || 760),
          height: 240,
          series: [{}, { label: 'value (trusted prices, USD)', stroke: '#2563eb', width: 2, points: { show: true } }],
          axes: [{}, { size: 80 }],
        },
        [xs, ys],
        target,
      );
      target.setAttribute('data-points', String(series.length));
    }
  }
})();
