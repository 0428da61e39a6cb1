// The page of `gridbackup ui`: plain JavaScript over the JSON routes
// (/api/...), which answer with what the commands' --json prints.
"use strict";

// The token arrives once in the URL (?token=); the server set a cookie from
// it, and it is kept for this tab to send in the header, then taken out of
// the address bar so it is not bookmarked or shown.
const params = new URLSearchParams(location.search);
if (params.has("token")) {
  sessionStorage.setItem("gridbackup-token", params.get("token"));
  history.replaceState(null, "", location.pathname + location.hash);
}
const token = sessionStorage.getItem("gridbackup-token") || "";

const view = document.getElementById("view");

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(path, query) {
  const url = path + (query ? "?" + new URLSearchParams(query) : "");
  const res = await fetch(url, { headers: { "X-GridBackup-Token": token }, credentials: "same-origin" });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

// A POST carries the token in its header (the server refuses one without:
// a form or link of another site cannot set it).
async function post(path, form) {
  const res = await fetch(path, { method: "POST", headers: { "X-GridBackup-Token": token }, body: new URLSearchParams(form), credentials: "same-origin" });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + " " + units[i];
}

function duration(s) {
  if (s < 60) return Math.round(s) + " s";
  if (s < 3600) return Math.round(s / 60) + " min";
  if (s < 86400) return (s / 3600).toFixed(1) + " h";
  return (s / 86400).toFixed(1) + " days";
}

function when(iso) { return iso.replace("T", " ").replace("Z", " UTC"); }
function hashOf(name, query) { return "#" + name + (query ? "?" + new URLSearchParams(query) : ""); }
function dumpUrl(snapshot, path) { return "/api/dump?" + new URLSearchParams({ snapshot, path }); }
function stored(s) {
  return s.complete ? el("span", { class: "ok" }, "complete") : el("span", { class: "warn" }, s.pending_files + " files pending (" + bytes(s.pending_bytes) + ")");
}
function card(label, value, id) {
  return el("div", { class: "card" }, el("div", { class: "label" }, label), el("div", { class: "value", id }, value));
}

async function dashboard() {
  const snaps = await api("/api/snapshots");
  const last = snaps[snaps.length - 1];
  const hosts = [...new Set(snaps.map((s) => s.hostname))];
  const out = [el("h2", {}, "Dashboard")];
  const cards = el("div", { class: "cards" },
    card("Last snapshot", last ? last.short_id : "none", "last-snapshot"),
    card("Taken", last ? when(last.time) : "-", "last-time"),
    card("Stored", last ? stored(last) : "-", "last-complete"),
    card("Snapshots", snaps.length, "snapshot-count"),
    card("Hosts", hosts.length, "host-count"));
  out.push(cards);
  // The upload queue, as `status --json` says (this machine's queue).
  let st = null;
  try {
    st = await api("/api/status");
    cards.append(card("Upload queue", bytes(st.queued_bytes) + " in " + st.queued_files + " files", "queue-bytes"),
      card("ETA", st.eta_seconds === null ? "unknown" : duration(st.eta_seconds), "queue-eta"),
      card("Rate", st.rate_bytes_per_second ? bytes(st.rate_bytes_per_second) + "/s" : "-", "queue-rate"));
    out.push(el("h3", {}, "Upload rate, last 24 h"), rateChart(st.rate_history));
  } catch (e) {
    out.push(el("p", { class: "error", id: "status-error" }, "Upload queue: " + e.message));
  }
  // The service, as `service status --json` says, when one has run on this machine.
  try {
    out.push(await serviceSection(await api("/api/service")));
  } catch (e) {
    out.push(el("p", { class: "muted", id: "service-none" }, "Service: " + e.message));
    // No service: the health as status --json judges it from the repository and the queue.
    if (st) {
      const level = st.health.level;
      cards.prepend(card("Health", el("span", { class: level === "OK" ? "ok" : level === "WARNING" ? "warn" : "error" }, level), "health"));
      if (st.health.reasons.length) out.splice(2, 0, el("ul", { id: "health-reasons", class: "warn" }, ...st.health.reasons.map((r) => el("li", {}, r))));
    }
  }
  // The grid's members, as `grid status --json` says, when the repository is a grid.
  try {
    const g = await api("/api/grid");
    const table = el("table", { id: "grid-members" }, el("tr", {}, el("th", {}, "Member"), el("th", {}, "State")));
    for (const m of g.members)
      table.append(el("tr", { "data-member": m.id, "data-reachable": m.reachable }, el("td", {}, el("code", {}, m.id)),
        el("td", { class: m.reachable ? "ok" : "warn" }, m.state)));
    out.push(el("h3", {}, `Grid: ${g.k} of ${g.n} shares per object, ${g.members_down} member${g.members_down === 1 ? "" : "s"} down`), table);
  } catch (e) { /* not a grid */ }
  if (last) out.push(el("p", {}, el("a", { href: hashOf("browse", { snapshot: last.id, path: last.paths[0] }), id: "browse-last" }, "Browse the last snapshot")));
  view.replaceChildren(...out);
}

async function snapshots() {
  const snaps = await api("/api/snapshots");
  const out = [el("h2", {}, "Snapshots")];
  const hosts = [...new Set(snaps.map((s) => s.hostname))];
  for (const host of hosts) {
    const mine = snaps.filter((s) => s.hostname === host);
    const table = el("table", {}, el("tr", {}, ...["Snapshot", "Time", "Paths", "Files", "Size", "Stored", ""].map((h) => el("th", {}, h))));
    for (const [i, s] of [...mine.entries()].reverse()) {
      const paths = el("td", {});
      for (const p of s.paths) paths.append(el("a", { href: hashOf("browse", { snapshot: s.id, path: p }), class: "browse", "data-snapshot": s.short_id }, p), " ");
      table.append(el("tr", { "data-snapshot": s.short_id }, el("td", { class: "id" }, s.short_id), el("td", {}, when(s.time)), paths,
        el("td", { class: "num" }, s.files), el("td", { class: "num" }, bytes(s.bytes)), el("td", {}, stored(s)),
        el("td", {}, i ? el("a", { href: hashOf("diff", { from: mine[i - 1].id, to: s.id }), class: "diff-previous", "data-snapshot": s.short_id },
          "changes") : "")));
    }
    out.push(el("h3", {}, host), timeline(host, mine), table);
  }
  if (!snaps.length) out.push(el("p", { class: "muted" }, "No snapshot yet."));
  view.replaceChildren(...out);
}

// A host's snapshots over time: one mark a snapshot, its height the
// snapshot's size, drawn as plain SVG.
const svgNs = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function timeline(host, mine) {
  const w = 720, h = 120, left = 70, right = 10, top = 10, bottom = 24;
  const times = mine.map((s) => Date.parse(s.time));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const span = t1 - t0 || 1;
  const biggest = Math.max(1, ...mine.map((s) => s.bytes));
  // By time; marks taken in the same second (times have whole seconds) kept
  // apart, and evenly spaced when they would not fit that way.
  let xs = times.map((t) => mine.length === 1 ? left + (w - left - right) / 2 : left + (w - left - right) * (t - t0) / span);
  for (let i = 1; i < xs.length; i++) xs[i] = Math.max(xs[i], xs[i - 1] + 8);
  if (xs.length > 1 && xs[xs.length - 1] > w - right) xs = xs.map((_, i) => left + (w - left - right) * i / (xs.length - 1));
  const y = (b) => top + (h - top - bottom) * (1 - b / biggest);
  const plot = svg("svg", { class: "timeline", "data-host": host, viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img" },
    svg("title", {}, "snapshots of " + host + " over time, by size"),
    svg("line", { x1: left, y1: h - bottom, x2: w - right, y2: h - bottom, class: "axis" }),
    svg("line", { x1: left, y1: top, x2: left, y2: h - bottom, class: "axis" }),
    svg("text", { x: left - 6, y: top + 4, "text-anchor": "end" }, bytes(biggest)),
    svg("text", { x: left - 6, y: h - bottom, "text-anchor": "end" }, "0"),
    svg("text", { x: left, y: h - 6 }, when(mine[0].time)),
    svg("text", { x: w - right, y: h - 6, "text-anchor": "end" }, when(mine[mine.length - 1].time)));
  if (mine.length > 1)
    plot.append(svg("polyline", { class: "trend", points: mine.map((s, i) => xs[i] + "," + y(s.bytes)).join(" ") }));
  mine.forEach((s, i) => {
    const mark = svg("circle", { class: "mark" + (s.complete ? "" : " pending"), cx: xs[i], cy: y(s.bytes), r: 5, "data-snapshot": s.short_id },
      svg("title", {}, s.short_id + " " + when(s.time) + " " + bytes(s.bytes) + (s.complete ? "" : " (pending)")));
    const link = svg("a", { href: hashOf("browse", { snapshot: s.id, path: s.paths[0] }) }, mark);
    plot.append(link);
  });
  return plot;
}

// The service's health, pause and last upkeep of each kind; with it running,
// buttons that send it requests (as `service backup-now|pause|resume`).
const jobNames = { snapshot: "Snapshot", audit: "Audit (full scan)", upload: "Upload", forget: "Forget", prune: "Prune", verify: "Verify" };

function serviceSection(sv) {
  const level = sv.health ? sv.health.level : "unknown";
  const cls = level === "OK" ? "ok" : level === "unknown" ? "muted" : level === "WARNING" ? "warn" : "error";
  const box = el("section", { id: "service" }, el("h3", {}, "Service"),
    el("div", { class: "cards" },
      card("Health", el("span", { class: cls }, level), "service-health"),
      card("Service", sv.service_running ? "running" : "not running", "service-running"),
      card("Uploads", sv.uploads_paused ? "paused" : "running", "service-uploads")));
  if (sv.health && sv.health.reasons.length)
    box.append(el("ul", { id: "health-reasons", class: cls }, ...sv.health.reasons.map((r) => el("li", {}, r))));
  if (sv.paused_for) box.append(el("p", { class: "warn", id: "service-paused-for" }, "Uploads wait: " + sv.paused_for));
  const jobs = el("table", { id: "service-jobs" }, el("tr", {}, ...["Upkeep", "Last run", "Result"].map((h) => el("th", {}, h))));
  for (const j of sv.jobs)
    jobs.append(el("tr", { "data-job": j.job }, el("td", {}, jobNames[j.job] || j.job),
      el("td", {}, j.last_finished ? when(j.last_finished) + " (" + duration(j.seconds_ago) + " ago)" : "never"),
      el("td", { class: j.exit_code === null ? "muted" : j.exit_code === 0 ? "ok" : "warn" },
        j.exit_code === null ? "-" : j.exit_code === 0 ? "ok" : "exit code " + j.exit_code)));
  box.append(jobs);
  if (sv.service_running) {
    const said = el("p", { id: "service-said" });
    const ask = async (command, extra) => {
      try {
        const answer = await post("/api/service/control", { command, ...extra });
        said.className = "ok";
        said.textContent = command === "pause" ? "Paused" + (answer.user_pause && answer.user_pause.until_ns ? " until " +
          new Date(answer.user_pause.until_ns / 1e6).toLocaleString() : " until resumed") : command === "resume" ? (answer.was_paused ? "Resumed" : "It was not paused")
          : command === "backup-now" ? "A snapshot is being taken" : "An upload starts";
        said.setAttribute("data-answered", command);
        setTimeout(route, 1500);  // the service takes a request up within a second
      } catch (e) {
        said.className = "error";
        said.textContent = e.message;
      }
    };
    const button = (id, label, command, extra) => {
      const b = el("button", { id, type: "button" }, label);
      b.addEventListener("click", () => ask(command, extra));
      return b;
    };
    box.append(el("p", { class: "controls" }, button("backup-now", "Back up now", "backup-now"), " ",
      sv.user_pause ? button("resume", "Resume", "resume") : button("pause", "Pause 2 h", "pause", { for: "2h" }), " ",
      button("upload-now", "Upload now", "upload-now")), said);
  }
  return box;
}

// The upload rate over the last day (status --json's rate_history: a sample
// a minute of upload), a bar a minute.
function rateChart(history) {
  const w = 720, h = 90, left = 70, right = 10, top = 8, bottom = 20;
  const now = Date.now(), day = 24 * 3600 * 1000;
  const peak = Math.max(1, ...history.map((r) => r.rate_bytes_per_second));
  const x = (t) => left + (w - left - right) * (t - (now - day)) / day;
  const plot = svg("svg", { class: "rate", id: "rate-chart", viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img" },
    svg("title", {}, "upload rate over the last 24 hours"),
    svg("line", { x1: left, y1: h - bottom, x2: w - right, y2: h - bottom, class: "axis" }),
    svg("text", { x: left - 6, y: top + 4, "text-anchor": "end" }, bytes(peak) + "/s"),
    svg("text", { x: left - 6, y: h - bottom, "text-anchor": "end" }, "0"),
    svg("text", { x: left, y: h - 4 }, "24 h ago"),
    svg("text", { x: w - right, y: h - 4, "text-anchor": "end" }, "now"));
  const minute = (w - left - right) / 1440;
  for (const r of history) {
    const t = Date.parse(r.minute), bar = (h - top - bottom) * r.rate_bytes_per_second / peak;
    plot.append(svg("rect", { class: "rate-sample", x: x(t), y: h - bottom - bar, width: Math.max(1.5, minute), height: bar, "data-minute": r.minute },
      svg("title", {}, when(r.minute) + ": " + bytes(r.rate_bytes_per_second) + "/s")));
  }
  if (!history.length) plot.append(svg("text", { x: w / 2, y: h / 2, "text-anchor": "middle" }, "no upload in the last 24 hours"));
  return plot;
}

function crumbs(snapshot, path) {
  const out = el("p", { class: "crumbs" });
  let so_far = "";
  for (const part of path.split("/").filter(Boolean)) {
    so_far += "/" + part;
    out.append(el("a", { href: hashOf("browse", { snapshot, path: so_far }) }, part), "/");
  }
  return out;
}

async function browse(q) {
  const snapshot = q.get("snapshot"), path = q.get("path") || "/";
  const entries = await api("/api/ls", { snapshot, path });
  const table = el("table", { id: "entries" }, el("tr", {}, ...["Name", "Type", "Size", "Modified", ""].map((h) => el("th", {}, h))));
  for (const e of entries) {
    const name = e.path.slice(e.path.lastIndexOf("/") + 1);
    const modified = when(new Date(e.mtime_ns / 1e6).toISOString().slice(0, 19) + "Z");
    let link = name, actions = el("td", {});
    if (e.type === "dir") {
      link = el("a", { href: hashOf("browse", { snapshot, path: e.path }), class: "dir", "data-path": e.path }, name + "/");
      actions.append(el("a", { href: dumpUrl(snapshot, e.path), class: "tar", "data-path": e.path }, "tar"), " ");
    } else if (e.type === "file") {
      actions.append(el("a", { href: hashOf("versions", { path: e.path }), class: "versions", "data-path": e.path }, "versions"), " ",
        el("a", { href: dumpUrl(snapshot, e.path), class: "download", "data-path": e.path }, "download"), " ");
    }
    actions.append(el("a", { href: hashOf("restore", { snapshot, path: e.path }), class: "restore", "data-path": e.path }, "restore"));
    table.append(el("tr", {}, el("td", {}, link), el("td", {}, e.type), el("td", { class: "num" }, e.type === "file" ? bytes(e.size) : ""),
      el("td", {}, modified), actions));
  }
  const here = el("p", {}, el("a", { href: hashOf("restore", { snapshot, path }), id: "restore-here" }, "Restore this directory"), " · ",
    el("a", { href: dumpUrl(snapshot, path), id: "tar-here" }, "Download it as tar"));
  view.replaceChildren(el("h2", {}, "Snapshot ", el("span", { class: "id", id: "browse-snapshot" }, snapshot.slice(0, 8))), crumbs(snapshot, path),
    here, entries.length ? table : el("p", { class: "muted" }, "Empty directory."));
}

async function versions(q) {
  const path = q.get("path");
  const list = await api("/api/versions", { path });
  const table = el("table", { id: "versions" },
    el("tr", {}, ...["Snapshot", "Time", "Host", "Size", "Modified", "Content", "Kept by", ""].map((h) => el("th", {}, h))));
  for (const v of [...list].reverse())
    table.append(el("tr", { "data-snapshot": v.short_id }, el("td", { class: "id" }, v.short_id), el("td", {}, when(v.time)), el("td", {}, v.hostname),
      el("td", { class: "num" }, bytes(v.size)), el("td", {}, when(v.mtime)), el("td", { class: "id" }, v.content ? v.content.slice(0, 16) : "-"),
      el("td", { class: "num" }, v.snapshots), el("td", {}, v.type === "file"
        ? el("a", { href: dumpUrl(v.snapshot, path), class: "download", "data-snapshot": v.short_id }, "download") : "", " ",
        el("a", { href: hashOf("restore", { snapshot: v.snapshot, path }), class: "restore", "data-snapshot": v.short_id }, "restore"))));
  view.replaceChildren(el("h2", {}, "Versions of ", el("code", { id: "versions-path" }, path)),
    el("p", { class: "muted" }, list.length + " version" + (list.length === 1 ? "" : "s") + ", newest first"), table);
}

async function search(q) {
  const pattern = q.get("pattern") || "";
  const input = el("input", { id: "search-pattern", type: "text", size: 40, value: pattern, placeholder: "*.txt or /home/*/notes/*" });
  const form = el("form", { id: "search-form" }, input, " ", el("button", { type: "submit", id: "search-start" }, "Find"));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); location.hash = hashOf("search", { pattern: input.value }); });
  const out = [el("h2", {}, "Search"), el("p", { class: "muted" }, "Paths matching a pattern in every snapshot, as ", el("code", {}, "gridbackup find"),
    " (a pattern with / matches the whole path, one without it the name)."), form];
  if (pattern) {
    const found = await api("/api/find", { pattern });
    const table = el("table", { id: "matches" }, el("tr", {}, ...["Snapshot", "Time", "Host", "Path", "Type", "Size", ""].map((h) => el("th", {}, h))));
    let n = 0;
    for (const s of [...found].reverse())
      for (const m of s.matches) {
        n++;
        table.append(el("tr", { "data-snapshot": s.short_id, "data-path": m.path }, el("td", { class: "id" }, s.short_id), el("td", {}, when(s.time)),
          el("td", {}, s.hostname), el("td", {}, el("code", {}, m.path)), el("td", {}, m.type), el("td", { class: "num" }, m.type === "file" ? bytes(m.size) : ""),
          el("td", {}, m.type === "file" ? el("a", { href: hashOf("versions", { path: m.path }), class: "versions" }, "versions") : "", " ",
            el("a", { href: hashOf("restore", { snapshot: s.id, path: m.path }), class: "restore" }, "restore"))));
      }
    out.push(el("p", { id: "search-count" }, n + " match" + (n === 1 ? "" : "es") + " in " + found.length + " snapshot" + (found.length === 1 ? "" : "s")), table);
  }
  view.replaceChildren(...out);
}

