"use strict";
// The workgroup board: renders summarize_athena_workgroup_sessions' digest, and every session it listed
// from the rows the digest puts in its result's _meta (it never lists or reads them again); a click opens
// one session's card (get_athena_session through the host's tools/call).
const MAX_ROWS = 500;
const BOARD_ROWS_META = "athena-session-mcp/sessions";  // tools/digest_models.py
// Finding codes that mean "about to be ended by the idle timeout" (or already past it, termination pending).
const NEAR_TIMEOUT_CODES = ["IDLE_TIMEOUT_SOON", "IDLE_TIMEOUT_PASSED"];

const Board = (() => {
  let digest = {};
  let workgroup = null;
  const rows = new Map();  // session_id -> row data
  const details = new Map();  // session_id -> summary from get_athena_session
  let root = null, cardPanel = null, timeline = null, statusLine = null, clock = null, selected = null;

  function singledOut() {
    // Sessions the digest names, with what it knows about them.
    const out = new Map();
    const add = (d, flag) => {
      const id = str(obj(d).session_id);
      if (!id) return;
      const known = out.get(id) || Object.assign({}, d, { flags: new Set() });
      known.flags.add(flag);
      out.set(id, known);
    };
    list(digest.near_idle_timeout).forEach((d) => add(d, "near"));
    list(digest.unhealthy).forEach((d) => add(d, "unhealthy"));
    if (isObject(digest.oldest_idle)) add(digest.oldest_idle, "oldest");
    return out;
  }

  function flagsOf(id, row) {
    const flags = new Set(obj(singledOut().get(id)).flags || []);
    const detail = details.get(id);
    const state = str(row.state);
    if (phaseOf(state, row.phase) === "unhealthy" || state === "FAILED") flags.add("unhealthy");
    if (row.near_idle_timeout === true) flags.add("near");
    if (detail && list(detail.findings).some((f) => NEAR_TIMEOUT_CODES.includes(obj(f).code))) flags.add("near");
    return flags;
  }

  function dpuOf(id) {
    const detail = details.get(id);
    if (detail && num(obj(detail.usage).dpu_hours) !== null) return detail.usage.dpu_hours;
    const row = rows.get(id) || singledOut().get(id);
    return row && num(row.dpu_hours) !== null ? row.dpu_hours : null;
  }

  function remainingOf(id) {
    const detail = details.get(id);
    const at = detail ? time(obj(detail.timing).idle_timeout_at) : time(obj(rows.get(id)).idle_timeout_at);
    if (at !== null) return Math.floor((at - Date.now()) / 1000);
    const named = singledOut().get(id);
    return named ? num(named.idle_timeout_remaining_seconds) : null;
  }

  function header() {
    const counts = obj(digest.counts_by_state);
    const usage = obj(digest.usage);
    const chips = Object.entries(counts).filter(([, n]) => num(n) !== null).map(([state, n]) =>
      el("span", { class: "badge " + (PHASE_LOOK[phaseOf(state)] || PHASE_LOOK.unknown).cls, "data-testid": "count-" + state },
        el("span", { "aria-hidden": "true", text: (PHASE_LOOK[phaseOf(state)] || PHASE_LOOK.unknown).icon }), state + " " + n));
    return el("div", { class: "panel" },
      el("div", { class: "row" }, el("h1", { "data-testid": "workgroup", text: "Workgroup " + (workgroup || "?") }),
        num(digest.sessions_listed) !== null ? el("span", { class: "muted", text: digest.sessions_listed + " sessions listed" }) : null),
      str(digest.headline) ? el("p", { class: "muted", style: "margin:4px 0", text: digest.headline }) : null,
      el("div", { class: "row", "data-testid": "counts", style: "margin-top:6px" }, chips.length ? chips : el("span", { class: "muted", text: "No sessions." })),
      el("div", { class: "grid" },
        stat("Alive", num(digest.alive) === null ? "–" : String(digest.alive), "alive"),
        // IDLE sessions from the digest's counts; "–" when the IDLE listing could not be read.
        stat("Accepting work (IDLE)", Array.isArray(digest.states_listed) && digest.states_listed.includes("IDLE") ? String(num(counts.IDLE) ?? 0) : "–", "accepting"),
        stat("DPU-hours", formatDpuHours(usage.total_dpu_hours), "total-dpu-hours"),
        stat("Estimated cost", num(usage.estimated_cost_usd) === null ? "–" : formatUsd(usage.estimated_cost_usd) + " (est.)", "total-cost")),
      digest.truncated === true && str(digest.hint) ? el("p", { class: "notice", text: digest.hint }) : null,
      el("h2", { text: "Findings" }), findingsList(digest.findings));
  }

  function renderTimeline() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.sessionId : undefined;
    drawTimeline();
    // Re-rendering must not take the keyboard focus away from the row the user is on.
    const again = focused && timeline.querySelector(".session-row[data-session-id=\"" + CSS.escape(focused) + "\"]");
    if (again) again.focus();
  }

  function drawTimeline() {
    const now = Date.now();
    const items = Array.from(rows.values());
    const starts = items.map((r) => time(r.started_at)).filter((t) => t !== null);
    const min = starts.length ? Math.min(...starts) : now - 3600e3;
    const max = Math.max(now, ...items.map((r) => time(r.ended_at) || 0));
    const span = Math.max(1, max - min);
    const axis = el("div", { class: "axis muted" }, el("span", { text: formatTime(min) }), el("span", { text: "now " + formatTime(now) }));
    if (!items.length) { timeline.replaceChildren(axis, el("p", { class: "muted", text: "No sessions to show." })); return; }
    timeline.replaceChildren(axis,
      ...items.map((r) => {
        const id = r.session_id, state = str(r.state), phase = phaseOf(state, r.phase);
        const look = PHASE_LOOK[phase] || PHASE_LOOK.unknown;
        const flags = flagsOf(id, r);
        const start = time(r.started_at), end = time(r.ended_at);
        const left = start === null ? 0 : (100 * (start - min)) / span;
        const width = start === null ? 0 : Math.max(0.8, (100 * ((end || now) - start)) / span);
        const remaining = remainingOf(id);
        const notes = [];
        if (flags.has("near")) notes.push("⚠ idle timeout " + (remaining !== null && remaining > 0 ? "in " + formatDuration(remaining) : "due"));
        if (flags.has("unhealthy")) notes.push("✖ " + (state === "FAILED" ? "failed" : "unhealthy"));
        const dpu = dpuOf(id);
        return el("button", {
          class: "session-row" + (flags.has("near") ? " flag-near" : "") + (flags.has("unhealthy") ? " flag-bad" : ""),
          type: "button", "data-session-id": id, "data-state": state || "UNKNOWN", "aria-pressed": String(id === selected),
          title: (str(r.state_change_reason) || str(r.description) || "") + " (open the session card)",
          onclick: () => open(id),
        },
          el("span", { class: "sid mono", text: id }),
          stateBadge(state, r.phase, "row-state"),
          el("span", { class: "track", "aria-hidden": "true" },
            el("span", { class: "bar " + look.cls + (end ? " ended" : " live"), style: "left:" + left.toFixed(2) + "%;width:" + Math.min(width, 100 - left).toFixed(2) + "%" })),
          el("span", { class: "dpu mono", "data-testid": "row-dpu", text: dpu === null ? "…" : formatDpuHours(dpu) }),
          el("span", { class: "note " + (flags.has("unhealthy") ? "s-bad" : flags.has("near") ? "s-warn" : "muted"), text: notes.join(" · ") || (end ? "ended " + formatTime(end) : "started " + formatTime(start)) }));
      }));
  }

  async function open(id) {
    selected = id;
    for (const b of timeline.querySelectorAll(".session-row")) b.setAttribute("aria-pressed", String(b.dataset.sessionId === id));
    if (!Bridge.canCallTools) {
      cardPanel.replaceChildren(el("p", { class: "notice", text: "This host cannot call tools from a view: ask for get_athena_session on " + id + "." }));
      return;
    }
    cardPanel.replaceChildren(el("p", { class: "muted", text: "Opening session " + id + "…" }));
    try {
      const result = await Bridge.callTool("get_athena_session", { SessionId: id });
      const content = structuredOf(result);
      if (content && isObject(content.summary)) details.set(id, content.summary);
      renderCard(cardPanel, content, Date.now());
    } catch (error) {
      cardPanel.replaceChildren(el("p", { class: "notice error", "data-testid": "error", text: error.message }));
    }
  }

  function addRows(sessions) {
    for (const s of list(sessions)) {
      const id = str(obj(s).session_id);
      if (id && !rows.has(id) && rows.size < MAX_ROWS) rows.set(id, s);
    }
  }

  function render(content, args, meta) {
    digest = obj(content);
    workgroup = str(digest.workgroup) || str(obj(args).WorkGroup);
    rows.clear(); details.clear();
    const listed = obj(meta)[BOARD_ROWS_META];
    statusLine = el("p", { class: "muted", "data-testid": "board-status" });
    timeline = el("div", { class: "timeline", "data-testid": "timeline" });
    cardPanel = el("div", { "data-testid": "card-panel" }, el("p", { class: "muted", text: "Choose a session above to open its card." }));
    root.replaceChildren(header(), el("h2", { text: "Sessions (start → end or now)" }), statusLine, timeline, el("h2", { text: "Session card" }), cardPanel);
    if (Array.isArray(listed)) {
      addRows(listed);
      statusLine.textContent = rows.size + " sessions" + (Bridge.canCallTools ? " · choose one to open its card." : ".");
    } else {
      addRows(Array.from(singledOut().values()));
      statusLine.textContent = "This host did not pass the digest's session rows: showing only the sessions it singled out.";
    }
    statusLine.dataset.complete = "true";
    renderTimeline();
    // Running sessions' bars and countdown notes move with time.
    if (clock) clearInterval(clock);
    clock = setInterval(renderTimeline, 15000);
  }

  return {
    mount(element) { root = element; },
    render,
  };
})();
