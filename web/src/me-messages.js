// /me's messages (消息): what the association sent the volunteer (welcome, team notices, thanks,
// stars, applications…), newest first (GET notifications /volunteers/{id}/notifications, which
// pages oldest first with `after`).
import { call } from "./api.js";
import { h, when } from "./layout.js";
import { liveLine, loading, section } from "./me-common.js";

const PAGE = 500;
const MOST_PAGES = 10;
const SHOWN = 50;

async function everyNotification(volunteerId) {
  const all = [];
  let after = 0;
  for (let page = 0; page < MOST_PAGES; page += 1) {
    const answer = await call(
      "notifications",
      `/volunteers/${volunteerId}/notifications?after=${after}&limit=${PAGE}`,
      { auth: true },
    );
    all.push(...answer.notifications);
    if (answer.notifications.length < PAGE || answer.next_after === after) break;
    after = answer.next_after;
  }
  return all;
}

function message(notification) {
  const titleId = `message-${notification.id}`;
  return h(
    "li",
    {
      class: "card message",
      "aria-labelledby": titleId,
      lang: notification.language === "en" ? "en" : "zh-CN",
    },
    h("h3", { id: titleId }, notification.subject),
    h(
      "p",
      { class: "hint" },
      h("time", { datetime: notification.created_at }, when(notification.created_at)),
    ),
    h("p", { class: "message-body" }, notification.body),
  );
}

/** The messages section; `load()` fills (and refreshes) it. */
export function messagesSection(volunteerId) {
  const list = h("ul", { class: "cards", id: "messages" });
  const status = liveLine();
  const element = section("messages-section", "消息", status, list);

  async function load() {
    await loading(
      status,
      async () => {
        const newest = (await everyNotification(volunteerId)).reverse().slice(0, SHOWN);
        list.replaceChildren(...newest.map(message));
        if (!newest.length) list.append(h("li", { class: "muted" }, "还没有消息。"));
      },
      { 404: "还没有消息。" },
    );
  }
  return { element, load };
}
