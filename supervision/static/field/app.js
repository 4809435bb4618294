// Field app (现场检查): works offline. Data from /field/api/inspections/ and everything the
// inspector enters live in IndexedDB; records go out through a visible outbox, each with a
// client-made UUID so that a retry never makes a duplicate on the server.
const _ = (s) => (window.gettext ? window.gettext(s) : s);
const fmt = (s, o) => (window.interpolate ? window.interpolate(s, o, false) : s);
const CHUNK = 64 * 1024; // small enough for a weak network
const MAX_SIDE = 2000;

// --- IndexedDB --------------------------------------------------------------------------------
let dbp;
function db() {
  dbp ||= new Promise((ok, ko) => {
    const r = indexedDB.open("field", 1);
    r.onupgradeneeded = () => {
      for (const s of ["meta", "drafts", "photos", "outbox"]) r.result.createObjectStore(s);
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  return dbp;
}
async function tx(store, mode, fn) {
  const d = await db();
  return new Promise((ok, ko) => {
    const t = d.transaction(store, mode);
    const req = fn(t.objectStore(store));
    t.oncomplete = () => ok(req && req.result);
    t.onerror = () => ko(t.error);
  });
}
const get = (s, k) => tx(s, "readonly", (o) => o.get(k));
const put = (s, k, v) => tx(s, "readwrite", (o) => o.put(v, k));
const all = (s) => tx(s, "readonly", (o) => o.getAll());

// --- state --------------------------------------------------------------------------------------
let data = null; // {me, today, inspections, checklists}
const $ = (sel, el = document) => el.querySelector(sel);
const app = $("#app");
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const uuid = () => crypto.randomUUID();
const inspection = (id) => data && data.inspections.find((i) => i.id === +id);
const checklist = (insp) => data.checklists.find((c) => c.id === insp.checklist);
const itemsOf = (cl) => cl.sections.flatMap((s) => s.items);
// The server's limits (settings), announced in the bootstrap JSON: checked here, before the
// inspector leaves the institution, with the same numbers the server enforces.
const DEFAULT_LIMITS = { note_chars: 2000, value_chars: 500, name_chars: 60, photos_per_inspection: 100, photos_per_item: 10, photo_bytes: 8 * 1024 * 1024 };
const limits = () => ({ ...DEFAULT_LIMITS, ...(data?.limits || {}) });
const sectionOf = (cl, code) => cl.sections.findIndex((s) => s.items.some((it) => it.code === code));
let flash = null; // {item, text}: a message shown once on the item it concerns

async function draft(id) {
  return (await get("drafts", +id)) || { answers: {}, signatures: {}, representative: { name: "", refused: false } };
}
const saveDraft = (id, d) => put("drafts", +id, d);

function csrf() {
  const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : $('meta[name="csrf-token"]').content;
}
async function post(url, body, type = "application/json") {
  return fetch(url, {
    method: "POST", credentials: "same-origin", body,
    headers: { "Content-Type": type, "X-CSRFToken": csrf() },
  });
}

// --- the session ------------------------------------------------------------------------------
// The server answers 401 when the login has ended (idle timeout, or the second factor not given):
// nothing in the outbox is touched; the inspector logs in again from the link and the app, opened
// again after the login, sends what waits.
class SessionEnded extends Error {}
function sessionEnded(answer) {
  const url = typeof answer.login_url === "string" && /^\/(?!\/)/.test(answer.login_url) ? answer.login_url : "/accounts/login/?next=/field/";
  const box = $("#session-ended");
  box.innerHTML = `${esc(_("Your login has ended. The records on this tablet are kept and will be sent after you log in again."))}
    <a class="btn" id="login-again" href="${esc(url)}">${esc(_("Log in again"))}</a>`;
  box.hidden = false;
}

// --- loading ------------------------------------------------------------------------------------
async function refresh() {
  try {
    const r = await fetch("/field/api/inspections/", { credentials: "same-origin", cache: "no-store" });
    if (r.status === 401) return sessionEnded(await r.json().catch(() => ({})));
    if (r.redirected || !r.ok) return;
    const fresh = await r.json();
    // Keep inspections that still have unsent local work, even if the server no longer lists them.
    const pending = new Set((await all("outbox")).filter((o) => o.state !== "sent").map((o) => o.inspection));
    for (const i of data?.inspections || []) {
      if (pending.has(i.id) && !fresh.inspections.some((f) => f.id === i.id)) fresh.inspections.push(i);
    }
    for (const c of data?.checklists || []) if (!fresh.checklists.some((f) => f.id === c.id)) fresh.checklists.push(c);
    data = fresh;
    await put("meta", "data", data);
  } catch (e) { /* offline: keep what we have */ }
}

function setNet() {
  const n = $("#net");
  n.textContent = navigator.onLine ? _("Online") : _("Offline");
  n.className = navigator.onLine ? "net" : "net off";
}

// --- rendering ----------------------------------------------------------------------------------
// A render that finished its awaits after the inspector moved on must not paint over the new screen.
const stale = (hash) => location.hash.replace(/^#\/?/, "") !== hash.replace(/^#\/?/, "");
async function route() {
  setNet();
  await countOutbox();
  if (!data) { app.innerHTML = `<p class="msg err">${esc(_("Open this page once with a network connection to load your inspections."))}</p>`; return; }
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  if (parts[0] === "i" && inspection(parts[1])) {
    const insp = inspection(parts[1]);
    if (parts[2] === "s") return renderSection(insp, +parts[3] || 0, parts[4] && decodeURIComponent(parts[4]));
    if (parts[2] === "sign") return renderSign(insp);
    if (parts[2] === "review") return renderReview(insp);
    return renderFacts(insp);
  }
  if (parts[0] === "outbox") return renderOutbox();
  return renderHome();
}

async function countOutbox() {
  const n = (await all("outbox")).filter((o) => o.state !== "sent").length;
  $("#outbox-count").textContent = n;
}

function card(i, extra = "") {
  return `<div class="card" data-inspection="${i.id}"><strong>${esc(i.institution.name)}</strong>
    <div class="muted">${esc(i.kind)} · ${esc(i.scheduled_for || _("no date yet"))}${i.announced ? "" : " · " + esc(_("unannounced"))}</div>
    <div class="small">${esc(i.institution.address)}</div>${extra}
    <a class="btn primary" href="#/i/${i.id}">${esc(_("Open"))}</a></div>`;
}

async function renderHome() {
  const outbox = await all("outbox");
  const sentFor = new Set(outbox.filter((o) => o.state === "sent").map((o) => o.inspection));
  const open = data.inspections.filter((i) => !sentFor.has(i.id));
  const today = open.filter((i) => i.scheduled_for && i.scheduled_for <= data.today);
  const later = open.filter((i) => !today.includes(i));
  const toSync = outbox.filter((o) => o.state !== "sent");
  app.innerHTML = `<h1>${esc(fmt(_("Inspections of %s"), [data.me.name]))}</h1>
    <h2>${esc(_("Today"))}</h2>${today.map((i) => card(i)).join("") || `<p class="muted">${esc(_("None."))}</p>`}
    <h2>${esc(_("Upcoming"))}</h2>${later.map((i) => card(i)).join("") || `<p class="muted">${esc(_("None."))}</p>`}
    <h2>${esc(_("To sync"))}</h2>${toSync.map(outboxRow).join("") || `<p class="muted">${esc(_("Nothing waiting."))}</p>`}`;
}

async function renderFacts(i) {
  const f = i.institution;
  const rows = [[_("Address"), f.address], [_("Unified social credit code"), f.credit_code], [_("Kind"), f.kind],
    [_("Ownership"), f.ownership], [_("Beds"), f.beds], [_("Legal representative"), f.legal_representative],
    [_("Contact"), `${f.contact_person} ${f.contact_phone}`], [_("Credit class"), f.credit_class || "—"],
    [_("Team"), i.team.map((t) => t.name).join("、")], [_("Notice"), i.notice_number || (i.announced ? "—" : _("unannounced"))]];
  const cl = checklist(i);
  app.innerHTML = `<h1>${esc(f.name)}</h1><div class="card"><dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl></div>
    <div class="card">${esc(cl.title)} v${cl.version} · ${esc(fmt(_("%s items"), [itemsOf(cl).length]))}</div>
    <div class="row"><a class="btn primary" id="start" href="#/i/${i.id}/s/0">${esc(_("Start the checklist"))}</a>
    <a class="btn" href="#/i/${i.id}/review">${esc(_("Review"))}</a></div>`;
  const d = await draft(i.id);
  if (!d.started_at) { d.started_at = new Date().toISOString(); d.revision = i.revision; await saveDraft(i.id, d); }
}

const COMPLIANCE = () => [["compliant", _("Compliant")], ["non_compliant", _("Non-compliant")], ["not_applicable", _("Not applicable")]];
const SEVERITIES = "ABCDEFGHIJKL".split("");

function answered(item, a) {
  return a && (item.answer === "text" || (a.value !== undefined && a.value !== ""));
}

async function renderSection(i, n, focus) {
  const cl = checklist(i);
  const section = cl.sections[n];
  if (!section) { location.hash = `#/i/${i.id}/sign`; return; }
  const d = await draft(i.id);
  const items = itemsOf(cl);
  const done = items.filter((it) => answered(it, d.answers[it.code])).length;
  const photos = (await all("photos")).filter((p) => p.inspection === i.id);
  if (stale(`#/i/${i.id}/s/${n}` + (focus ? `/${encodeURIComponent(focus)}` : ""))) return;
  const cleared = d.signaturesCleared;
  app.innerHTML = `<h1>${esc(section.title)}</h1>
    <div class="muted">${esc(fmt(_("Section %s of %s · %s of %s items answered"), [n + 1, cl.sections.length, done, items.length]))}</div>
    <div class="progress" role="progressbar" aria-valuenow="${done}" aria-valuemax="${items.length}"><i style="width:${(100 * done) / items.length}%"></i></div>
    ${cleared ? `<p class="msg err" id="signatures-cleared" role="alert">${esc(_("The record changed after it was signed: the signatures were cleared. Ask for them again."))}</p>` : ""}
    ${section.items.map((it) => itemHtml(it, d.answers[it.code] || {}, photos)).join("")}
    <div class="nav">${n > 0 ? `<a class="btn" href="#/i/${i.id}/s/${n - 1}">${esc(_("Previous"))}</a>` : "<span></span>"}
    <a class="btn primary" id="next" href="#/i/${i.id}/${n + 1 < cl.sections.length ? "s/" + (n + 1) : "sign"}">${esc(_("Next"))}</a></div>`;
  flash = null;
  if (focus) {
    const box = app.querySelector(`.item[data-item="${CSS.escape(focus)}"]`);
    if (box) { box.classList.add("focus"); box.scrollIntoView({ block: "center" }); box.querySelector("button, input, textarea")?.focus(); }
  }
  app.onclick = async (e) => {
    const b = e.target.closest("button[data-value]");
    if (!b) return;
    const code = b.closest(".item").dataset.item;
    await setAnswer(i, code, { value: b.dataset.value });
    renderSection(i, n);
  };
  app.onchange = async (e) => {
    const el = e.target, box = el.closest(".item");
    if (!box) return;
    const code = box.dataset.item;
    if (el.type === "file") {
      for (const file of el.files) {
        const problem = await addPhoto(i, code, file);
        if (problem) { flash = { item: code, text: problem }; break; }
      }
      return renderSection(i, n);
    }
    const field = el.dataset.field;
    await setAnswer(i, code, { [field]: el.type === "checkbox" ? el.checked : el.value });
    if (field === "value" || tooLong(field, el.value) || box.querySelector(".msg.too-long")) renderSection(i, n);
  };
  app.oninput = (e) => {
    const el = e.target, box = el.closest(".item");
    if (!box || !el.dataset.field) return;
    const over = tooLong(el.dataset.field, el.value);
    let msg = el.parentElement.querySelector(".msg.too-long.live");
    if (over && !msg) { msg = document.createElement("p"); msg.className = "msg err too-long live"; msg.setAttribute("role", "alert"); el.after(msg); }
    if (msg) msg.textContent = over || "";
  };
}

// The message for text over its announced limit ("" when it fits).
function tooLong(field, text) {
  const limit = field === "note" ? limits().note_chars : field === "value" ? limits().value_chars : field === "name" ? limits().name_chars : null;
  const n = [...String(text ?? "")].length;
  return limit && n > limit ? fmt(_("Too long: %s characters, at most %s."), [n, limit]) : "";
}

function itemHtml(it, a, photos) {
  const mine = photos.filter((p) => p.item === it.code);
  const over = (field) => { const m = tooLong(field, a[field]); return m ? `<p class="msg err too-long" role="alert">${esc(m)}</p>` : ""; };
  let control;
  if (it.answer === "compliance") {
    control = `<div class="row" role="group">${COMPLIANCE().map(([v, l]) =>
      `<button type="button" class="btn ${v === "non_compliant" ? "no" : ""}" data-value="${v}" aria-pressed="${a.value === v}">${esc(l)}</button>`).join("")}</div>`;
  } else if (it.answer === "number") {
    control = `<input type="number" inputmode="decimal" data-field="value" value="${esc(a.value ?? "")}" aria-label="${esc(it.title)}">`;
  } else {
    control = `<textarea data-field="value" rows="2" aria-label="${esc(it.title)}">${esc(a.value ?? "")}</textarea>${over("value")}`;
  }
  let finding = "";
  if (a.value === "non_compliant") {
    const sev = a.severity || it.severity;
    finding = `<label>${esc(_("What is wrong"))}<textarea data-field="note" rows="2">${esc(a.note || "")}</textarea></label>${over("note")}
      <label>${esc(_("Severity (A–L)"))}<select data-field="severity">${SEVERITIES.filter((s) => !it.major_hazard || s >= "J").map((s) =>
        `<option ${s === sev ? "selected" : ""}>${s}</option>`).join("")}</select></label>
      <label class="row"><input type="checkbox" data-field="needs_rectification" style="width:32px;height:32px" ${a.needs_rectification === false ? "" : "checked"}> ${esc(_("Needs rectification"))}</label>
      ${it.photo_required && !mine.length ? `<p class="msg err">${esc(_("A photo is required."))}</p>` : ""}`;
  }
  return `<div class="item" data-item="${esc(it.code)}"><div><strong>${esc(it.code)}</strong> ${esc(it.title)}${it.major_hazard ? ` <span class="state failed">${esc(_("major hazard"))}</span>` : ""}</div>
    <div class="basis">${esc(it.legal_basis)}</div>${control}${finding}
    ${flash && flash.item === it.code ? `<p class="msg err photo-error" role="alert">${esc(flash.text)}</p>` : ""}
    <div class="row thumbs">${mine.map((p) => `<img alt="" src="${URL.createObjectURL(p.blob)}">`).join("")}
    <label class="btn">${esc(_("Take a photo"))}<input type="file" accept="image/*" capture="environment" hidden></label></div></div>`;
}

async function setAnswer(i, code, fields) {
  const d = await draft(i.id);
  const it = itemsOf(checklist(i)).find((x) => x.code === code);
  const before = JSON.stringify(d.answers[code] || {});
  d.answers[code] = { ...(d.answers[code] || {}), ...fields };
  if (fields.value === "non_compliant" && !d.answers[code].severity) d.answers[code].severity = it.severity;
  // Switched back to compliant (or n/a): the old finding's note and severity are not part of the record.
  if (fields.value !== undefined && fields.value !== "non_compliant") { delete d.answers[code].note; delete d.answers[code].severity; }
  if (JSON.stringify(d.answers[code]) !== before) changed(d);
  await saveDraft(i.id, d);
}

// Any change to the content after signing clears the signatures: each one binds what its signer saw.
function changed(d) {
  if (Object.keys(d.signatures || {}).length) { d.signatures = {}; d.signaturesCleared = true; }
}

// Downscale on the device: at most 2000 px on the long side, JPEG.
async function downscale(file) {
  const bmp = await createImageBitmap(file);
  const k = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
  const c = document.createElement("canvas");
  c.width = Math.round(bmp.width * k); c.height = Math.round(bmp.height * k);
  c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
  return new Promise((ok) => c.toBlob(ok, "image/jpeg", 0.82));
}

async function sha256(blob) {
  const h = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(h)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Returns a message when the photo cannot be kept (unreadable, too large, too many), "" when kept.
async function addPhoto(i, code, file) {
  let blob;
  try {
    blob = await downscale(file);
  } catch (e) {
    return fmt(_("The photo “%s” could not be read: take it again or choose another picture."), [file.name]);
  }
  if (!blob) return fmt(_("The photo “%s” could not be read: take it again or choose another picture."), [file.name]);
  const L = limits();
  if (blob.size > L.photo_bytes) return fmt(_("The photo is too large even after shrinking (at most %s MB)."), [Math.floor(L.photo_bytes / 1048576)]);
  const photos = (await all("photos")).filter((x) => x.inspection === i.id);
  if (photos.length >= L.photos_per_inspection) return fmt(_("At most %s photos per inspection."), [L.photos_per_inspection]);
  if (photos.filter((x) => x.item === code).length >= L.photos_per_item) return fmt(_("At most %s photos per item."), [L.photos_per_item]);
  const p = { uuid: uuid(), inspection: i.id, item: code, blob, size: blob.size, sha256: await sha256(blob), taken_at: new Date().toISOString(), sent: false };
  await put("photos", p.uuid, p);
  const d = await draft(i.id);
  d.answers[code] = { ...(d.answers[code] || {}) };
  d.answers[code].photos = [...(d.answers[code].photos || []), p.uuid];
  changed(d);
  await saveDraft(i.id, d);
  return "";
}

// --- signing ------------------------------------------------------------------------------------
async function renderSign(i) {
  const d = await draft(i.id);
  if (stale(`#/i/${i.id}/sign`)) return;
  const cleared = d.signaturesCleared;
  if (cleared) { delete d.signaturesCleared; await saveDraft(i.id, d); }
  const pos = d.position;
  const signers = [...i.team.map((t) => ({ key: `o${t.id}`, name: t.name, official: t.id, role: "inspector" })),
    { key: "rep", name: d.representative.name, role: "representative" }];
  app.innerHTML = `<h1>${esc(_("Position and signatures"))}</h1>
    <div class="card"><button class="btn" id="gps" type="button">${esc(_("Record the position"))}</button>
      <span id="pos">${pos ? esc(fmt(_("%s, %s (±%s m)"), [pos.latitude.toFixed(6), pos.longitude.toFixed(6), Math.round(pos.accuracy)])) : esc(_("Not recorded"))}</span></div>
    ${cleared ? `<p class="msg err" id="signatures-cleared" role="alert">${esc(_("The record changed after it was signed: the signatures were cleared. Ask for them again."))}</p>` : ""}
    ${signers.map((s) => signerHtml(s, d.signatures[s.key], d)).join("")}
    <div class="nav"><a class="btn" href="#/i/${i.id}/s/0">${esc(_("Checklist"))}</a><a class="btn primary" id="to-review" href="#/i/${i.id}/review">${esc(_("Review"))}</a></div>`;
  $("#gps").onclick = () => {
    $("#pos").textContent = _("Locating…");
    navigator.geolocation.getCurrentPosition(async (p) => {
      const dd = await draft(i.id);
      dd.position = { latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy, at: new Date(p.timestamp).toISOString() };
      await saveDraft(i.id, dd); renderSign(i);
    }, (err) => { $("#pos").textContent = _("Position not available: ") + err.message; }, { enableHighAccuracy: true, timeout: 20000 });
  };
  for (const canvas of app.querySelectorAll("canvas.pad")) pad(canvas);
  app.onclick = async (e) => {
    const b = e.target.closest("button[data-sign]");
    if (!b) return;
    const box = b.closest("[data-signer]");
    const key = box.dataset.signer, dd = await draft(i.id);
    const signer = signers.find((s) => s.key === key);
    const name = signer.role === "representative" ? $("input[data-rep-name]", box).value.trim() : signer.name;
    if (signer.role === "representative") dd.representative = { name, refused: b.dataset.sign === "refused" };
    if (b.dataset.sign === "clear") { delete dd.signatures[key]; await saveDraft(i.id, dd); return renderSign(i); }
    // Each mark binds the content its signer saw; a teammate confirming without drawing gives their own password.
    const sig = { role: signer.role, official: signer.official || null, name, method: b.dataset.sign, at: new Date().toISOString(), content_sha256: await contentSha256(dd) };
    if (sig.method === "confirmed" && signer.role === "inspector" && signer.official !== data.me.id) {
      const credential = $("input[data-credential]", box).value;
      if (!credential) { alert(fmt(_("To confirm without drawing, %s enters their own password."), [signer.name])); return; }
      sig.credential = credential;
    }
    if (tooLong("name", name)) { alert(tooLong("name", name)); return; }
    if (sig.method === "drawn") {
      const c = $("canvas", box);
      if (!c.dataset.inked) { alert(_("Draw the signature in the box first, or use “Confirm without drawing”.")); return; }
      sig.image = c.toDataURL("image/png");
    }
    if (signer.role === "representative" && !name && sig.method !== "refused") { alert(_("Enter the representative's name.")); return; }
    dd.signatures[key] = sig;
    await saveDraft(i.id, dd); renderSign(i);
  };
  app.onchange = null;
}

function signerHtml(s, sig, d) {
  const label = s.role === "inspector" ? fmt(_("Inspector %s"), [s.name]) : _("Institution representative");
  const done = sig ? `<p class="state sent">${esc(sig.method === "refused" ? _("Refused to sign (recorded)") : fmt(_("Signed by %s"), [sig.name]))}</p>
    ${sig.image ? `<img alt="" src="${sig.image}" style="height:60px">` : ""}<button class="btn" data-sign="clear" type="button">${esc(_("Sign again"))}</button>` : "";
  return `<div class="card" data-signer="${s.key}"><h2>${esc(label)}</h2>
    ${s.role === "representative" ? `<label>${esc(_("Representative's name"))}<input type="text" data-rep-name value="${esc(d.representative.name)}"></label>` : ""}
    ${done || `<canvas class="pad" width="720" height="180" aria-label="${esc(_("Signature pad"))}"></canvas>
    ${s.role === "inspector" && s.official !== data.me.id ? `<label>${esc(fmt(_("Or, to confirm without drawing: %s's own password"), [s.name]))}<input type="password" data-credential autocomplete="off"></label>` : ""}
    <div class="row"><button class="btn primary" data-sign="drawn" type="button">${esc(_("Save signature"))}</button>
    <button class="btn" data-sign="confirmed" type="button">${esc(_("Confirm without drawing"))}</button>
    ${s.role === "representative" ? `<button class="btn danger" data-sign="refused" type="button">${esc(_("Refused to sign"))}</button>` : ""}</div>`}</div>`;
}

function pad(canvas) {
  const ctx = canvas.getContext("2d");
  ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#000";
  let last = null;
  const at = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
  canvas.onpointerdown = (e) => { last = at(e); canvas.setPointerCapture(e.pointerId); };
  canvas.onpointermove = (e) => {
    if (!last) return;
    const p = at(e);
    ctx.beginPath(); ctx.moveTo(...last); ctx.lineTo(...p); ctx.stroke();
    last = p; canvas.dataset.inked = "1";
  };
  canvas.onpointerup = canvas.onpointercancel = () => { last = null; };
}

// --- review and submit --------------------------------------------------------------------------
// What stands in the way of submitting: [{text, item}] (item: the checklist item to jump to).
function problemsOf(i, d, digest) {
  const problems = [];
  const items = itemsOf(checklist(i));
  const missing = items.filter((it) => it.answer !== "text" && !answered(it, d.answers[it.code]));
  if (missing.length) problems.push({ text: fmt(_("%s items not answered yet:"), [missing.length]) });
  for (const it of missing) problems.push({ text: fmt(_("“%s” is not answered."), [it.title]), item: it.code });
  for (const it of items) {
    const a = d.answers[it.code];
    if (!a) continue;
    for (const field of ["value", "note"]) {
      const over = tooLong(field, a[field]);
      if (over) problems.push({ text: `“${it.title}”: ${over}`, item: it.code });
    }
    if (a.value === "non_compliant") {
      if (!(a.note || "").trim()) problems.push({ text: fmt(_("“%s”: describe what is non-compliant."), [it.title]), item: it.code });
      if (it.photo_required && !(a.photos || []).length) problems.push({ text: fmt(_("“%s”: a photo is required."), [it.title]), item: it.code });
    }
  }
  const stale = Object.values(d.signatures).filter((sig) => sig.content_sha256 !== digest);
  for (const sig of stale) problems.push({ text: fmt(_("The record changed after %s signed: sign again."), [sig.name || _("the representative")]) });
  const inspectors = i.team.filter((t) => d.signatures[`o${t.id}`]).length;
  if (inspectors < 2) problems.push({ text: _("Both inspectors must sign the record.") });
  if (!d.signatures.rep) problems.push({ text: _("The institution's representative must sign, or the refusal be recorded.") });
  return problems;
}

function problemHtml(i, p) {
  const cl = checklist(i);
  const go = p.item ? ` <a class="btn go-to-item" href="#/i/${i.id}/s/${sectionOf(cl, p.item)}/${encodeURIComponent(p.item)}">${esc(_("Go to the item"))}</a>` : "";
  return `<p class="msg err"${p.item ? ` data-problem-item="${esc(p.item)}"` : ""}>${esc(p.text)}${go}</p>`;
}

// The record's content as sent (and as hashed for the signatures).
function answersOf(d) {
  return Object.entries(d.answers).map(([item, a]) => ({
    item, value: String(a.value ?? ""), note: a.value === "non_compliant" ? a.note || "" : "",
    severity: a.value === "non_compliant" ? a.severity || "" : "",
    needs_rectification: a.needs_rectification !== false, photos: a.photos || [],
  }));
}

// SHA-256 of compact JSON [[item, value, note, severity, needs_rectification, photos], …] sorted by item:
// the server computes the same (sync.content_sha256) and refuses a mark made on other content.
async function contentSha256(d) {
  const rows = answersOf(d).map((a) => [a.item, a.value, a.note, a.severity, a.needs_rectification, a.photos])
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const h = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(rows)));
  return [...new Uint8Array(h)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function renderReview(i) {
  const d = await draft(i.id);
  const items = itemsOf(checklist(i));
  const findings = items.filter((it) => d.answers[it.code]?.value === "non_compliant");
  const problems = problemsOf(i, d, await contentSha256(d));
  const box = (await all("outbox")).find((o) => o.inspection === i.id && o.state !== "sent");
  if (stale(`#/i/${i.id}/review`)) return;
  app.innerHTML = `<h1>${esc(_("Review before submitting"))}</h1>
    <div class="card">${esc(fmt(_("%s of %s items answered"), [items.filter((it) => answered(it, d.answers[it.code])).length, items.length]))}</div>
    <h2>${esc(_("Findings"))}</h2>${findings.map((it) => `<div class="card"><strong>${esc(it.title)}</strong> · ${esc(d.answers[it.code].severity)}<div>${esc(d.answers[it.code].note || "")}</div></div>`).join("") || `<p class="muted">${esc(_("No findings."))}</p>`}
    ${box ? outboxRow(box) : ""}
    ${problems.map((p) => problemHtml(i, p)).join("")}
    <div class="nav"><a class="btn" href="#/i/${i.id}/sign">${esc(_("Back"))}</a>
    <button class="btn primary" id="submit" type="button" ${problems.length ? "disabled" : ""}>${esc(_("Submit the record"))}</button></div>`;
  $("#submit").onclick = async () => {
    await enqueue(i, await draft(i.id));
    location.hash = "#/outbox";
    sync();
  };
}

function recordOf(i, d, id) {
  const answers = answersOf(d);
  return {
    uuid: id, inspection: i.id, revision: d.revision ?? i.revision, started_at: d.started_at,
    finished_at: new Date().toISOString(), position: d.position || null, answers,
    signatures: Object.values(d.signatures), submit: true,
  };
}

async function enqueue(i, d) {
  // A new UUID per submission: an edited record after a rejection is a new record.
  const old = (await all("outbox")).filter((o) => o.inspection === i.id && o.state !== "sent");
  for (const o of old) await tx("outbox", "readwrite", (s) => s.delete(o.uuid));
  const id = uuid();
  await put("outbox", id, { uuid: id, inspection: i.id, title: i.institution.name, record: recordOf(i, d, id), state: "pending", message: "", updated: Date.now() });
}

// --- outbox and sync ----------------------------------------------------------------------------
const STATES = () => ({ pending: _("pending"), sent: _("sent"), failed: _("failed"), conflict: _("conflict") });

function outboxRow(o) {
  return `<div class="card outbox-item" data-uuid="${o.uuid}" data-state="${o.state}"><strong>${esc(o.title)}</strong>
    <span class="state ${o.state}">${esc(STATES()[o.state])}</span>${o.message ? `<div class="msg ${o.state === "sent" ? "ok" : "err"}">${esc(o.message)}</div>` : ""}
    ${o.state !== "sent" ? `<a class="btn" href="#/i/${o.inspection}/review">${esc(_("Open"))}</a>` : ""}</div>`;
}

async function renderOutbox() {
  const items = (await all("outbox")).sort((a, b) => b.updated - a.updated);
  app.innerHTML = `<h1>${esc(_("Outbox"))}</h1><button class="btn primary" id="sync-now" type="button">${esc(_("Send now"))}</button>
    ${items.map(outboxRow).join("") || `<p class="muted">${esc(_("Nothing waiting."))}</p>`}`;
  $("#sync-now").onclick = () => sync();
}

async function uploadPhoto(p) {
  let r = await post("/field/api/photos/", JSON.stringify({ uuid: p.uuid, inspection: p.inspection, item: p.item, size: p.size, sha256: p.sha256, taken_at: p.taken_at }));
  if (r.status === 401) throw new SessionEnded(JSON.stringify(await r.json().catch(() => ({}))));
  if (!r.ok) {
    const e = await r.json().catch(() => ({}));
    throw Object.assign(new Error(e.message || e.error || r.statusText), { fatal: r.status === 400 || r.status === 404 });
  }
  let state = await r.json();
  while (!state.complete) {
    const piece = p.blob.slice(state.received, state.received + CHUNK);
    r = await post(`/field/api/photos/${p.uuid}/?offset=${state.received}`, piece, "application/octet-stream");
    if (r.status === 401) throw new SessionEnded(JSON.stringify(await r.json().catch(() => ({}))));
    const next = await r.json();
    if (!r.ok && next.received === undefined) throw new Error(next.message || next.error || r.statusText);
    state = next; // on 409 the server says where to resume
  }
  p.sent = true;
  await put("photos", p.uuid, p);
}

let syncing = null;
async function sync() {
  if (syncing) return syncing;
  syncing = (async () => {
    const waiting = (await all("outbox")).filter((o) => o.state === "pending" || o.state === "failed" && o.retry);
    for (const o of waiting) {
      try {
        const photos = (await all("photos")).filter((p) => !p.sent && o.record.answers.some((a) => a.photos.includes(p.uuid)));
        for (const p of photos) await uploadPhoto(p);
        const r = await post("/field/api/sync/", JSON.stringify({ records: [o.record] }));
        if (r.status === 401) throw new SessionEnded(JSON.stringify(await r.json().catch(() => ({}))));
        if (r.status === 404) { Object.assign(o, { state: "conflict", message: _("This inspection is no longer yours.") }); }
        else if (r.status === 400) {
          // The server's schema refused the record: say which field and why; the local data stays.
          const e = await r.json().catch(() => ({}));
          Object.assign(o, { state: "failed", message: [e.field, e.message || r.statusText].filter(Boolean).join(": "), retry: false });
        }
        else if (!r.ok) throw new Error((await r.json().catch(() => ({}))).message || r.statusText);
        else {
          const res = (await r.json()).results[0];
          const state = { stored: "sent", duplicate: "sent", rejected: "failed", conflict: "conflict" }[res.status];
          Object.assign(o, { state, message: res.message, retry: false });
        }
        // A teammate's password is not kept on the tablet once the server has checked it.
        if (o.state === "sent") for (const sig of o.record.signatures) delete sig.credential;
      } catch (e) {
        // Network trouble: stays pending and is retried; a refused photo fails with its reason.
        if (e instanceof SessionEnded) {
          o.message = _("Waiting for you to log in again.");
          o.updated = Date.now();
          await put("outbox", o.uuid, o);
          sessionEnded(JSON.parse(e.message));
          break; // the rest waits as it is: pending
        }
        if (e.fatal) Object.assign(o, { state: "failed", message: e.message });
        else o.message = navigator.onLine ? _("Sending failed; it will be retried.") : _("Waiting for a network connection.");
      }
      o.updated = Date.now();
      await put("outbox", o.uuid, o);
    }
  })();
  try { await syncing; } finally { syncing = null; }
  await route();
}

// --- start --------------------------------------------------------------------------------------
async function boot() {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).catch(() => {});
  data = (await get("meta", "data")) || null;
  await route();
  if (navigator.onLine) { await refresh(); await route(); sync(); }
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { setNet(); refresh().then(sync); });
  window.addEventListener("offline", setNet);
  document.body.dataset.ready = "1";
}
boot();
