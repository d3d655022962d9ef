// Minimal chat page for the local assistant. All text is inserted with
// textContent, never as HTML, so markup in messages is shown, not executed.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");

  function senderId() {
    var id = localStorage.getItem("jl-sender");
    if (!id) {
      id = "web-" + Array.from(crypto.getRandomValues(new Uint8Array(12)),
        function (b) { return b.toString(16).padStart(2, "0"); }).join("");
      localStorage.setItem("jl-sender", id);
    }
    return id;
  }

  function show(role, text, buttons) {
    var item = document.createElement("li");
    item.className = role;
    item.textContent = text || "";
    (buttons || []).forEach(function (button) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = button.title;
      b.addEventListener("click", function () { send(button.payload, button.title); });
      item.appendChild(document.createElement("br"));
      item.appendChild(b);
    });
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function send(message, shown) {
    show("reader", shown || message);
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId(), message: message })
    }).then(function (r) { return r.json(); }).then(function (replies) {
      if (!replies.length) { show("bot", "（助手没有回复，请换个说法或稍后再试。）"); }
      replies.forEach(function (reply) { show("bot", reply.text, reply.buttons); });
    }).catch(function () { show("bot", "网络异常，请稍后再试。"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });

  send("/greet", "你好");
})();
