// The explorable frontier (advisor/explore.py embeds this in the page with the library's data).
// Prices at each blend come from the library; the frontiers and the recommendation are recomputed
// here with the library's rules (advisor.pareto and advisor.select.recommend), and a browser test
// checks every number against the library after driving the controls.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("advisor-data").textContent);
  const chart = document.getElementById("chart");
  const slider = document.getElementById("blend");
  const menu = document.getElementById("metric");
  const ciBox = document.getElementById("ci");
  const hidden = new Set();
  const colour = Object.fromEntries(D.providers.map((p) => [p.name, p.colour]));
  const INK = "#2b2b2b";
  const HIGHLIGHT = "#d62728";

  // Text for plotly, which renders a subset of HTML: escape like Python's html.escape.
  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  // advisor.money.usd: cents from a dollar up, four significant digits below, unit when given.
  function usd(value, unit) {
    if (value === null || value === undefined || !isFinite(value)) return "-";
    const v = Math.abs(value);
    let text;
    if (v >= 1 || v === 0) {
      text = v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } else {
      const decimals = Math.max(2, D.significant - 1 - Math.floor(Math.log10(v)));
      text = v.toFixed(decimals);
      if (decimals > 2) {
        const [whole, frac] = text.split(".");
        text = whole + "." + frac.replace(/0+$/, "").padEnd(2, "0");
      }
    }
    return (value < 0 ? "-" : "") + "$" + text + (unit ? " " + unit : "");
  }

  // advisor.money.usd_tick
  function usdTick(value) {
    if (value >= 1 && value === Math.round(value)) return "$" + value.toLocaleString("en-US");
    return usd(value).replace(/0+$/, "").replace(/\.$/, "");
  }

  // advisor.pareto.pareto_front: no other point has cost <= and score >= with one strict;
  // of exact twins only the first is kept.
  function paretoFront(cost, score) {
    return cost.map((c, i) => !cost.some((cj, j) => cj <= c && score[j] >= score[i]
      && (cj < c || score[j] > score[i] || j < i)));
  }

  // advisor.pareto.uncertain_pareto_front: no cheaper-or-equal point has lower > my upper.
  function uncertainFront(cost, lower, upper) {
    return cost.map((c, i) => !cost.some((cj, j) => cj <= c && lower[j] > upper[i]));
  }

  // Sort indices by cost, then higher score first, then index (numpy lexsort, stable).
  function byCostThenScore(idx, cost, score) {
    return idx.slice().sort((a, b) => (cost[a] - cost[b]) || (score[b] - score[a]) || (a - b));
  }

  // The pool of the current metric and blend (models with a price and a score, visible providers),
  // oriented so that higher is better, as advisor.select.pool builds it.
  function poolOf(m, b) {
    const sign = m.higher ? 1 : -1;
    const opts = [];
    m.ids.forEach((id, k) => {
      const c = m.cost[b][k];
      if (c === null || hidden.has(D.models[id].provider)) return;
      opts.push({ id: id, k: k, cost: c, score: m.score[k], lower: m.lower[k], upper: m.upper[k] });
    });
    return {
      opts: opts,
      sign: sign,
      cost: opts.map((o) => o.cost),
      score: opts.map((o) => sign * o.score),
      lower: opts.map((o) => (sign > 0 ? o.lower : -o.upper)),
      upper: opts.map((o) => (sign > 0 ? o.upper : -o.lower)),
    };
  }

  // advisor.recommend with one of target / min_score and an optional budget.
  function recommend(p) {
    const needs = D.needs;
    const hasBar = needs.target !== null || needs.min_score !== null;
    if (!hasBar && needs.budget === null) return { choice: null, note: "" };
    if (!p.opts.length) return { choice: null, note: "no model has both a price and a score here" };
    const n = p.opts.length;
    let meets = new Array(n).fill(true);
    let reference = null;
    if (needs.target !== null) {
      reference = p.opts.findIndex((o) => o.id === needs.target);
      if (reference < 0) {
        return { choice: null, note: "the target " + needs.target + " has no price and score here" };
      }
      meets = p.upper.map((u) => u >= p.lower[reference]);
    } else if (needs.min_score !== null) {
      meets = p.score.map((s) => s >= p.sign * needs.min_score);
    }
    const within = p.cost.map((c) => needs.budget === null || c <= needs.budget);
    const ok = [];
    for (let i = 0; i < n; i++) if (meets[i] && within[i]) ok.push(i);
    if (!ok.length) return { choice: null, note: "nothing qualifies" };
    let best;
    if (hasBar) {
      best = byCostThenScore(ok, p.cost, p.score)[0];
    } else {
      let top = ok[0];
      for (const i of ok) if (p.score[i] > p.score[top]) top = i;
      const tie = ok.filter((i) => p.upper[i] >= p.lower[top]);
      best = byCostThenScore(tie, p.cost, p.score)[0];
      if (best !== top) reference = top;
    }
    return { choice: best, reference: reference, qualifying: ok.length, note: "" };
  }

  function compute() {
    const m = D.metrics[Number(menu.value)];
    const b = Number(slider.value);
    const p = poolOf(m, b);
    const pareto = paretoFront(p.cost, p.score);
    const stat = uncertainFront(p.cost, p.lower, p.upper);
    return { m: m, b: b, p: p, pareto: pareto, stat: stat, rec: recommend(p) };
  }

  function hover(o, m, b, tags) {
    const model = D.models[o.id];
    return "<b>" + esc(model.name) + "</b>" + (tags ? " (" + tags + ")" : "") + "<br>" + esc(o.id)
      + "<br>" + esc(model.provider)
      + "<br>" + usd(o.cost, esc(D.unit)) + " at " + esc(D.blends[b].label)
      + "<br>score " + o.score + " (95% CI " + o.lower + " to " + o.upper + ")";
  }

  function logTicks(lo, hi) {
    const vals = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      for (const f of [1, 2, 5]) {
        const v = f * Math.pow(10, k);
        const l = Math.log10(v);
        if (l >= lo && l <= hi) vals.push(Number(v.toPrecision(12)));
      }
    }
    return { tickvals: vals, ticktext: vals.map(usdTick) };
  }

  function draw() {
    const s = compute();
    const { m, b, p } = s;
    slider.setAttribute("aria-valuetext", D.blends[b].label);
    document.getElementById("blend-label").textContent = D.blends[b].label;
    const traces = [];
    const inPool = new Set(p.opts.map((o) => D.models[o.id].provider));
    const providers = D.providers.filter((pr) => inPool.has(pr.name) || hidden.has(pr.name));
    // Every model of the metric, hidden providers included (greyed in the legend).
    const all = [];
    m.ids.forEach((id, k) => {
      const c = m.cost[b][k];
      if (c !== null) all.push({ id: id, k: k, cost: c, score: m.score[k], lower: m.lower[k], upper: m.upper[k] });
    });
    const onFront = new Set(p.opts.filter((o, i) => s.pareto[i] || s.stat[i]).map((o) => o.id));
    for (const pr of providers) {
      const group = all.filter((o) => D.models[o.id].provider === pr.name);
      traces.push({
        type: "scatter",
        mode: "markers",
        name: esc(pr.name),
        meta: { provider: pr.name },
        legendgroup: "providers",
        legendgrouptitle: traces.length ? undefined : { text: "Provider" },
        visible: hidden.has(pr.name) ? "legendonly" : true,
        x: group.map((o) => o.cost),
        y: group.map((o) => o.score),
        customdata: group.map((o) => o.id),
        marker: {
          color: pr.colour,
          size: group.map((o) => (onFront.has(o.id) ? 11 : 8)),
          opacity: group.map((o) => (onFront.has(o.id) ? 1 : 0.65)),
          line: { color: "white", width: 0.8 },
        },
        error_y: {
          type: "data", symmetric: false, visible: ciBox.checked,
          array: group.map((o) => o.upper - o.score), arrayminus: group.map((o) => o.score - o.lower),
          color: pr.colour, thickness: 1.2, width: 0,
        },
        hovertext: group.map((o) => hover(o, m, b, "")),
        hoverinfo: "text",
      });
    }
    const front = byCostThenScore(p.opts.map((o, i) => i).filter((i) => s.pareto[i]), p.cost, p.score);
    const stat = byCostThenScore(p.opts.map((o, i) => i).filter((i) => s.stat[i]), p.cost, p.score);
    const xs = p.cost.length ? p.cost : [1];
    const maxCost = Math.max(...xs);
    if (front.length) {
      traces.push({
        type: "scatter", mode: "lines", name: "Pareto frontier (point scores)", legendgroup: "frontier",
        legendgrouptitle: { text: "Frontier" }, hoverinfo: "skip",
        x: front.map((i) => p.cost[i]).concat([maxCost]),
        y: front.map((i) => p.opts[i].score).concat([p.opts[front[front.length - 1]].score]),
        line: { shape: "hv", color: INK, width: 2 },
        meta: { frontier: "pareto", ids: front.map((i) => p.opts[i].id) },
      });
    }
    traces.push({
      type: "scatter", mode: "markers", legendgroup: "frontier", hoverinfo: "skip",
      name: "Uncertainty-aware frontier<br>(not beaten beyond 95% CIs<br>by a cheaper model)",
      x: stat.map((i) => p.cost[i]), y: stat.map((i) => p.opts[i].score),
      marker: { symbol: "circle-open", size: 19, color: INK, line: { width: 1.6 } },
      meta: { frontier: "statistical", ids: stat.map((i) => p.opts[i].id) },
    });
    const lows = p.opts.map((o) => o.lower);
    const highs = p.opts.map((o) => o.upper);
    const needs = D.needs;
    const rec = s.rec;
    let xlo = Math.min(...xs.filter((c) => c > 0), needs.budget > 0 ? needs.budget : Infinity);
    let xhi = Math.max(...xs, needs.budget > 0 ? needs.budget : -Infinity);
    if (!isFinite(xlo)) xlo = 1e-3;
    const xRange = [Math.log10(xlo) - 0.25, Math.log10(xhi) + 0.3];
    const ref = needs.target === null ? null : p.opts.find((o) => o.id === needs.target);
    if (ref) { lows.push(ref.lower); highs.push(ref.upper); }
    if (needs.min_score !== null) { lows.push(needs.min_score); highs.push(needs.min_score); }
    const ylo = Math.min(...lows), yhi = Math.max(...highs);
    const pad = Math.max(yhi - ylo, 1e-9);
    const yRange = [ylo - 0.06 * pad, yhi + 0.12 * pad];
    if (!m.higher) yRange.reverse();
    const x0 = Math.pow(10, xRange[0]), x1 = Math.pow(10, xRange[1]);
    if (needs.budget !== null) {
      traces.push({
        type: "scatter", mode: "lines", legendgroup: "needs", legendgrouptitle: { text: "What you need" },
        name: "Budget " + usd(needs.budget, esc(D.unit)), hoverinfo: "skip",
        x: [needs.budget, needs.budget], y: yRange.slice().sort((a, c) => a - c),
        line: { color: "#b15928", width: 2, dash: "dash" },
      });
    }
    if (ref) {
      traces.push({
        type: "scatter", mode: "lines", fill: "toself", fillcolor: "rgba(31,120,180,0.13)", line: { width: 0 },
        legendgroup: "needs", legendgrouptitle: needs.budget === null ? { text: "What you need" } : undefined,
        name: "Target: " + esc(D.models[ref.id].name) + "<br>(its 95% CI; a model qualifies<br>if its CI reaches the band)",
        x: [x0, x1, x1, x0, x0], y: [ref.lower, ref.lower, ref.upper, ref.upper, ref.lower], hoverinfo: "skip",
      });
    }
    if (needs.min_score !== null) {
      traces.push({
        type: "scatter", mode: "lines", legendgroup: "needs",
        legendgrouptitle: needs.budget === null ? { text: "What you need" } : undefined,
        name: "Minimum score " + needs.min_score, x: [x0, x1], y: [needs.min_score, needs.min_score],
        line: { color: "#1f78b4", width: 2, dash: "dot" }, hoverinfo: "skip",
      });
    }
    const recText = document.getElementById("recommendation");
    if (rec.choice !== null && rec.choice !== undefined) {
      const c = p.opts[rec.choice];
      traces.push({
        type: "scatter", mode: "markers", legendgroup: "needs", name: "Recommended: " + esc(D.models[c.id].name),
        x: [c.cost], y: [c.score], meta: { recommended: c.id },
        marker: { symbol: "star", size: 22, color: "#ffd92f", line: { color: HIGHLIGHT, width: 2 } },
        hovertext: [hover(c, m, b, "recommended")], hoverinfo: "text",
      });
      recText.textContent = "Recommended: " + D.models[c.id].name + " (" + c.id + "), "
        + usd(c.cost, D.unit) + " at " + D.blends[b].label + ", score " + c.score
        + "; " + rec.qualifying + " of " + p.opts.length + " models qualify.";
    } else {
      recText.textContent = rec.note ? "Nothing recommended: " + rec.note + "." : "";
    }
    // Label the point frontier, alternating sides so neighbours do not collide.
    const annotations = front.map((i, n) => {
      const o = p.opts[i];
      const chosen = rec.choice === i;
      return {
        x: Math.log10(o.cost), y: o.score, xref: "x", yref: "y",
        text: chosen ? "<b>" + esc(D.models[o.id].name) + "</b>" : esc(D.models[o.id].name),
        showarrow: true, arrowhead: 0, arrowwidth: 1, arrowcolor: "#888", standoff: 4,
        ax: n % 2 ? 36 : -36, ay: n % 2 ? 30 : -30,
        font: { size: 11, color: chosen ? HIGHLIGHT : INK }, bgcolor: "rgba(255,255,255,0.85)", borderpad: 1,
      };
    });
    const ticks = logTicks(xRange[0], xRange[1]);
    const layout = {
      autosize: true,
      margin: { l: 70, r: 20, t: 20, b: chart.clientWidth < 700 ? 40 : 60 },
      font: { family: "Inter, Helvetica Neue, Arial, sans-serif", size: 12, color: INK },
      plot_bgcolor: "white", paper_bgcolor: "white",
      hoverlabel: { align: "left" },
      // A narrow window keeps the plot's width and puts the legend below it.
      legend: chart.clientWidth < 700
        ? { orientation: "h", x: 0, y: -0.22, yanchor: "top", font: { size: 10 }, tracegroupgap: 2 }
        : { font: { size: 11 }, bgcolor: "rgba(255,255,255,0.9)", tracegroupgap: 4 },
      xaxis: {
        title: { text: "Cost, " + esc(D.unit) + " (blended at " + esc(D.blends[b].label) + "), log scale" },
        type: "log", range: xRange, tickvals: ticks.tickvals, ticktext: ticks.ticktext,
        showgrid: true, gridcolor: "#e6e6e6", zeroline: false, showline: true, linecolor: "#999", ticks: "outside",
      },
      yaxis: {
        title: { text: esc(m.axis) }, range: yRange,
        showgrid: true, gridcolor: "#e6e6e6", zeroline: false, showline: true, linecolor: "#999", ticks: "outside",
      },
      annotations: annotations,
    };
    document.getElementById("subtitle").textContent = p.opts.length + " models with a price and " + article(m.label)
      + " score (snapshot " + m.as_of + "); " + D.tokens_per_request.toLocaleString("en-US")
      + " tokens per request, split " + D.blends[b].label + ". Error bars: 95% CI.";
    state = {
      metric: m.key,
      blend: D.blends[b].label,
      points: p.opts.map((o) => ({ id: o.id, cost: o.cost, score: o.score })),
      pareto: front.map((i) => p.opts[i].id),
      statistical: stat.map((i) => p.opts[i].id),
      recommended: rec.choice === null || rec.choice === undefined ? null : p.opts[rec.choice].id,
      hidden: Array.from(hidden).sort(),
    };
    return Plotly.react(chart, traces, layout, { displaylogo: false, responsive: true });
  }

  function article(word) {
    return (/^[aeiou]/i.test(word) ? "an " : "a ") + word;
  }

  let state = null;
  D.metrics.forEach((m, i) => {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = m.label;
    option.dataset.metric = m.key;
    menu.appendChild(option);
  });
  slider.max = String(D.blends.length - 1);
  slider.value = String(D.blend);
  slider.addEventListener("input", draw);
  menu.addEventListener("change", draw);
  ciBox.addEventListener("change", draw);
  let narrow = chart.clientWidth < 700;
  window.addEventListener("resize", () => {
    if ((chart.clientWidth < 700) !== narrow) {
      narrow = !narrow;
      draw();
    }
  });
  window.advisorExplorer = { state: () => state, data: D, ready: null };
  window.advisorExplorer.ready = draw().then(() => {
    chart.on("plotly_legendclick", (ev) => {
      const meta = ev.data[ev.curveNumber].meta;
      if (!meta || !meta.provider) return true;
      if (hidden.has(meta.provider)) hidden.delete(meta.provider);
      else hidden.add(meta.provider);
      draw();
      return false;
    });
    chart.on("plotly_legenddoubleclick", () => false);
  });
})();
