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

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + " " + units[i];
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
  try {
    const st = await api("/api/status");
    cards.append(card("Upload queue", bytes(st.queued_bytes) + " in " + st.queued_files + " files", "queue-bytes"));
  } catch (e) { /* the status route is optional */ }
  if (last) out.push(el("p", {}, el("a", { href: hashOf("browse", { snapshot: last.id, path: last.paths[0] }), id: "browse-last" }, "Browse the last snapshot")));
  view.replaceChildren(...out);
}

async function snapshots() {
  const snaps = await api("/api/snapshots");
  const out = [el("h2", {}, "Snapshots")];
  const hosts = [...new Set(snaps.map((s) => s.hostname))];
  for (const host of hosts) {
    const mine = snaps.filter((s) => s.hostname === host);
    const biggest = Math.max(1, ...mine.map((s) => s.bytes));
    const line = el("div", { class: "timeline", title: "size of each snapshot, oldest first" });
    for (const s of mine)
      line.append(el("a", { href: hashOf("browse", { snapshot: s.id, path: s.paths[0] }), class: s.complete ? "" : "pending",
        title: s.short_id + " " + when(s.time) + " " + bytes(s.bytes), style: "height:" + Math.max(4, Math.round(56 * s.bytes / biggest)) + "px" }));
    const table = el("table", {}, el("tr", {}, ...["Snapshot", "Time", "Paths", "Files", "Size", "Stored"].map((h) => el("th", {}, h))));
    for (const s of [...mine].reverse()) {
      const paths = el("td", {});
      for (const p of s.paths) paths.append(el("a", { href: hashOf("browse", { snapshot: s.id, path: p }), class: "browse", "data-snapshot": s.short_id }, p), " ");
      table.append(el("tr", { "data-snapshot": s.short_id }, el("td", { class: "id" }, s.short_id), el("td", {}, when(s.time)), paths,
        el("td", { class: "num" }, s.files), el("td", { class: "num" }, bytes(s.bytes)), el("td", {}, stored(s))));
    }
    out.push(el("h3", {}, host), line, table);
  }
  if (!snaps.length) out.push(el("p", { class: "muted" }, "No snapshot yet."));
  view.replaceChildren(...out);
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
    } else if (e.type === "file") {
      actions.append(el("a", { href: hashOf("versions", { path: e.path }), class: "versions", "data-path": e.path }, "versions"), " ",
        el("a", { href: dumpUrl(snapshot, e.path), class: "download", "data-path": e.path }, "download"));
    }
    table.append(el("tr", {}, el("td", {}, link), el("td", {}, e.type), el("td", { class: "num" }, e.type === "file" ? bytes(e.size) : ""),
      el("td", {}, modified), actions));
  }
  view.replaceChildren(el("h2", {}, "Snapshot ", el("span", { class: "id", id: "browse-snapshot" }, snapshot.slice(0, 8))), crumbs(snapshot, path),
    entries.length ? table : el("p", { class: "muted" }, "Empty directory."));
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
        ? el("a", { href: dumpUrl(v.snapshot, path), class: "download", "data-snapshot": v.short_id }, "download") : "")));
  view.replaceChildren(el("h2", {}, "Versions of ", el("code", { id: "versions-path" }, path)),
    el("p", { class: "muted" }, list.length + " version" + (list.length === 1 ? "" : "s") + ", newest first"), table);
}

async function route() {
  const [name, query] = (location.hash.slice(1) || "dashboard").split("?");
  const q = new URLSearchParams(query || "");
  try {
    if (name === "snapshots") await snapshots();
    else if (name === "browse") await browse(q);
    else if (name === "versions") await versions(q);
    else await dashboard();
  } catch (e) {
    view.replaceChildren(el("p", { class: "error", id: "error" }, e.message));
  }
}

window.addEventListener("hashchange", route);
route();
