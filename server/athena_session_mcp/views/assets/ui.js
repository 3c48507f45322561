"use strict";
// Shared rendering helpers. Everything from a tool result is inserted as text (never as HTML):
// reasons and descriptions come from the service and users' jobs and are untrusted.
const VOCABULARY = /*@vocabulary*/;

// Per phase: a colour class plus an icon and words, so nothing is told by colour alone.
const PHASE_LOOK = {
  starting: { cls: "s-info", icon: "◔" },
  ready: { cls: "s-ok", icon: "●" },
  running: { cls: "s-info", icon: "▶" },
  stopping: { cls: "s-muted", icon: "◌" },
  ended: { cls: "s-muted", icon: "■" },
  unhealthy: { cls: "s-bad", icon: "✖" },
  unknown: { cls: "s-muted", icon: "?" },
};
// What an IDLE session accepts, by engine_kind: only PySpark engine version 3 has calculations.
const ACCEPTING = { "pyspark-v3": "accepting calculations", "spark-3.5": "accepting Spark Connect work" };
const SEVERITY_LOOK = {
  critical: { cls: "s-bad", icon: "‼", rank: 0 },
  error: { cls: "s-bad", icon: "‼", rank: 0 },
  warning: { cls: "s-warn", icon: "⚠", rank: 1 },
  info: { cls: "s-info", icon: "ℹ", rank: 2 },
};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }
function obj(value) { return isObject(value) ? value : {}; }
function list(value) { return Array.isArray(value) ? value : []; }
function num(value) { return typeof value === "number" && Number.isFinite(value) ? value : null; }
function str(value) { return typeof value === "string" && value !== "" ? value : null; }
function time(value) { const t = str(value) ? Date.parse(value) : NaN; return Number.isNaN(t) ? null : t; }

function phaseOf(state, phase) {
  return str(phase) || VOCABULARY.phases[state] || "unknown";
}

function stateBadge(state, phase, testid) {
  const look = PHASE_LOOK[phaseOf(state, phase)] || PHASE_LOOK.unknown;
  return el("span", { class: "badge " + look.cls, "data-testid": testid, title: "phase: " + phaseOf(state, phase) },
    el("span", { "aria-hidden": "true", text: look.icon }), str(state) || "UNKNOWN");
}

function formatDuration(seconds) {
  if (seconds === null) return "–";
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  if (d) return d + "d " + two(h) + "h";
  if (h) return h + "h " + two(m) + "m";
  if (m) return m + "m " + two(r) + "s";
  return r + "s";
}

function formatTime(ms) {
  return ms === null ? "–" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC");
}

function formatDpuHours(value) { return num(value) === null ? "–" : value.toFixed(value < 10 ? 4 : 2) + " DPU-h"; }
function formatUsd(value) { return num(value) === null ? "–" : "$" + value.toFixed(2); }

// Structured content of a CallToolResult (or its JSON text block, for hosts that pass only text).
function structuredOf(result) {
  const r = obj(result);
  if (isObject(r.structuredContent)) return r.structuredContent;
  for (const block of list(r.content)) {
    if (block && block.type === "text") { try { const parsed = JSON.parse(block.text); if (isObject(parsed)) return parsed; } catch (_) { /* prose */ } }
  }
  return null;
}

function errorText(result) {
  return list(obj(result).content).map((c) => (c && c.type === "text" ? c.text : "")).join(" ").trim() || "The tool reported an error.";
}

// Wires a view to the host: `onInput(arguments)` while the tool runs, `onResult(structuredContent, _meta)`
// with its result; errors, cancellation and a failed connection read the same in every view.
function mountView(app, appName, { onInput, onResult, cancelled }) {
  Bridge.on("ui/notifications/tool-input", (params) => onInput(obj(params.arguments)));
  Bridge.on("ui/notifications/tool-result", (result) => {
    if (obj(result).isError) { app.replaceChildren(el("p", { class: "notice error", "data-testid": "error", text: errorText(result) })); return; }
    onResult(structuredOf(result), obj(obj(result)._meta));
  });
  Bridge.on("ui/notifications/tool-cancelled", () => {
    app.replaceChildren(el("p", { class: "notice", text: cancelled }));
  });
  Bridge.connect(appName).catch((error) => {
    app.replaceChildren(el("p", { class: "notice error", text: "Could not connect to the host: " + error.message }));
  });
}

function sortedFindings(findings) {
  const rank = (f) => (SEVERITY_LOOK[obj(f).severity] || { rank: 3 }).rank;
  return list(findings).filter(isObject).slice().sort((a, b) => rank(a) - rank(b));
}

