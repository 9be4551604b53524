// The sandbox page: plain JavaScript, no build step, nothing loaded from elsewhere.
// It reads /ui/state and /ui/messages, acts through POST /ui/..., and re-reads on every server-sent event.
// Everything a message carries is text: it is escaped, and only our own markup is added (see markdown()).
"use strict";

const OPT = { SUB: 1, GROUP: 2, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9,
  NUMBER: 10, ATTACHMENT: 11 };
const FLAG_EPHEMERAL = 1 << 6, FLAG_LOADING = 1 << 7;

const ui = { state: null, viewer: null, channel: null, leaf: null, refreshTimer: null, shownModal: null,
  lastRender: "" };
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) };
  const resp = await fetch(path, init);
  let data = {};
  try { data = await resp.json(); } catch (e) { data = { error: `HTTP ${resp.status}` }; }
  if (!resp.ok) throw new Error(data.error || `HTTP ${resp.status}`);
  return data;
}

// ------------------------------------------------------------------ markdown, escaped first
function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function nameOf(id) {
  return (ui.state && ui.state.names[id]) || "unknown";
}

function channelName(id) {
  const chan = ui.state && ui.state.channels.find((c) => c.id === id);
  return chan ? chan.name : "unknown-channel";
}

function roleName(id) {
  const role = ui.state && ui.state.roles.find((r) => r.id === id);
  return role ? role.name : "role";
}

function discordTime(seconds, style) {
  const d = new Date(Number(seconds) * 1000);
  const opts = { timeZone: "UTC" };
  if (style === "R") {
    const now = ui.clockNow ? ui.clockNow.getTime() : Date.now();
    const mins = Math.round((d.getTime() - now) / 60000);
    const abs = Math.abs(mins);
    const span = abs < 60 ? `${abs} minute${abs === 1 ? "" : "s"}` : abs < 2880 ? `${Math.round(abs / 60)} hours`
      : `${Math.round(abs / 1440)} days`;
    return mins >= 0 ? `in ${span}` : `${span} ago`;
  }
  if (style === "t" || style === "T") return d.toLocaleTimeString("en-GB", { ...opts, hour: "2-digit", minute: "2-digit" }) + " UTC";
  if (style === "d" || style === "D") return d.toLocaleDateString("en-GB", { ...opts, day: "numeric", month: "short", year: "numeric" });
  return d.toLocaleString("en-GB", { ...opts, weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit" }) + " UTC";
}

// Returns HTML built only from escaped text and fixed tags: nothing from the message becomes markup.
function markdown(text) {
  if (!text) return "";
  const blocks = [];
  let src = escapeHtml(text);
  src = src.replace(/```(?:[a-z0-9]+\n)?([\s\S]*?)```/g, (m, code) => {
    blocks.push(`<pre><code>${code}</code></pre>`);
    return `\u0000${blocks.length - 1}\u0000`;
  });
  src = src.replace(/`([^`\n]+)`/g, (m, code) => {
    blocks.push(`<code>${code}</code>`);
    return `\u0000${blocks.length - 1}\u0000`;
  });
  const lines = src.split("\n").map((line) => {
    let m;
    if ((m = line.match(/^(#{1,3}) (.*)$/))) return `<span class="md-h h${m[1].length}">${m[2]}</span>`;
    if ((m = line.match(/^-# (.*)$/))) return `<small class="subtext">${m[1]}</small>`;
    if ((m = line.match(/^&gt; (.*)$/))) return `<blockquote>${m[1]}</blockquote>`;
    if ((m = line.match(/^\s*[-*•] (.*)$/))) return `• ${m[1]}`;
    return line;
  });
  src = lines.join("<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  src = src
    .replace(/\*\*\*(.+?)\*\*\*/g, "<strong><em>$1</em></strong>")
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/__(.+?)__/g, "<u>$1</u>")
    .replace(/(^|[^\w*])\*(?!\s)(.+?)\*(?!\w)/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_(?!\s)(.+?)_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~(.+?)~~/g, "<s>$1</s>")
    .replace(/\|\|(.+?)\|\|/g, '<span class="spoiler" title="spoiler">$1</span>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>')
    .replace(/(^|[\s(])(https?:\/\/[^\s<]+)/g, '$1<a href="$2" target="_blank" rel="noopener noreferrer">$2</a>')
    .replace(/&lt;@!?(\d+)&gt;/g, (m, id) => `<span class="mention">@${escapeHtml(nameOf(id))}</span>`)
    .replace(/&lt;@&amp;(\d+)&gt;/g, (m, id) => `<span class="mention">@${escapeHtml(roleName(id))}</span>`)
    .replace(/&lt;#(\d+)&gt;/g, (m, id) => `<span class="mention">#${escapeHtml(channelName(id))}</span>`)
    .replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (m, s, style) => `<time>${escapeHtml(discordTime(s, style))}</time>`)
    .replace(/&lt;\/([\w-]+(?: [\w-]+)*):\d+&gt;/g, '<span class="mention">/$1</span>');
  return src.replace(/\u0000(\d+)\u0000/g, (m, i) => blocks[Number(i)]);
}

