// Staff desk: the live ticket queue (/desk) and the ticket page (/desk/tickets/N).
// New data is pushed by this server as Server-Sent Events (queue/events, tickets/N/events);
// only when a stream fails does it poll the JSON endpoints every 2 s (and try the stream
// again later). Every text from the server is inserted
// with textContent, never as HTML. Forms marked data-async are sent with fetch (same
// form fields, so the CSRF token travels as the csrf_token field); without this script
// they still work as plain forms.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var STREAM_RETRY_MS = 15000;
  var SIGNED_OUT = "登录已过期，请刷新页面后重新登录。";
  var FAILED = "操作没有完成，请稍后再试。";

  function byId(id) { return document.getElementById(id); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showError(text) {
    var node = byId("desk-error");
    node.textContent = text || "";
    node.hidden = !text;
  }

  // fetch → {ok, data}; throws when the answer is not JSON (e.g. signed out: the
  // session check redirects to the login page).
  function request(url, options) {
    options.headers = { Accept: "application/json" };
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) {
        throw new Error(response.redirected ? SIGNED_OUT : FAILED);
      }
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  // Our own messages; a network failure (TypeError from fetch) gets a Chinese one.
  function messageOf(error) { return error instanceof TypeError ? FAILED : error.message; }

  // Runs load() now and every POLL_MS; now() asks for an extra run (never two at once).
  function poller(load) {
    var running = false, again = false, timer = null;
    function run() {
      if (running) { again = true; return; }
      running = true;
      clearTimeout(timer);
      load().then(function () {
        byId("desk-offline").hidden = true;
      }, function (error) {
        if (error.message === SIGNED_OUT) { showError(SIGNED_OUT); }
        byId("desk-offline").hidden = error.message === SIGNED_OUT;
      }).then(function () {
        running = false;
        if (again) { again = false; run(); } else { timer = setTimeout(run, POLL_MS); }
      });
    }
    run();
    return run;
  }

  var refresh = function () {};

  // Listens to a stream of events (name → handler(data)); while it cannot be opened
  // (refused, signed out, no EventSource) runs fallback() — the poller — and tries
  // again after STREAM_RETRY_MS. The browser itself reconnects a stream that drops,
  // with Last-Event-ID, so nothing is missed or shown twice.
  function live(url, handlers, fallback) {
    var polling = null;
    function connect() {
      if (!window.EventSource) { polling = polling || fallback(); return; }
      var source = new window.EventSource(url());
      Object.keys(handlers).forEach(function (name) {
        source.addEventListener(name, function (event) {
          handlers[name](JSON.parse(event.data));
          byId("desk-offline").hidden = true;
        });
      });
      source.addEventListener("error", function () {
        if (source.readyState !== window.EventSource.CLOSED) {
          byId("desk-offline").hidden = false;
          return;
        }
        polling = polling || fallback();
        setTimeout(connect, STREAM_RETRY_MS);
      });
      source.addEventListener("open", function () {
        byId("desk-offline").hidden = true;
      });
    }
    connect();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-async")) { return; }
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    request(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) })
      .then(function (result) {
        if (!result.ok) { throw new Error(result.data.error || FAILED); }
        showError("");
        if (!form.hasAttribute("data-stay")) { window.location.assign(result.data.redirect); return; }
        form.querySelectorAll("textarea").forEach(function (t) { t.value = ""; });
        refresh();
      })
      .catch(function (error) { showError(messageOf(error)); refresh(); })
      .then(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  });

  // --- the queue ------------------------------------------------------------------

  function claimForm(ticket, csrf) {
    var form = element("form", "inline");
    form.method = "post";
    form.action = ticket.claim_url;
    form.setAttribute("data-async", "");
    var token = element("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    var button = element("button", "desk-claim", "接单");
    button.type = "submit";
    form.append(token, button);
    return form;
  }

  function queueRow(ticket, csrf) {
    var row = element("tr", "desk-ticket desk-" + ticket.status + (ticket.mine ? " desk-mine" : ""));
    row.setAttribute("data-ticket-id", ticket.id);
    var link = element("a", "", "#" + ticket.id);
    link.href = ticket.url;
    var number = element("td");
    number.append(link);
    row.append(number, element("td", "", ticket.waited), element("td", "", ticket.topic),
      element("td", "reader-question", ticket.summary), element("td", "", ticket.channel),
      element("td", "", ticket.department),
      element("td", "", ticket.staff_name || ticket.status_label));
    var actions = element("td", "actions");
    if (ticket.failed) { actions.append(element("span", "state rejected", "有未送达消息 ")); }
    if (ticket.status === "waiting") {
      actions.append(claimForm(ticket, csrf));
    } else {
      var open = element("a", "", "查看");
      open.href = ticket.url;
      actions.append(open);
    }
    row.append(actions);
    return row;
  }

  function startQueue(table) {
    var body = table.tBodies[0], csrf = table.getAttribute("data-csrf");
    var shown = {};  // ticket id → JSON of the row on screen (rebuilt only when changed)
    function showQueue(data) {
      var duty = byId("desk-duty");
      duty.textContent = data.duty.text;
      duty.className = "desk-duty " + (data.duty.on_duty ? "on" : "off");
      duty.hidden = false;
      var rows = [], next = {};
      data.tickets.forEach(function (ticket) {
        var key = JSON.stringify(ticket), old = shown[ticket.id];
        var row = old && old.key === key ? old.row : queueRow(ticket, csrf);
        next[ticket.id] = { key: key, row: row };
        rows.push(row);
      });
      if (!rows.length) {
        var cell = element("td", "", "目前没有待处理的工单。");
        cell.colSpan = 8;
        rows.push(element("tr", "desk-empty"));
        rows[0].append(cell);
      }
      body.replaceChildren.apply(body, rows);
      shown = next;
    }
    function load() {
      return request("/desk/queue.json", { method: "GET" }).then(function (result) {
        showQueue(result.data);
      });
    }
    refresh = function () { load().catch(function () { /* the stream or poller goes on */ }); };
    live(function () { return "/desk/queue/events"; }, { queue: showQueue }, function () {
      refresh = poller(load);
      return true;
    });
  }

  // --- one ticket -----------------------------------------------------------------

  function transcriptLine(line) {
    var item = element("li", "desk-line desk-line-" + line.author);
    item.setAttribute("data-line-id", line.id);
    var head = element("div", "desk-line-head");
    head.append(element("span", "desk-who", line.who), element("span", "desk-time", line.time));
    if (line.faq_url) {
      var faq = element("a", "desk-faq", "转为常见问题草稿");
      faq.href = line.faq_url;
      head.append(faq);
    }
    item.append(head, element("div", "desk-text", line.text));
    return item;
  }

  function showTicket(ticket) {
    var status = byId("desk-status");
    status.textContent = ticket.status_label;
    status.className = "state desk-" + ticket.status;
    byId("desk-owner").textContent = ticket.staff_name || "—";
    byId("desk-department").textContent = ticket.department;
    byId("desk-waited").textContent = ticket.waited;
    byId("desk-failed-count").textContent = ticket.failed;
    byId("desk-failed").hidden = !ticket.failed;
    byId("desk-closed").hidden = ticket.status !== "closed";
  }

  function startTicket(transcript) {
    var lastId = 0, url = transcript.getAttribute("data-lines");
    // Lines come from the stream or a poll; each is shown once (ids only grow).
    function showLines(lines) {
      var atEnd = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
      var added = false;
      lines.forEach(function (line) {
        if (line.id <= lastId) { return; }
        transcript.append(transcriptLine(line));
        lastId = line.id;
        added = true;
      });
      if (added && atEnd) { transcript.scrollTop = transcript.scrollHeight; }
    }
    function load() {
      return request(url + "?after=" + lastId, { method: "GET" }).then(function (result) {
        showTicket(result.data.ticket);
        showLines(result.data.lines);
      });
    }
    refresh = function () { load().catch(function () { /* the stream or poller goes on */ }); };
    var events = url.replace(/lines\.json$/, "events");
    live(function () { return events + "?after=" + lastId; }, {
      line: function (line) { showLines([line]); },
      ticket: showTicket,
    }, function () {
      refresh = poller(load);
      return true;
    });

    var reply = byId("desk-reply");
    reply.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter is a new line; Enter that confirms an IME word is not.
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
        return;
      }
      event.preventDefault();
      if (reply.value.trim()) { reply.form.requestSubmit(); }
    });
    document.querySelectorAll(".desk-canned-reply").forEach(function (button) {
      button.addEventListener("click", function () {
        reply.setRangeText(button.getAttribute("data-text"), reply.selectionStart,
          reply.selectionEnd, "end");
        reply.focus();
      });
    });
  }

  var queue = byId("desk-queue"), transcript = byId("desk-transcript");
  if (queue) { startQueue(queue); }
  if (transcript) { startTicket(transcript); }
})();