function findingsList(findings) {
  const items = sortedFindings(findings);
  if (!items.length) return el("p", { class: "muted", text: "No findings." });
  return el("ul", { class: "findings", "data-testid": "findings" }, items.map((f) => {
    const look = SEVERITY_LOOK[f.severity] || { cls: "s-muted", icon: "•" };
    return el("li", { class: "finding " + look.cls, "data-severity": str(f.severity) || "unknown" },
      el("div", {}, el("strong", {}, el("span", { "aria-hidden": "true", text: look.icon + " " }), String(f.severity || "note").toUpperCase()),
        str(f.code) ? el("span", { class: "mono muted", text: "  " + f.code }) : null),
      el("div", { class: "msg", text: str(f.message) || "" }),
      str(f.suggestion) ? el("div", { class: "next", text: "Next step: " + f.suggestion }) : null);
  }));
}

function stat(label, value, testid) {
  return el("div", { class: "stat" }, el("div", { class: "label", text: label }),
    el("div", { class: "value", "data-testid": testid, text: value }));
}

// --- The session card (get_athena_session's structured content) ------------------------------------

let cardTimer = null;

function renderCard(container, content, receivedAt) {
  if (cardTimer) { clearInterval(cardTimer); cardTimer = null; }
  // get_athena_session puts the health summary in `summary`, diagnose_athena_session in `session`.
  const s = obj(isObject(obj(content).summary) ? content.summary : obj(content).session);
  const timing = obj(s.timing), usage = obj(s.usage), capacity = obj(s.capacity), config = obj(s.config);
  const state = str(s.state), phase = phaseOf(state, s.phase);
  const ended = str(timing.ended_at) !== null || VOCABULARY.ended.includes(state) || phase === "ended";
  container.replaceChildren();
  if (!str(s.session_id) && !state) {
    container.append(el("p", { class: "notice", text: "This result has no session summary to show." }));
    return;
  }
  const health = ended
    ? el("span", { class: "badge s-muted", "data-testid": "health" }, el("span", { "aria-hidden": "true", text: "■" }), "Ended")
    : s.phase === "unhealthy"
      ? el("span", { class: "badge s-bad", "data-testid": "health" }, el("span", { "aria-hidden": "true", text: "✖" }), "Unhealthy")
      : ["starting", "ready", "running", "stopping"].includes(s.phase)
        ? el("span", { class: "badge s-ok", "data-testid": "health" }, el("span", { "aria-hidden": "true", text: "✓" }), "Healthy")
        : null;
  // role=timer: screen readers do not announce every tick.
  const countdown = el("div", { class: "notice", role: "timer", "data-testid": "countdown" });
  const meter = el("div", { class: "meter s-idle", "aria-hidden": "true" }, el("span", { style: "width:0%" }));

  // Deadline from the result's timestamps; fall back to the remaining seconds as of receipt.
  const timeoutSeconds = num(timing.idle_timeout_seconds);
  let deadline = time(timing.idle_timeout_at);
  if (deadline === null && num(timing.idle_timeout_remaining_seconds) !== null) {
    deadline = receivedAt + timing.idle_timeout_remaining_seconds * 1000;
  }
  function tick() {
    if (ended) {
      countdown.textContent = "Ended " + (str(timing.ended_at) ? formatTime(time(timing.ended_at)) : "") + " · no idle countdown.";
      countdown.dataset.remainingSeconds = "";
      return;
    }
    if (deadline === null) {
      countdown.textContent = state === "BUSY"
        ? "Busy: the idle timeout" + (timeoutSeconds !== null ? " (" + formatDuration(timeoutSeconds) + ")" : "") + " starts counting once it is idle."
        : "No idle-timeout countdown for this session right now.";
      countdown.dataset.remainingSeconds = "";
      return;
    }
    const remaining = Math.floor((deadline - Date.now()) / 1000);
    countdown.dataset.remainingSeconds = String(remaining);
    countdown.replaceChildren(remaining > 0
      ? el("span", {}, el("span", { "aria-hidden": "true", text: "◷ " }), "Idle timeout in ", el("strong", { "data-testid": "countdown-value", text: formatDuration(remaining) }),
          el("span", { class: "muted", text: " · at " + formatTime(deadline) }))
      : el("span", { class: "s-warn" }, el("span", { "aria-hidden": "true", text: "⚠ " }), "Past its idle timeout: termination pending."));
    if (timeoutSeconds) {
      const used = Math.min(100, Math.max(0, 100 * (1 - remaining / timeoutSeconds)));
      meter.firstChild.style.width = used.toFixed(1) + "%";
    }
  }
  tick();
  if (!ended && deadline !== null) cardTimer = setInterval(tick, 1000);

  const started = time(timing.started_at);
  const capacityText = [
    num(capacity.coordinator_dpu_size) !== null ? "coordinator " + capacity.coordinator_dpu_size : null,
    num(capacity.default_executor_dpu_size) !== null ? "executor " + capacity.default_executor_dpu_size : null,
    num(capacity.max_concurrent_dpus) !== null ? "max " + capacity.max_concurrent_dpus : null,
  ].filter(Boolean).join(" · ") || "–";
  const price = num(usage.price_per_dpu_hour_usd);
  container.append(
    el("div", { class: "panel", "data-testid": "session-card" },
      el("div", { class: "row" },
        el("h1", { class: "mono", "data-testid": "session-id", text: str(s.session_id) || "(no id)" }),
        stateBadge(state, s.phase, "state"),
        el("span", { class: "muted", "data-testid": "phase", text: phase }),
        health,
        s.phase === "ready" ? el("span", { class: "badge s-ok" }, el("span", { "aria-hidden": "true", text: "✓" }), ACCEPTING[s.engine_kind] || "accepting work") : null),
      el("div", { class: "row muted", style: "margin-top:4px" },
        str(s.workgroup) ? el("span", { text: "workgroup " + s.workgroup }) : null,
        el("span", { "data-testid": "engine", text: str(s.engine_version) || "engine unknown" }),
        str(s.description) ? el("span", { text: "“" + s.description + "”" }) : null),
      str(s.headline) ? el("p", { class: "muted", style: "margin:6px 0 0", text: s.headline }) : null,
      el("h2", { text: "Idle timeout" }), countdown, timeoutSeconds && deadline !== null && !ended ? meter : null,
      el("div", { class: "grid" },
        stat("DPU-hours", formatDpuHours(usage.dpu_hours), "dpu-hours"),
        stat("Estimated cost", num(usage.estimated_cost_usd) === null ? "–" : formatUsd(usage.estimated_cost_usd) + " (est.)", "cost"),
        stat("Started", started === null ? "–" : formatTime(started), "started"),
        stat("Age", formatDuration(num(timing.age_seconds)), "age"),
        stat("DPUs", capacityText, "capacity"),
        stat("Encryption", str(config.encryption_option) || "–", "encryption")),
      str(s.state_change_reason) ? el("div", {}, el("h2", { text: "State change reason" }),
        el("p", { class: "notice", "data-testid": "reason", text: s.state_change_reason })) : null,
      el("h2", { text: "Findings" }), findingsList(s.findings),
      diagnosisSection(obj(content)),
      price !== null ? el("p", { class: "muted", style: "font-size:12px", text: "Costs are estimates at $" + price + " per DPU-hour, not a bill." }) : null));
}

