/* 金陵图书馆 reader widget: include it with one <script src=".../webhooks/widget/widget.js">.
 * No dependencies, no build step, no requests to anyone but the server it came from.
 * Every text from the server is inserted with textContent (never parsed as HTML).
 * The only global is window.JinlingLibraryWidget ({open, close}). */
(function () {
  "use strict";
  if (window.JinlingLibraryWidget) { return; }

  var script = document.currentScript ||
    document.querySelector("script[src*='/webhooks/widget/widget.js']");
  var API = new URL(".", script.src).href;
  var STORE_KEY = "jl-widget:" + API;
  var POLL_MS = 2000; // only while the live stream (Server-Sent Events) is unavailable
  var STREAM_RETRY_MS = 15000;
  var KEEP_ENTRIES = 150;
  var GREETING = "/greet";
  var NETWORK_ERROR = "网络异常，消息没有发出，请稍后再试。";
  var PASSWORD_PROMPT = /密码/;
  var PASSWORD_ASK = /输入/;
  var MASKED = "••••••";
  var AUTHOR = { bot: "助手", user: "我", staff: "馆员", system: "系统消息" };
  var SIGNED_OUT = "已退出登录，本机上的对话记录已清除。";
  var IDLE_CHECK_MS = 30000;
  var DEFAULT_IDLE_SECONDS = 900;

  // --- state kept across page loads (localStorage) ------------------------------------
  var state = restore();

  function restore() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.entries)) { return saved; }
    } catch (ignored) { /* storage unavailable or corrupt: start afresh */ }
    return { session: null, lastId: 0, entries: [], lastActive: 0 };
  }

  /** On a shared computer the next person must not see (or use) the last reader's
   * conversation: after the server's idle time without a message it is dropped. */
  function idleTooLong() {
    var idle = (state.session && state.session.idle_seconds) || DEFAULT_IDLE_SECONDS;
    return Boolean(state.lastActive) && Date.now() - state.lastActive > idle * 1000;
  }

  function save() {
    state.entries = state.entries.slice(-KEEP_ENTRIES);
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (ignored) { /* private mode: the conversation lasts for this page only */ }
  }

  // --- DOM helpers ------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6" +
      "a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01z");
    svg.appendChild(path);
    return svg;
  }

  // --- the widget's DOM -------------------------------------------------------------------
  var root = el("div", "jl-root");
  root.id = "jl-widget";
  root.style.visibility = "hidden"; // until widget.css has loaded

  var launcher = el("button", "jl-launcher");
  launcher.id = "jl-widget-button";
  launcher.type = "button";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "jl-widget-panel");
  launcher.appendChild(icon());
  launcher.appendChild(el("span", "jl-launcher-text", "在线咨询"));
  var badge = el("span", "jl-badge", "新消息");
  badge.hidden = true;
  launcher.appendChild(badge);

  var panel = el("section", "jl-panel");
  panel.id = "jl-widget-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "金陵图书馆在线咨询");
  panel.hidden = true;

  var header = el("header", "jl-header");
  var titles = el("div", "jl-titles");
  titles.appendChild(el("h2", "jl-title", "金陵图书馆 · 在线咨询"));
  titles.appendChild(el("p", "jl-subtitle", "智能助手为您服务，需要时可转人工馆员"));
  var closeButton = el("button", "jl-close", "×");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", "关闭咨询窗口");
  var logoutButton = el("button", "jl-logout", "退出登录");
  logoutButton.type = "button";
  logoutButton.setAttribute("aria-label", "退出登录并清除本机对话记录");
  header.appendChild(titles);
  header.appendChild(logoutButton);
  header.appendChild(closeButton);

  var list = el("ol", "jl-messages");
  list.id = "jl-widget-messages";
  list.setAttribute("aria-live", "polite");
  list.setAttribute("aria-label", "对话记录");
  list.tabIndex = 0;

  var typing = el("p", "jl-typing", "助手正在回复…");
  typing.hidden = true;

  var form = el("form", "jl-composer");
  var label = el("label", "jl-sr-only", "输入您的问题");
  label.setAttribute("for", "jl-widget-input");
  var input = el("input", "jl-input");
  input.id = "jl-widget-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 2000;
  input.placeholder = "请输入您的问题，例如：明天开门吗？";
  var sendButton = el("button", "jl-send", "发送");
  sendButton.id = "jl-widget-send";
  sendButton.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(list);
  panel.appendChild(typing);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);

  // --- rendering messages -----------------------------------------------------------------
  /** Only complete http(s) addresses become links (the server checks them too). */
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s"'<>`\\]+$/i.test(url) ? url : "";
  }

  function link(url, text, label) {
    var a = el("a", "jl-link", text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.setAttribute("aria-label", label + "（在新窗口打开）");
    return a;
  }

  function quickReplies(buttons) {
    var box = el("div", "jl-quick-replies");
    buttons.forEach(function (button) {
      if (button.url !== undefined) {
        var url = safeUrl(button.url);
        if (url) { box.appendChild(link(url, button.title, button.title)); }
        return;
      }
      var b = el("button", "jl-quick-reply", button.title);
      b.type = "button";
      b.addEventListener("click", function () { send(button.payload, button.title); });
      box.appendChild(b);
    });
    return box;
  }

  function bookCard(book) {
    var card = el("article", "jl-book-card");
    card.appendChild(el("h3", "jl-book-title", "《" + book.title + "》"));
    var meta = [book.author, book.imprint].filter(Boolean).join(" · ");
    if (meta) { card.appendChild(el("p", "jl-book-meta", meta)); }
    card.appendChild(el("p", "jl-book-call", "索书号：" + book.call_number));
    var branches = el("ul", "jl-book-branches");
    (book.availability || []).forEach(function (branch) {
      var available = branch.on_shelf > 0;
      var row = el("li", available ? "jl-available" : "jl-unavailable");
      row.appendChild(el("span", "jl-branch", branch.branch));
      row.appendChild(el("span", "jl-shelf",
        (available ? "可借 " : "已借完 ") + branch.on_shelf + "/" + branch.total + " 册"));
      if (branch.note) { row.appendChild(el("span", "jl-branch-note", branch.note)); }
      branches.appendChild(row);
    });
    if (!branches.children.length) { branches.appendChild(el("li", "jl-unavailable", "暂无可借复本")); }
    card.appendChild(branches);
    var hold = el("button", "jl-book-hold", "预约");
    hold.type = "button";
    hold.setAttribute("aria-label", "预约《" + book.title + "》");
    hold.addEventListener("click", function () { send(book.hold.payload, book.hold.title); });
    card.appendChild(hold);
    return card;
  }

  function resourceCard(resource) {
    var card = el("article", "jl-resource-card");
    card.appendChild(el("h3", "jl-resource-name", resource.name));
    var meta = [resource.kind, resource.audience].filter(Boolean).join(" · ");
    if (meta) { card.appendChild(el("p", "jl-resource-meta", meta)); }
    ["description", "access", "note"].forEach(function (field) {
      if (resource[field]) { card.appendChild(el("p", "jl-resource-" + field, resource[field])); }
    });
    var url = safeUrl(resource.url);
    if (url) { card.appendChild(link(url, "打开网站", "打开“" + resource.name + "”")); }
    return card;
  }

  /** One transcript entry: {kind: bot|user|staff|system, text, buttons, staffName, books,
   * resources}. */
  function render(entry) {
    var item = el("li", "jl-msg jl-msg-" + entry.kind);
    var author = entry.kind === "staff" ? "馆员 " + (entry.staffName || "") : AUTHOR[entry.kind];
    if (entry.kind === "staff") {
      item.appendChild(el("span", "jl-msg-author", author));
    } else {
      item.appendChild(el("span", "jl-sr-only", author + "："));
    }
    if (entry.text) { item.appendChild(el("p", "jl-msg-text", entry.text)); }
    if (entry.books && entry.books.length) {
      item.classList.add("jl-msg-books");
      var cards = el("div", "jl-book-cards");
      entry.books.forEach(function (book) { cards.appendChild(bookCard(book)); });
      item.appendChild(cards);
    }
    if (entry.resources && entry.resources.length) {
      item.classList.add("jl-msg-books");
      var resources = el("div", "jl-resource-cards");
      entry.resources.forEach(function (resource) { resources.appendChild(resourceCard(resource)); });
      item.appendChild(resources);
    }
    if (entry.buttons && entry.buttons.length) { item.appendChild(quickReplies(entry.buttons)); }
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function add(entry, keep) {
    render(entry);
    if (keep !== false) {
      state.entries.push(entry);
      save();
    }
  }

  function expectingPassword() {
    for (var i = state.entries.length - 1; i >= 0; i -= 1) {
      var entry = state.entries[i];
      if (entry.kind === "bot" || entry.kind === "system") {
        return PASSWORD_PROMPT.test(entry.text || "") && PASSWORD_ASK.test(entry.text || "");
      }
    }
    return false;
  }

  function updatePasswordMode() {
    var secret = expectingPassword();
    input.type = secret ? "password" : "text";
    input.placeholder = secret ? "请输入读者证密码" : "请输入您的问题，例如：明天开门吗？";
  }

  /** Shows the assistant's replies to one message. A books card stands for the text replies
   * whose only button holds one of its books, a resource card for the text reply it
   * carries (the text versions are for text-only channels). */
  function showReplies(messages) {
    var carded = {};
    var cardedTexts = {};
    messages.forEach(function (message) {
      var custom = message.custom;
      if (custom && custom.type === "books" && Array.isArray(custom.books)) {
        custom.books.forEach(function (book) { carded[book.hold.payload] = true; });
        add({ kind: "bot", books: custom.books });
        return;
      }
      if (custom && custom.type === "resources" && Array.isArray(custom.resources)) {
        custom.resources.forEach(function (resource) { cardedTexts[resource.text] = true; });
        add({ kind: "bot", resources: custom.resources });
        return;
      }
      var buttons = message.buttons || [];
      if (message.text && cardedTexts[message.text]) { return; }
      if (buttons.length && buttons.every(function (b) { return carded[b.payload]; })) { return; }
      if (message.text || buttons.length) { add({ kind: "bot", text: message.text, buttons: buttons }); }
    });
    updatePasswordMode();
  }

  /** Messages from the server (stream or poll), each shown once: ids only grow. */
  function showUpdates(messages) {
    messages = messages.filter(function (message) { return message.id > state.lastId; });
    messages.forEach(function (message) {
      state.lastId = message.id;
      var kind = { staff: "staff", system: "system" }[message.sender] || "bot";
      add({ kind: kind, text: message.text, buttons: message.buttons || [],
            staffName: message.staff_name || "" });
    });
    if (messages.length) {
      updatePasswordMode();
      if (panel.hidden) { badge.hidden = false; }
    }
  }

  // --- talking to the server --------------------------------------------------------------
  function request(method, path, body) {
    var options = { method: method, headers: {}, credentials: "omit", cache: "no-store" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      if (!response.ok) {
        var error = new Error("HTTP " + response.status);
        error.status = response.status;
        throw error;
      }
      return response.json();
    });
  }

  function session() {
    if (state.session) { return Promise.resolve(state.session); }
    return request("POST", "session", {}).then(function (created) {
      state.session = created;
      state.lastId = 0;
      save();
      if (!panel.hidden) { listen(); }
      return created;
    });
  }

  /** Calls the API with the session; a refused session (e.g. the secret was changed)
   * is replaced by a new one once. */
  function withSession(call) {
    return session().then(call).catch(function (error) {
      if (error.status !== 403 || !state.session) { throw error; }
      state.session = null;
      return session().then(call);
    });
  }

  /** Forgets the conversation here; the server signs the reader out of it. */
  function forget(notice) {
    var s = state.session;
    if (s) {
      request("POST", "logout", { session_id: s.session_id, token: s.token })
        .catch(function () { /* the server's idle timeout ends it anyway */ });
    }
    stopListening();
    state = { session: null, lastId: 0, entries: [], lastActive: 0 };
    save();
    list.textContent = "";
    updatePasswordMode();
    if (notice) { add({ kind: "system", text: notice }, false); }
  }

  function forgetIfIdle() {
    if (idleTooLong()) { forget(null); }
  }

  var pending = 0;

  function send(text, shown) {
    if (!text) { return; }
    forgetIfIdle();
    state.lastActive = Date.now();
    if (shown !== null) { add({ kind: "user", text: shown || text }); }
    pending += 1;
    typing.hidden = false;
    withSession(function (s) {
      return request("POST", "message", { session_id: s.session_id, token: s.token, text: text });
    }).then(function (answer) {
      showReplies(answer.messages || []);
    }).catch(function () {
      add({ kind: "system", text: NETWORK_ERROR }, false);
    }).then(function () {
      pending -= 1;
      typing.hidden = pending === 0;
    });
  }

  var polling = false;
  var pollTimer = null;

  function poll() {
    if (polling || !state.session) { return Promise.resolve(); }
    polling = true;
    var s = state.session;
    var query = "updates?session_id=" + encodeURIComponent(s.session_id) +
      "&token=" + encodeURIComponent(s.token) + "&after=" + state.lastId;
    return request("GET", query).then(function (answer) {
      if (state.session !== s) { return; }
      showUpdates(answer.messages || []);
      state.lastId = Math.max(state.lastId, answer.last_id);
      save();
    }).catch(function () { /* try again on the next tick */ }).then(function () {
      polling = false;
    });
  }

  function schedulePolls() {
    window.clearTimeout(pollTimer);
    if (panel.hidden || stream) { return; }
    pollTimer = window.setTimeout(function () { poll().then(schedulePolls); }, POLL_MS);
  }

  // Staff answers are pushed by the server (Server-Sent Events, each with its message id,
  // so a reconnecting browser resumes after the last one it got); if the stream cannot
  // be opened, the widget polls instead and tries the stream again later.
  var stream = null;
  var streamTimer = null;

  function stopListening() {
    window.clearTimeout(streamTimer);
    if (stream) { stream.close(); stream = null; }
  }

  function listen() {
    var s = state.session;
    if (stream || !s || panel.hidden || !window.EventSource) { return; }
    window.clearTimeout(streamTimer);
    var source = new window.EventSource(API + "events?session_id=" +
      encodeURIComponent(s.session_id) + "&token=" + encodeURIComponent(s.token) +
      "&after=" + state.lastId);
    stream = source;
    source.addEventListener("message", function (event) {
      if (state.session !== s) { return; }
      try {
        showUpdates([JSON.parse(event.data)]);
      } catch (ignored) { return; /* not ours */ }
      save();
    });
    source.addEventListener("error", function () {
      if (source.readyState !== window.EventSource.CLOSED || stream !== source) { return; }
      stream = null; // refused or not a stream: poll, and try the stream again later
      poll().then(schedulePolls);
      streamTimer = window.setTimeout(listen, STREAM_RETRY_MS);
    });
    window.clearTimeout(pollTimer);
  }

  // --- opening and closing ----------------------------------------------------------------
  function open() {
    if (!panel.hidden) { return; }
    forgetIfIdle();
    panel.hidden = false;
    root.classList.add("jl-open");
    launcher.setAttribute("aria-expanded", "true");
    badge.hidden = true;
    list.scrollTop = list.scrollHeight;
    input.focus();
    if (!state.entries.length) { send(GREETING, null); }
    poll().then(function () {
      listen();
      schedulePolls();
    });
  }

  function close() {
    if (panel.hidden) { return; }
    panel.hidden = true;
    root.classList.remove("jl-open");
    launcher.setAttribute("aria-expanded", "false");
    window.clearTimeout(pollTimer);
    stopListening();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) { open(); } else { close(); }
  });
  closeButton.addEventListener("click", close);
  logoutButton.addEventListener("click", function () {
    forget(SIGNED_OUT);
    input.focus();
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text, input.type === "password" ? MASKED : text);
  });

  // --- start --------------------------------------------------------------------------------
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = API + "widget.css";
  css.addEventListener("load", function () { root.style.visibility = ""; });
  css.addEventListener("error", function () { root.style.visibility = ""; });
  document.head.appendChild(css);

  function mount() {
    forgetIfIdle();
    window.setInterval(forgetIfIdle, IDLE_CHECK_MS);
    document.body.appendChild(root);
    state.entries.forEach(render);
    updatePasswordMode();
    poll(); // answers that arrived while the reader was away
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }

  window.JinlingLibraryWidget = { open: open, close: close };
})();
