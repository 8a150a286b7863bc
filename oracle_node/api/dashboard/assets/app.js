// The operator dashboard: polls the node's public JSON routes and draws them.
// No framework, no CDN; the charts are drawn on <canvas> by the small functions below.
"use strict";

const POLL_MS = 1500;
const JOB_LIMIT = 200;
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ formatting

function eth(wei) {
  // wei arrives as a decimal string: BigInt keeps it exact; fewer decimals for big amounts
  let value = BigInt(wei);
  const sign = value < 0n ? "-" : "";
  if (value < 0n) value = -value;
  const whole = value / 10n ** 18n;
  const digits = whole >= 1n ? 4 : 6;
  const frac = (value % 10n ** 18n).toString().padStart(18, "0").slice(0, digits).replace(/0+$/, "");
  return `${sign}${whole}${frac ? "." + frac : ""} ETH`;
}

// an amount's figure: rounded text, the exact wei in data-wei and the tooltip
function showWei(id, wei) {
  const el = $(id);
  el.textContent = eth(wei);
  el.dataset.wei = wei;
  el.title = `${BigInt(wei).toLocaleString()} wei`;
}

function ethNumber(wei) {
  return Number(BigInt(wei)) / 1e18;
}

function seconds(value) {
  return value === undefined || value === null ? "" : `${value.toFixed(2)} s`;
}

function shortHex(hex) {
  return hex ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : "";
}

function when(unix) {
  return new Date(unix * 1000).toLocaleString();
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

// ---------------------------------------------------------------------- charts

function setupCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== width * ratio) {
    canvas.width = width * ratio;
    canvas.height = height * ratio;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = "11px system-ui, sans-serif";
  return { ctx, width, height };
}

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