const changeNames = { "+": "added", "-": "removed", M: "modified", T: "type changed", U: "metadata changed" };

async function diff(q) {
  const from = q.get("from"), to = q.get("to");
  const snaps = await api("/api/snapshots");
  const pick = (id, chosen) => el("select", { id }, ...[...snaps].reverse().map((s) =>
    el("option", { value: s.id, selected: s.id === chosen }, s.short_id + " " + when(s.time) + " " + s.hostname)));
  const a = pick("diff-from", from || (snaps.length > 1 ? snaps[snaps.length - 2].id : "")), b = pick("diff-to", to || (snaps.length ? snaps[snaps.length - 1].id : ""));
  const form = el("form", { id: "diff-form" }, "From ", a, " to ", b, " ", el("button", { type: "submit", id: "diff-start" }, "Compare"));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); location.hash = hashOf("diff", { from: a.value, to: b.value }); });
  const out = [el("h2", {}, "Changes between two snapshots"), el("p", { class: "muted" }, "As ", el("code", {}, "gridbackup diff"), "."), form];
  if (from && to) {
    const d = await api("/api/diff", { from, to });
    const sm = d.summary;
    out.push(el("p", { id: "diff-summary" }, `${sm.added} added (${bytes(sm.added_bytes)}), ${sm.removed} removed (${bytes(sm.removed_bytes)}), ` +
      `${sm.modified} modified (${bytes(sm.modified_bytes_before)} → ${bytes(sm.modified_bytes_after)}), ${sm.type_changed} type changed, ` +
      `${sm.metadata_changed} metadata only`));
    const table = el("table", { id: "changes" }, el("tr", {}, ...["", "Path", "Before", "After"].map((h) => el("th", {}, h))));
    const side = (x) => x ? x.type + (x.type === "file" ? " " + bytes(x.size) : "") : "";
    for (const c of d.changes)
      table.append(el("tr", { "data-change": c.change, "data-path": c.path }, el("td", { class: "id", title: changeNames[c.change] }, c.change),
        el("td", {}, el("code", {}, c.path)), el("td", {}, side(c.before)), el("td", {}, side(c.after))));
    out.push(d.changes.length ? table : el("p", { class: "muted" }, "No change."));
  }
  view.replaceChildren(...out);
}