function mdNode(tag, text, cls) {
  const node = el(tag, { class: cls });
  node.innerHTML = markdown(text); // safe: markdown() escapes the text before adding its own tags
  return node;
}

// ------------------------------------------------------------------ messages
function stamp(iso) {
  const d = new Date(iso);
  return d.toLocaleString("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short",
    hour: "2-digit", minute: "2-digit" });
}

function renderEmbed(embed, msg) {
  const color = embed.color !== undefined && embed.color !== null ? `#${Number(embed.color).toString(16).padStart(6, "0")}` : null;
  const box = el("div", { class: "embed", style: color ? `border-left-color: ${color}` : null });
  if (embed.author && embed.author.name) box.append(el("div", { class: "e-author", text: embed.author.name }));
  if (embed.title) {
    const title = mdNode("div", embed.title, "e-title");
    box.append(title);
  }
  if (embed.description) box.append(mdNode("div", embed.description, "e-desc"));
  if (embed.fields && embed.fields.length) {
    const grid = el("div", { class: "e-fields" });
    for (const f of embed.fields) {
      grid.append(el("div", { class: "e-field" + (f.inline ? " inline" : "") },
        mdNode("div", f.name, "e-name"), mdNode("div", f.value, "e-value")));
    }
    box.append(grid);
  }
  const image = embed.image && embed.image.url ? resolveUrl(embed.image.url, msg) : null;
  if (image) box.append(el("img", { src: image, alt: "embed image", class: "e-image" }));
  const thumb = embed.thumbnail && embed.thumbnail.url ? resolveUrl(embed.thumbnail.url, msg) : null;
  if (thumb) box.append(el("img", { src: thumb, alt: "thumbnail", class: "e-thumb" }));
  const footer = [embed.footer && embed.footer.text, embed.timestamp && stamp(embed.timestamp)].filter(Boolean).join(" • ");
  if (footer) box.append(el("div", { class: "e-footer", text: footer }));
  return box;
}

function resolveUrl(url, msg) {
  if (url.startsWith("attachment://")) {
    const name = url.slice("attachment://".length);
    const att = (msg.attachments || []).find((a) => a.filename === name);
    return att ? att.url : null;
  }
  return /^https?:\/\//.test(url) ? url : null;
}

function imageAttachments(msg) {
  const inEmbeds = new Set();
  for (const e of msg.embeds || []) {
    for (const key of ["image", "thumbnail"]) {
      if (e[key] && e[key].url && e[key].url.startsWith("attachment://")) inEmbeds.add(e[key].url.slice(13));
    }
  }
  return inEmbeds;
}

function renderAttachments(msg) {
  const box = el("div", { class: "attachments" });
  const shownInEmbed = imageAttachments(msg);
  for (const a of msg.attachments || []) {
    if (shownInEmbed.has(a.filename)) continue;
    if ((a.content_type || "").startsWith("image/")) {
      box.append(el("a", { href: a.url, target: "_blank" }, el("img", { src: a.url, alt: a.filename })));
    } else {
      box.append(el("a", { class: "file", href: a.url, download: a.filename },
        el("span", { text: "📎" }), el("span", { text: a.filename }), el("span", { class: "time", text: `${Math.ceil(a.size / 1024)} KB` })));
    }
  }
  return box;
}

function renderComponents(msg) {
  const box = el("div", { class: "components" });
  for (const row of msg.components || []) {
    if (row.type !== 1) continue;
    const line = el("div", { class: "row" });
    for (const c of row.components || []) {
      if (c.type === 2) line.append(renderButton(c, msg));
      else if ([3, 5, 6, 7, 8].includes(c.type)) line.append(renderSelect(c, msg));
    }
    box.append(line);
  }
  return box;
}

