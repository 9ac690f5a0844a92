// /me's service record (服务记录): one entry per activity with hours, newest first, with the
// corrections made to its hours (GET teams /volunteers/{id}/records).
import { call } from "./api.js";
import { h, hours, when } from "./layout.js";
import { day, details, liveLine, loading, section } from "./me-common.js";

const PAGE_SIZE = 100;

function correction(entry) {
  return h(
    "li",
    {},
    `${day(entry.corrected_at)}：${hours(entry.previous_hours)} 更正为 ${hours(entry.hours)}`,
    entry.reason ? `（原因：${entry.reason}）` : "",
  );
}

function record(entry, index) {
  const title = `record-${index}-title`;
  return h(
    "li",
    { class: "card record", "aria-labelledby": title },
    h("h3", { id: title }, entry.title),
    details([
      ["服务日期", day(entry.started_at)],
      ["服务时长", hours(entry.hours)],
      ["组织单位", entry.organising_unit],
      ["活动类别", entry.kind_label],
      ["地点", entry.location],
      ["负责人", entry.person_in_charge],
      ["记录时间", entry.recorded_at ? when(entry.recorded_at) : null],
    ]),
    entry.corrections?.length
      ? h(
          "div",
          { class: "corrections" },
          h("p", { class: "hint" }, "时长更正"),
          h("ul", {}, entry.corrections.map(correction)),
        )
      : null,
  );
}

/** The record section; `load()` fills (and refreshes) it. */
export function recordsSection(volunteerId) {
  const list = h("ul", { class: "cards", id: "records" });
  const status = liveLine();
  const element = section("service-records", "服务记录", status, list);

  async function load() {
    await loading(
      status,
      async () => {
        const entries = await call(
          "teams",
          `/volunteers/${volunteerId}/records?page_size=${PAGE_SIZE}`,
          { auth: true },
        );
        list.replaceChildren(...entries.map(record));
        if (!entries.length) list.append(h("li", { class: "muted" }, "还没有服务记录。"));
        if (entries.length === PAGE_SIZE) {
          list.append(h("li", { class: "muted" }, `仅显示最近 ${PAGE_SIZE} 条记录。`));
        }
      },
      { 404: "还没有服务记录。" },
    );
  }
  return { element, load };
}