// The overwrite modes of `restore --overwrite` (what to do with a file already in the target).
const overwriteModes = [
  ["always", "replace it (restore's default)"],
  ["if-changed", "replace it unless it is already the snapshot's"],
  ["if-newer", "replace it only when the snapshot's is newer"],
  ["never", "keep it"],
];

async function restoreForm(q) {
  const snapshot = q.get("snapshot"), path = q.get("path");
  const target = el("input", { id: "restore-target", type: "text", size: 50, placeholder: "/home/me/restored", required: true });
  const mode = el("select", { id: "restore-overwrite" }, ...overwriteModes.map(([m, what]) => el("option", { value: m }, m + ": " + what)));
  const problem = el("p", { class: "error", id: "restore-error" });
  const go = el("button", { id: "restore-start", type: "submit" }, "Restore");
  const form = el("form", { id: "restore-form" },
    el("p", {}, el("label", {}, "Into the directory (on this machine; the path lands below it as ", el("code", {}, "DIR" + path), ") ", target)),
    el("p", {}, el("label", {}, "A file already there: ", mode)), go, problem);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    go.disabled = true;
    try {
      const job = await post("/api/restore", { snapshot, path, target: target.value, overwrite: mode.value });
      location.hash = hashOf("job", { id: job.id });
    } catch (e) {
      problem.textContent = e.message;
      go.disabled = false;
    }
  });
  view.replaceChildren(el("h2", {}, "Restore ", el("code", { id: "restore-path" }, path)),
    el("p", { class: "muted" }, "From snapshot ", el("span", { class: "id" }, snapshot.slice(0, 8)), ", as ",
      el("code", {}, "gridbackup restore " + snapshot.slice(0, 8) + " --target DIR --overwrite MODE " + path), " would."), form);
}