function renderButton(c, msg) {
  const label = `${c.emoji && c.emoji.name ? c.emoji.name + " " : ""}${c.label || ""}`.trim();
  if (c.style === 5 && c.url) {
    return el("a", { class: "btn-5", href: /^https?:\/\//.test(c.url) ? c.url : "#", target: "_blank",
      rel: "noopener noreferrer", role: "button", text: `${label} ↗` });
  }
  return el("button", { type: "button", class: `btn-${c.style || 2}`, disabled: !!c.disabled, "data-custom-id": c.custom_id,
    text: label || "…", onclick: (ev) => act("/ui/click", { message: msg.id, custom_id: c.custom_id }, ev.target) });
}

function renderSelect(c, msg) {
  const multiple = (c.max_values || 1) > 1;
  const select = el("select", { disabled: !!c.disabled, multiple, "data-custom-id": c.custom_id, "aria-label": c.placeholder || "menu" });
  if (!multiple) select.append(el("option", { value: "", text: c.placeholder || "Make a selection" }));
  let options = c.options || [];
  if (c.type === 5) options = ui.state.members.map((m) => ({ label: m.name, value: m.id }));
  if (c.type === 8) options = ui.state.channels.map((ch) => ({ label: `#${ch.name}`, value: ch.id }));
  if (c.type === 6) options = ui.state.roles.map((r) => ({ label: r.name, value: r.id }));
  for (const o of options) {
    select.append(el("option", { value: o.value, text: `${o.emoji && o.emoji.name ? o.emoji.name + " " : ""}${o.label}${o.description ? " — " + o.description : ""}`,
      selected: !!o.default }));
  }
  const send = () => {
    const values = [...select.selectedOptions].map((o) => o.value).filter((v) => v !== "");
    if (values.length) act("/ui/select", { message: msg.id, custom_id: c.custom_id, values }, select);
  };
  if (!multiple) {
    select.addEventListener("change", send);
    return select;
  }
  return el("span", {}, select, el("button", { type: "button", text: "Choose", onclick: send }));
}

function renderMessage(msg) {
  const eph = (msg.flags & FLAG_EPHEMERAL) !== 0;
  const item = el("li", { class: "msg" + (eph ? " ephemeral" : ""), "data-id": msg.id });
  const meta = msg.interaction_metadata;
  if (meta && meta.name) {
    item.append(el("div", { class: "used", text: `↳ ${nameOf(meta.user.id)} used /${meta.name}` }));
  }
  const author = msg.author.bot ? ui.state.bot.name : nameOf(msg.author.id);
  item.append(el("div", { class: "head" }, el("span", { class: "author", text: author }),
    msg.author.bot ? el("span", { class: "app", text: "APP" }) : null,
    el("span", { class: "time", text: stamp(msg.timestamp) }),
    msg.edited_timestamp ? el("span", { class: "edited", text: "(edited)" }) : null));
  if (msg.flags & FLAG_LOADING) {
    item.append(el("div", { class: "thinking", text: `${ui.state.bot.name} is thinking…` }));
  } else {
    if (msg.content) item.append(mdNode("div", msg.content, "content"));
    for (const embed of msg.embeds || []) item.append(renderEmbed(embed, msg));
    item.append(renderAttachments(msg));
    item.append(renderComponents(msg));
  }
  if (eph) item.append(el("div", { class: "eph-note", text: "👁 Only you can see this" }));
  return item;
}

// ------------------------------------------------------------------ acting
async function act(path, body, control) {
  if (control) control.disabled = true;
  try {
    await api(path, { viewer: ui.viewer, ...body });
  } catch (e) {
    notice(e.message);
  } finally {
    if (control) setTimeout(() => { control.disabled = false; }, 400);
  }
}

function notice(text) {
  const box = $("#notices");
  const n = el("div", { class: "notice", role: "alert", text });
  box.append(n);
  setTimeout(() => n.remove(), 8000);
}