// --- diagnose_athena_session's extra: likely causes with their evidence, and what could not be read --------

const CONFIDENCE_LOOK = { high: "●●●", medium: "●●○", low: "●○○" };

function diagnosisSection(d) {
  if (!str(d.verdict) && !Array.isArray(d.causes)) return null;
  const executors = obj(d.executors), counts = obj(executors.counts), calcs = obj(d.calculations);
  const failedExecutors = num(obj(counts.by_state).FAILED);
  const facts = [
    num(counts.total) !== null ? counts.total + " executors" + (failedExecutors ? ", " + failedExecutors + " failed" : "") : null,
    calcs.applicable === false ? "no Calculation API on this engine" : num(calcs.considered) !== null ? calcs.considered + " recent calculations, " + (num(calcs.failed) || 0) + " failed" : null,
    obj(d.spark_ui).applicable === true ? "Spark UI link in the tool's answer (not shown here)" : null,
  ].filter(Boolean);
  const causes = list(d.causes).filter(isObject);
  return el("div", { "data-testid": "diagnosis" },
    el("h2", { text: "Diagnosis" }),
    str(d.verdict) ? el("p", { class: "notice", "data-testid": "verdict", text: d.verdict }) : null,
    facts.length ? el("p", { class: "muted", text: facts.join(" · ") }) : null,
    causes.length ? el("ol", { class: "findings", "data-testid": "causes" }, causes.map((c) =>
      el("li", { class: "finding s-warn", "data-code": str(c.code) || "" },
        el("div", {}, el("strong", { text: str(c.title) || str(c.code) || "Cause" }),
          str(c.confidence) ? el("span", { class: "muted", text: "  " + (CONFIDENCE_LOOK[c.confidence] || "") + " " + c.confidence + " confidence" }) : null),
        list(c.evidence).filter(isObject).map((e) => el("div", { class: "next mono", text: (str(e.source) ? e.source + ": " : "") + (str(e.text) || "") })),
        str(c.next_step) ? el("div", { class: "next", text: "Next step: " + c.next_step }) : null))) : el("p", { class: "muted", text: "No likely cause found." }),
    list(d.gaps).filter(isObject).length ? el("div", {}, el("h3", { style: "margin-top:10px", text: "Not read" }),
      el("ul", { class: "muted", "data-testid": "gaps" }, list(d.gaps).filter(isObject).map((g) =>
        el("li", { text: (str(g.what) || "") + (str(g.fix) ? " — " + g.fix : "") })))) : null,
    str(d.untrusted_content) ? el("p", { class: "muted", style: "font-size:12px", text: d.untrusted_content }) : null);
}