// A job's progress, asked again every half second until it is over; then its result.
async function job(q) {
  const id = q.get("id");
  const shown = location.hash;
  const bar = el("progress", { id: "job-progress", max: 1, value: 0 });
  const figures = el("p", { id: "job-figures" });
  const outcome = el("div", { id: "job-result" });
  view.replaceChildren(el("h2", {}, "Restore job ", id), bar, figures, outcome);
  for (;;) {
    const j = await api("/api/job", { id });
    if (j.bytes_total) bar.value = j.bytes_done / j.bytes_total;
    figures.textContent = j.files_done + (j.files_total !== null ? " of " + j.files_total : "") + " files, " + bytes(j.bytes_done) +
      (j.bytes_total !== null ? " of " + bytes(j.bytes_total) : "") + ", " + j.seconds.toFixed(1) + " s";
    if (j.state !== "running") {
      bar.value = 1;
      showJobResult(j, outcome);
      return;
    }
    await new Promise((done) => setTimeout(done, 500));
    if (location.hash !== shown) return;  // the user went elsewhere
  }
}

function showJobResult(j, out) {
  out.setAttribute("data-state", j.state);
  if (j.state === "failed") {
    out.replaceChildren(el("p", { class: "error", id: "job-error" }, j.error));
    return;
  }
  const r = j.result;
  const problems = [...r.failures, ...r.damaged, ...r.mismatched].map((f) => el("li", {}, f.path + ": " + f.message));
  for (const p of r.not_uploaded) problems.push(el("li", {}, p + ": not uploaded yet"));
  out.replaceChildren(
    el("p", { class: j.exit_code === 0 ? "ok" : "warn", id: "job-summary" },
      (j.exit_code === 0 ? "Restored" : "Restored in part") + " to " + r.target + ": " + r.files + " files, " + r.dirs + " dirs, " + bytes(r.bytes) +
      " written; " + r.kept + " kept (" + bytes(r.kept_bytes) + ")"),
    problems.length ? el("ul", { class: "error" }, ...problems) : "");
}

async function route() {
  const [name, query] = (location.hash.slice(1) || "dashboard").split("?");
  const q = new URLSearchParams(query || "");
  try {
    if (name === "snapshots") await snapshots();
    else if (name === "browse") await browse(q);
    else if (name === "versions") await versions(q);
    else if (name === "restore") await restoreForm(q);
    else if (name === "search") await search(q);
    else if (name === "diff") await diff(q);
    else if (name === "job") await job(q);
    else await dashboard();
  } catch (e) {
    view.replaceChildren(el("p", { class: "error", id: "error" }, e.message));
  }
}

window.addEventListener("hashchange", route);
route();