// ------------------------------------------------------------------ commands
function leaves(commands, hidden) {
  const out = [];
  for (const cmd of commands) {
    if (hidden.includes(cmd.name)) continue;
    const walk = (prefix, node) => {
      const subs = (node.options || []).filter((o) => o.type === OPT.SUB || o.type === OPT.GROUP);
      if (!subs.length) out.push({ name: prefix, description: node.description, options: node.options || [] });
      for (const s of subs) walk(`${prefix} ${s.name}`, s);
    };
    walk(cmd.name, cmd);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function currentMember() {
  return ui.state.members.find((m) => m.id === ui.viewer);
}

function fillCommandList() {
  const list = $("#command-list");
  list.replaceChildren();
  ui.leaves = leaves(ui.state.commands, currentMember().hidden_commands);
  for (const leaf of ui.leaves) list.append(el("option", { value: leaf.name, text: leaf.description }));
}

function pickCommand() {
  const name = $("#command").value.trim().replace(/^\//, "").replace(/\s+/g, " ");
  const leaf = (ui.leaves || []).find((l) => l.name === name) || null;
  if (leaf === ui.leaf) return;
  ui.leaf = leaf;
  const box = $("#options");
  box.replaceChildren();
  $("#command-help").textContent = leaf ? leaf.description : "";
  if (!leaf) return;
  for (const opt of leaf.options) box.append(optionField(opt));
}

function optionField(opt) {
  const id = `opt-${opt.name}`;
  const label = el("label", { for: id }, `${opt.name}`, opt.required ? el("span", { class: "req", text: " *" }) : null);
  let input;
  if (opt.choices && opt.choices.length) {
    input = el("select", { id });
    input.append(el("option", { value: "", text: opt.required ? "choose…" : "(none)" }));
    for (const c of opt.choices) input.append(el("option", { value: String(c.value), text: c.name }));
  } else if (opt.type === OPT.BOOLEAN) {
    input = el("select", { id }, el("option", { value: "", text: "(none)" }), el("option", { value: "true", text: "true" }),
      el("option", { value: "false", text: "false" }));
  } else if (opt.type === OPT.USER || opt.type === OPT.MENTIONABLE) {
    input = el("select", { id }, el("option", { value: "", text: "(none)" }));
    for (const m of ui.state.members) input.append(el("option", { value: m.id, text: m.name }));
  } else if (opt.type === OPT.CHANNEL) {
    input = el("select", { id }, el("option", { value: "", text: "(none)" }));
    for (const c of ui.state.channels) input.append(el("option", { value: c.id, text: `#${c.name}` }));
  } else if (opt.type === OPT.ROLE) {
    input = el("select", { id }, el("option", { value: "", text: "(none)" }));
    for (const r of ui.state.roles) input.append(el("option", { value: r.id, text: r.name }));
  } else if (opt.type === OPT.ATTACHMENT) {
    input = el("input", { id, type: "file" });
  } else if (opt.type === OPT.INTEGER || opt.type === OPT.NUMBER) {
    input = el("input", { id, type: "number", step: opt.type === OPT.INTEGER ? "1" : "any", min: opt.min_value, max: opt.max_value });
  } else {
    input = el("input", { id, type: "text", minlength: opt.min_length, maxlength: opt.max_length });
  }
  input.dataset.option = opt.name;
  input.dataset.type = String(opt.type);
  input.title = opt.description || "";
  if (input.tagName === "INPUT" && input.type !== "file") input.placeholder = opt.description || "";
  const field = el("div", { class: "opt" }, label, input);
  if (opt.autocomplete) {
    const list = el("ul", { class: "choices", role: "listbox", "data-for": opt.name });
    field.append(list);
    let timer = null;
    const ask = () => { clearTimeout(timer); timer = setTimeout(() => autocomplete(opt.name, input, list), 150); };
    input.addEventListener("input", ask);
    input.addEventListener("focus", ask);
    input.addEventListener("blur", () => setTimeout(() => list.replaceChildren(), 200));
  }
  return field;
}

async function optionValues(forAutocomplete) {
  const values = {};
  for (const input of $("#options").querySelectorAll("[data-option]")) {
    if (input.type === "file") {
      if (forAutocomplete || !input.files.length) continue;
      const file = input.files[0];
      const data = await new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
        reader.onerror = reject;
        reader.readAsDataURL(file);
      });
      values[input.dataset.option] = { filename: file.name, data, content_type: file.type || null };
    } else if (input.value !== "") {
      values[input.dataset.option] = input.value;
    }
  }
  return values;
}

async function autocomplete(optionName, input, list) {
  if (!ui.leaf) return;
  try {
    const options = await optionValues(true);
    options[optionName] = input.value;
    const data = await api("/ui/autocomplete", { viewer: ui.viewer, channel: ui.channel, name: ui.leaf.name,
      focused: optionName, options });
    list.replaceChildren(...data.choices.map((c) => el("li", { role: "option", "data-value": String(c.value), text: c.name,
      onmousedown: (ev) => { ev.preventDefault(); input.value = String(c.value); list.replaceChildren(); } })));
  } catch (e) {
    list.replaceChildren();
  }
}

async function runCommand(ev) {
  ev.preventDefault();
  pickCommand();
  if (!ui.leaf) {
    notice("Pick a command from the list.");
    return;
  }
  const missing = ui.leaf.options.filter((o) => o.required).filter((o) => {
    const input = $("#options").querySelector(`[data-option="${CSS.escape(o.name)}"]`);
    return !input || (input.type === "file" ? !input.files.length : input.value === "");
  });
  if (missing.length) {
    notice(`Fill in: ${missing.map((o) => o.name).join(", ")}`);
    return;
  }
  const button = $("#run");
  button.disabled = true;
  try {
    await api("/ui/command", { viewer: ui.viewer, channel: ui.channel, name: ui.leaf.name, options: await optionValues(false) });
    $("#command").value = "";
    ui.leaf = null;
    $("#options").replaceChildren();
    $("#command-help").textContent = "";
  } catch (e) {
    notice(e.message);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ modals
function showModal(entry) {
  const dialog = $("#modal");
  if (ui.shownModal === entry.interaction && dialog.open) return;
  ui.shownModal = entry.interaction;
  const modal = entry.modal;
  $("#modal-title").textContent = modal.title || "";
  const fields = $("#modal-fields");
  fields.replaceChildren();
  const inputs = [];
  const add = (comp, labelText, description) => {
    if (comp.type === 4) {
      const input = comp.style === 2 ? el("textarea", {}) : el("input", { type: "text" });
      input.dataset.customId = comp.custom_id;
      if (comp.placeholder) input.placeholder = comp.placeholder;
      if (comp.value) input.value = comp.value;
      if (comp.required !== false) input.required = true;
      if (comp.min_length) input.minLength = comp.min_length;
      if (comp.max_length) input.maxLength = comp.max_length;
      fields.append(el("label", { class: "field" }, el("span", { text: labelText || comp.label || comp.custom_id }),
        description ? el("small", { text: description }) : null, input));
      inputs.push(input);
    } else if (comp.type === 3) {
      const select = el("select", { multiple: (comp.max_values || 1) > 1 });
      select.dataset.customId = comp.custom_id;
      select.dataset.select = "1";
      for (const o of comp.options || []) select.append(el("option", { value: o.value, text: o.label, selected: !!o.default }));
      fields.append(el("label", { class: "field" }, el("span", { text: labelText || comp.placeholder || comp.custom_id }), select));
      inputs.push(select);
    }
  };
  for (const comp of modal.components || []) {
    if (comp.type === 1) for (const child of comp.components || []) add(child);
    else if (comp.type === 18 && comp.component) add(comp.component, comp.label, comp.description);
    else if (comp.type === 10 && comp.content) fields.append(mdNode("div", comp.content, "content"));
  }
  const form = $("#modal-form");
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const values = {};
    for (const input of inputs) {
      values[input.dataset.customId] = input.dataset.select ? [...input.selectedOptions].map((o) => o.value) : input.value;
    }
    try {
      await api("/ui/modal", { viewer: ui.viewer, interaction: entry.interaction, values });
      dialog.close();
    } catch (e) {
      notice(e.message);
    }
  };
  $("#modal-cancel").onclick = async () => {
    dialog.close();
    await api("/ui/modal/close", { viewer: ui.viewer, interaction: entry.interaction }).catch(() => {});
  };
  if (!dialog.open) dialog.showModal();
}

// ------------------------------------------------------------------ reading and drawing
async function loadState() {
  ui.state = await api("/ui/state");
  document.title = `${ui.state.guild.name} · ${ui.state.title}`;
  $("#server-name").textContent = ui.state.guild.name;
  const picker = $("#member");
  const ids = ui.state.members.map((m) => m.id);
  if (!ui.viewer || !ids.includes(ui.viewer)) {
    const saved = localStorage.getItem("sandbox-viewer");
    ui.viewer = ids.includes(saved) ? saved : ids[0];
  }
  picker.replaceChildren(...ui.state.members.map((m) => el("option", { value: m.id, selected: m.id === ui.viewer,
    text: `${m.name}${m.organizer ? " (organizer)" : ""}` })));
  if (!ui.channel) ui.channel = ui.state.channels[0].id;
  drawSidebar();
  fillCommandList();
  showClock(ui.state.clock);
}

function drawSidebar() {
  const chans = $("#channels");
  chans.replaceChildren(...ui.state.channels.map((c) => el("li", {}, el("a", { href: "#", "data-channel": c.id,
    class: ui.channel === c.id ? "active" : null, text: `# ${c.name}`, onclick: (ev) => { ev.preventDefault(); openChannel(c.id); } }))));
  const me = currentMember();
  $("#dms").replaceChildren(el("li", {}, el("a", { href: "#", "data-channel": "dm", class: ui.channel === "dm" ? "active" : null,
    text: `${ui.state.bot.name} ↔ ${me.name}`, onclick: (ev) => { ev.preventDefault(); openChannel("dm"); } })));
}

function openChannel(id) {
  ui.channel = id;
  ui.lastRender = "";
  drawSidebar();
  refreshMessages(true);
}

function showClock(clock) {
  ui.clockNow = new Date(clock.now);
  const node = $("#clock-now");
  node.textContent = clock.label;
  node.setAttribute("datetime", clock.now);
  const next = $("#clock button[data-step='next']");
  next.title = clock.next ? `Move the clock to ${clock.next_label}, when the bot has something to do next`
    : "Nothing is scheduled yet";
  next.textContent = clock.next ? `Next: ${clock.next_label}` : "Next scheduled";
}

async function refreshMessages(scroll) {
  const viewer = ui.viewer, channel = ui.channel;
  const data = await api(`/ui/messages?viewer=${encodeURIComponent(viewer)}&channel=${encodeURIComponent(channel)}`);
  if (viewer !== ui.viewer || channel !== ui.channel) return; // the member or channel changed meanwhile
  showClock(data.clock);
  $("#channel-title").textContent = data.channel.dm ? `Direct messages with ${ui.state.bot.name}` : `# ${data.channel.name}`;
  const signature = JSON.stringify([data.messages, ui.viewer]);
  if (signature !== ui.lastRender) {
    const list = $("#messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    ui.lastRender = signature;
    list.replaceChildren(...data.messages.map(renderMessage));
    if (scroll || atBottom) list.scrollTop = list.scrollHeight;
  }
  for (const n of data.notices) {
    if (!ui.seenNotices) ui.seenNotices = new Set();
    const key = n.at + n.text;
    if (!ui.seenNotices.has(key)) { ui.seenNotices.add(key); notice(n.text); }
  }
  if (data.modals.length) showModal(data.modals[data.modals.length - 1]);
  document.body.dataset.view = `${viewer}:${channel}`; // what is on screen (the browser tests wait for it)
}

function scheduleRefresh() {
  clearTimeout(ui.refreshTimer);
  ui.refreshTimer = setTimeout(async () => {
    try {
      const before = JSON.stringify(ui.state.commands);
      const state = await api("/ui/state");
      if (JSON.stringify(state.commands) !== before) { await loadState(); } else { ui.state = state; }
      await refreshMessages(false);
    } catch (e) { /* the sandbox is stopping or restarting */ }
  }, 120);
}

async function moveClock(step, button) {
  const buttons = document.querySelectorAll("#clock button");
  buttons.forEach((b) => { b.disabled = true; });
  $("#clock-said").textContent = "moving…";
  try {
    const data = await api("/ui/clock", { step });
    showClock(data.clock);
    $("#clock-said").textContent = data.said;
  } catch (e) {
    $("#clock-said").textContent = "";
    notice(e.message);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

async function main() {
  await loadState();
  $("#member").addEventListener("change", (ev) => {
    ui.viewer = ev.target.value;
    localStorage.setItem("sandbox-viewer", ui.viewer);
    ui.lastRender = "";
    ui.seenNotices = null;
    drawSidebar();
    fillCommandList();
    ui.leaf = null;
    pickCommand();
    refreshMessages(true);
  });
  $("#command").addEventListener("input", pickCommand);
  $("#command").addEventListener("change", pickCommand);
  $("#composer").addEventListener("submit", runCommand);
  document.querySelectorAll("#clock button").forEach((b) => b.addEventListener("click", () => moveClock(b.dataset.step, b)));
  document.addEventListener("click", (ev) => {
    if (ev.target.classList && ev.target.classList.contains("spoiler")) ev.target.classList.toggle("shown");
  });
  await refreshMessages(true);
  const events = new EventSource("/ui/events");
  events.addEventListener("change", scheduleRefresh);
  document.body.dataset.ready = "1";
}

main().catch((e) => notice(`The sandbox did not answer: ${e.message}`));
