// A case detail page follows its case: on any change it shows the new state and history.
(() => {
  const live = window.webTicketing, page = document.getElementById("case-live");
  if (!live || !page) return;
  const number = page.dataset.case;
  live.onStart.push(() => live.connection.invoke("WatchCase", number));
  live.connection.on("caseChanged", change => {
    if (change.number !== number || String(change.version) === document.getElementById("case-live").dataset.version) return;
    // Forms keep what the user typed and the version they were rendered with: a stale submit shows the conflict.
    const typing = [...document.querySelectorAll("#actions textarea, #actions input:not([type=hidden])")].some(el => el.value);
    const regions = ["case-status", "case-severity", "case-assignee", "sla", "sms", "timeline"];
    live.refresh(typing ? regions : [...regions, "actions"]).then(() => {
      document.getElementById("case-live").dataset.version = change.version;
      document.getElementById("live-notice")?.classList.remove("d-none");
    });
  });
})();