function timeLabel(t) {
  return new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// series: [{label, color, points: [[t, y], ...], kind: "line" | "bar"}]
function drawChart(canvas, series, { yFormat = (v) => v.toString(), barWidth = 0 } = {}) {
  const { ctx, width, height } = setupCanvas(canvas);
  const pad = { left: 52, right: 10, top: 18, bottom: 20 };
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) {
    ctx.fillStyle = "#9aa1ad";
    ctx.fillText("no data yet", width / 2 - 28, height / 2);
    return;
  }
  // the x axis ends now (or at the last bar's end) and spans the data, two minutes at least
  const half = (barWidth || 0) / 2;
  const first = Math.min(...points.map((p) => p[0])) - half;
  const t1 = Math.max(Date.now() / 1000, Math.max(...points.map((p) => p[0])) + half);
  const t0 = Math.min(t1 - 120, first - 0.1 * (t1 - first));
  const yMax = niceMax(Math.max(...points.map((p) => p[1])));
  const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);

  ctx.strokeStyle = "#e3e6eb";
  ctx.fillStyle = "#6b7280";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(v));
    ctx.lineTo(width - pad.right, y(v));
    ctx.stroke();
    ctx.fillText(yFormat(v), 4, y(v) + 4);
  }
  ctx.fillText(timeLabel(t0), pad.left, height - 5);
  const last = timeLabel(t1);
  ctx.fillText(last, width - pad.right - ctx.measureText(last).width, height - 5);

  let legendX = pad.left;
  for (const s of series) {
    ctx.strokeStyle = ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    if (s.kind === "bar") {
      const w = Math.max(3, barWidth ? (barWidth / (t1 - t0)) * (width - pad.left - pad.right) - 2 : 6);
      for (const [t, v] of s.points) ctx.fillRect(x(t) - w / 2, y(v), w, y(0) - y(v));
    } else {
      ctx.beginPath();
      s.points.forEach(([t, v], i) => (i ? ctx.lineTo(x(t), y(v)) : ctx.moveTo(x(t), y(v))));
      ctx.stroke();
      for (const [t, v] of s.points) {
        ctx.beginPath();
        ctx.arc(x(t), y(v), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.fillRect(legendX, 5, 10, 8);
    ctx.fillStyle = "#1d2330";
    ctx.fillText(s.label, legendX + 14, 13);
    legendX += ctx.measureText(s.label).width + 30;
  }
}

// ---------------------------------------------------------------------- render

function renderNode(node) {
  $("node-address").textContent = node.address;
  const active = $("node-active");
  active.textContent = node.active ? "active" : "inactive";
  active.className = `badge ${node.active ? "ok" : "bad"}`;
  showWei("stake", node.stake_wei);
  $("unbonding").textContent = node.unbonding
    ? `unbonding: withdrawable from ${when(node.unlock_at)}`
    : `bonded · ${node.open_assignments} open assignment(s)`;
  showWei("balance", node.balance_wei);
  showWei("withdrawable", node.withdrawable_wei);
  $("credits").textContent = `fees ${eth(node.fee_credit_wei)} · slash credit ${eth(node.slash_credit_wei)}`;
  const c = node.chain;
  $("chain-status").textContent =
    `chain ${c.chain_id} · head ${c.head ?? "?"} · scanned to ${c.cursor ?? "?"} · ` +
    `lag ${c.lag_blocks ?? "?"} block(s)` + (c.last_error ? ` · listener error: ${c.last_error}` : "");
}

function renderEarnings(earnings) {
  showWei("fees-earned", earnings.fees_earned_wei);
  $("fulfilled-count").textContent = `${earnings.fulfilled} request(s) fulfilled`;
  showWei("gas-spent", earnings.gas_spent_wei);
  $("gas-used").textContent = `${earnings.gas_used.toLocaleString()} gas`;
  const profit = $("profit");
  showWei("profit", earnings.profit_wei);
  profit.className = `figure ${BigInt(earnings.profit_wei) < 0n ? "bad-text" : "ok-text"}`;
  drawChart($("chart-earnings"), [
    { label: "fees", color: "#1f9d55", points: earnings.series.map((p) => [p.t, ethNumber(p.fees_total_wei)]) },
    { label: "gas", color: "#d64545", points: earnings.series.map((p) => [p.t, ethNumber(p.gas_total_wei)]) },
  ], { yFormat: (v) => v.toPrecision(2) });
}

function renderModels(models) {
  const body = $("models").tBodies[0];
  body.replaceChildren();
  for (const m of models.served) {
    const row = body.insertRow();
    row.dataset.modelId = m.model_id;
    cell(row, m.model_id);
    cell(row, m.name);
    cell(row, "").append(Object.assign(document.createElement("span"), { className: "badge ok", textContent: "served" }));
    const key = m.proving_key;
    const size = key.bytes ? ` · ${(key.bytes / 2 ** 20).toFixed(0)} MiB` : "";
    const ready = key.ready_s !== null ? ` · ${key.ready_s.toFixed(1)} s at start` : "";
    cell(row, `${key.state}${size}${ready}`, key.state === "ready" ? "ok-text" : "bad-text");
    cell(row, `2^${m.logrows}`);
    cell(row, m.provider, "mono");
  }
  for (const [id, reason] of Object.entries(models.refused)) {
    const row = body.insertRow();
    row.dataset.modelId = id;
    cell(row, id);
    cell(row, "");
    cell(row, "").append(Object.assign(document.createElement("span"), { className: "badge bad", textContent: "refused" }));
    cell(row, reason, "err").colSpan = 3;
  }
}

function provedAt(job) {
  const t = job.timings;
  return t.prove_started && t.prove_s ? t.prove_started + t.prove_s : job.updated_at;
}

function renderJobs(jobs) {
  const open = new Set(["new", "inferred", "proved", "submitted", "posted"]);
  const body = $("jobs").tBodies[0];
  body.replaceChildren();
  const now = Date.now() / 1000;
  for (const job of jobs.jobs) {
    const t = job.timings;
    const row = body.insertRow();
    row.dataset.requestId = job.request_id;
    row.dataset.state = job.state;
    cell(row, job.request_id, "mono");
    cell(row, job.model_id);
    cell(row, "").append(Object.assign(document.createElement("span"), {
      className: `badge state-${job.state}`, textContent: job.state,
    }));
    for (const key of ["infer_s", "witness_s", "prove_s", "submit_s"]) cell(row, seconds(t[key]), "num");
    const total = (open.has(job.state) ? now : job.updated_at) - job.created_at;
    cell(row, seconds(total), "num");
    cell(row, job.gas_used ? job.gas_used.toLocaleString() : "", "num");
    cell(row, shortHex(job.tx_hash), "mono").title = job.tx_hash || "";
    // A failure is an error; a request another node settled (taken) is a neutral note.
    if (job.reason) cell(row, job.reason, "err");
    else cell(row, job.taken_by ? `taken by ${shortHex(job.taken_by)}` : job.note || "", "note").title = job.note || "";
  }
  const counts = Object.entries(jobs.counts).filter(([, n]) => n > 0);
  $("job-counts").textContent = counts.length ? `(${counts.map(([s, n]) => `${s} ${n}`).join(" · ")})` : "";

  const proved = jobs.jobs.filter((j) => j.timings.prove_s !== undefined).reverse();
  proved.sort((a, b) => provedAt(a) - provedAt(b));
  drawChart($("chart-latency"), [
    { label: "prove", color: "#2f6fdf", points: proved.map((j) => [provedAt(j), j.timings.prove_s]) },
    {
      label: "request to fulfilment", color: "#c98a00",
      points: proved.filter((j) => j.state === "fulfilled").map((j) => [j.updated_at, j.updated_at - j.created_at]),
    },
  ], { yFormat: (v) => `${v.toFixed(1)}` });
  const perMinute = new Map();
  for (const j of proved) {
    const minute = Math.floor(provedAt(j) / 60) * 60 + 30;
    perMinute.set(minute, (perMinute.get(minute) || 0) + 1);
  }
  drawChart($("chart-throughput"), [
    { label: "proofs/min", color: "#6b5bd6", kind: "bar", points: [...perMinute.entries()] },
  ], { yFormat: (v) => `${v}`, barWidth: 60 });
}

function renderOptimistic(opt) {
  const now = opt.time ?? Date.now() / 1000;
  const open = opt.open_postings;
  $("opt-open").textContent = open.length;
  const next = open.length ? Math.min(...open.map((p) => p.final_at)) : null;
  $("opt-next").textContent = next === null ? "no window open" : `next final in ${Math.max(0, next - now).toFixed(0)} s`;
  showWei("opt-at-risk", opt.stake_at_risk_wei);
  $("opt-finalised").textContent = opt.finalised;
  $("opt-posted").textContent = `of ${opt.posted} posting(s) made`;
  $("opt-made").textContent = opt.challenges_made;
  const agreed = opt.checked.agreed || 0;
  $("opt-checked").textContent =
    `${agreed} posting(s) checked right · ${opt.challenges_in_progress} being challenged`;
  $("opt-suffered").textContent = opt.challenges_suffered;
  $("opt-suffered").className = `figure ${opt.challenges_suffered ? "bad-text" : ""}`;
  $("opt-time").textContent = opt.time ? `(chain time ${when(opt.time)})` : "";
  const body = $("open-postings").tBodies[0];
  body.replaceChildren();
  for (const p of open) {
    const row = body.insertRow();
    row.dataset.requestId = p.request_id;
    cell(row, p.request_id, "mono");
    cell(row, p.model_id);
    cell(row, p.output.join(", "), "mono");
    cell(row, when(p.final_at));
    cell(row, `${Math.max(0, p.final_at - now).toFixed(0)} s`, "num");
    cell(row, eth(p.bond_wei), "num");
  }
}

function renderChallenges(challenges) {
  const body = $("challenges").tBodies[0];
  body.replaceChildren();
  for (const c of challenges.postings) {
    const row = body.insertRow();
    row.dataset.requestId = c.request_id;
    row.dataset.state = c.state;
    cell(row, c.request_id, "mono");
    cell(row, shortHex(c.poster), "mono").title = c.poster;
    cell(row, "").append(Object.assign(document.createElement("span"), {
      className: `badge state-${c.state}`, textContent: c.state, title: c.reason || "",
    }));
    cell(row, c.posted_output.join(", "), "mono");
    cell(row, c.output ? c.output.join(", ") : "", "mono");
    cell(row, BigInt(c.slashed_wei) ? eth(c.slashed_wei) : "", "num");
    cell(row, shortHex(c.tx_hash), "mono").title = c.tx_hash || "";
  }
}

// ----------------------------------------------------------------------- polling

async function getJSON(path) {
  const reply = await fetch(path, { cache: "no-store" });
  if (!reply.ok) {
    const body = await reply.json().catch(() => ({}));
    throw new Error(`${path}: ${reply.status} ${body.detail || reply.statusText}`);
  }
  return reply.json();
}

async function refresh() {
  const problems = [];
  const pages = [
    ["v1/node", renderNode],
    ["v1/earnings", renderEarnings],
    ["v1/models", renderModels],
    [`v1/jobs?limit=${JOB_LIMIT}&proof=false`, renderJobs],
    ["v1/optimistic", renderOptimistic],
    ["v1/challenges?limit=50", renderChallenges],
  ];
  await Promise.all(pages.map(async ([path, render]) => {
    try {
      render(await getJSON(path));
    } catch (err) {
      problems.push(err.message);
    }
  }));
  const error = $("error");
  error.hidden = problems.length === 0;
  error.textContent = problems.join(" · ");
  $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function poll() {
  await refresh();
  setTimeout(poll, POLL_MS);
}

// ---------------------------------------------------------------------- actions

$("withdraw-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = $("withdraw");
  const result = $("withdraw-result");
  const token = $("token").value.trim();
  const to = $("withdraw-to").value.trim();
  button.disabled = true;
  result.className = "muted";
  result.textContent = "withdrawing…";
  try {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const reply = await fetch("v1/withdraw", {
      method: "POST", headers, body: JSON.stringify(to ? { to } : {}),
    });
    const body = await reply.json().catch(() => ({}));
    if (!reply.ok) {
      const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
      result.className = "bad-text";
      result.dataset.outcome = "refused";
      result.textContent = `refused (${reply.status}): ${detail}`;
      return;
    }
    result.className = "ok-text";
    result.dataset.outcome = "done";
    result.textContent = body.transactions.length
      ? `withdrew ${eth(body.withdrawn_wei)} to ${shortHex(body.to)} in ` +
        body.transactions.map((tx) => shortHex(tx.tx_hash)).join(", ")
      : "nothing to withdraw";
    refresh();
  } catch (err) {
    result.className = "bad-text";
    result.dataset.outcome = "error";
    result.textContent = `error: ${err.message}`;
  } finally {
    button.disabled = false;
  }
});

poll();
