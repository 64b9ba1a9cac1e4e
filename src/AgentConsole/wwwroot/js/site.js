// Live countdowns on SLA due times, and the SignalR connection every signed-in page shares.
(() => {
  const es = document.documentElement.lang === "es";
  const words = es
    ? { left: "quedan", over: "vencido hace", caller: "Llamada transferida", caseWord: "Caso", sev: "Severidad", due: "SLA", breached: "incumplido", unknown: "desconocido", open: "Abrir" }
    : { left: "left", over: "overdue by", caller: "Transferred call", caseWord: "Case", sev: "Severity", due: "SLA", breached: "breached", unknown: "unknown", open: "Open" };

  const span = ms => {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const h = Math.floor(minutes / 60), m = minutes % 60;
    return h > 0 ? `${h} h ${String(m).padStart(2, "0")} min` : `${m} min`;
  };

  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.countdown[data-due]").forEach(el => {
      const due = Number(el.dataset.due), warn = Number(el.dataset.warn || 0);
      const left = due - now;
      el.textContent = left >= 0 ? `${span(left)} ${words.left}` : `${words.over} ${span(left)}`;
      // The server wrote the due time in the case's zone; it stays as the tooltip once the text counts down.
      el.dataset.at ||= el.textContent.trim();
      el.title = el.dataset.at;
      el.classList.toggle("breached", left < 0 || el.classList.contains("breached"));
      el.classList.toggle("warn", left >= 0 && warn > 0 && now >= warn);
    });
  }
  tick();
  setInterval(tick, 1000);

  // Times not tied to a case are shown in the browser's zone (unless the login saved one): tell the server which.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes(`wt-tz=${encodeURIComponent(zone)}`)) {
    document.cookie = `wt-tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  }

  if (!window.signalR) return;
  const connection = new signalR.HubConnectionBuilder().withUrl("/hubs/cases").withAutomaticReconnect().build();
  window.webTicketing = { connection, refresh: replaceFromServer, onStart: [] };

  // Fetches the same page again and swaps the named regions, leaving forms being typed in untouched.
  async function replaceFromServer(ids) {
    const response = await fetch(location.href, { headers: { "X-Requested-With": "live" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    ids.forEach(id => {
      const current = document.getElementById(id), next = fresh.getElementById(id);
      if (current && next) {
        current.replaceWith(next);
        next.classList.add("live-flash");
      }
    });
    tick();
  }

  connection.on("callTransferred", call => {
    if (document.body.dataset.staff !== "true") return;
    const toast = document.createElement("div");
    toast.className = "toast show border-primary";
    toast.setAttribute("role", "alert");
    const link = call.caseNumber ? `<a href="/cases/${call.caseNumber}">${words.caseWord} ${call.caseNumber}</a>` : "";
    const sla = call.slaDueAt ? `${words.due}: ${new Date(call.slaDueAt).toLocaleString()}${call.slaBreached ? ` · <strong class="breach">${words.breached}</strong>` : ""}` : "";
    toast.innerHTML = `<div class="toast-header"><strong class="me-auto">${words.caller}</strong><button type="button" class="btn-close" aria-label="x"></button></div>
      <div class="toast-body"><div class="caller"></div>${link}${call.severity ? ` · ${words.sev} ${call.severity}` : ""}<div class="small">${sla}</div></div>`;
    toast.querySelector(".caller").textContent = call.caller || words.unknown;
    toast.querySelector(".btn-close").addEventListener("click", () => toast.remove());
    document.getElementById("toasts").appendChild(toast);
  });

  const list = document.querySelector("[data-live-list]");
  if (list) {
    let pending = null;
    connection.on("caseChanged", () => {
      clearTimeout(pending);
      pending = setTimeout(() => replaceFromServer(["case-list"]), 300);
    });
    if (list.dataset.all === "true") window.webTicketing.onStart.push(() => connection.invoke("WatchAll"));
  }

  connection.onreconnected(() => window.webTicketing.onStart.forEach(f => f()));
  // Scripts of the page register their joins before the connection starts.
  window.addEventListener("load", () => connection.start()
    .then(() => { document.body.dataset.live = "connected"; window.webTicketing.onStart.forEach(f => f()); })
    .catch(err => console.warn("live updates unavailable", err)));
})();
