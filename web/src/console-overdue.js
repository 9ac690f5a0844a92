// 逾期未录入: activities still scheduled more than 10 working days after their end, each opened
// in 活动 to record its hours.
import { allPages, refusalText, say, statusLine, table } from "./console-common.js";
import { h, when } from "./layout.js";

export function mountOverdue(panel, state) {
  const status = statusLine();
  const list = h("div", { class: "overdue-list" });
  const refresh = h("button", { type: "button", class: "secondary" }, "刷新");
  panel.append(
    h("p", { class: "muted" }, "结束后超过 10 个工作日仍未录入服务时长的活动。"),
    h("div", { class: "actions" }, refresh),
    status,
    list,
  );

  async function load() {
    say(status, "正在加载…");
    try {
      const all = await allPages("/activities?status=overdue");
      const teams = new Map(state.teams.map((t) => [t.team_id, t.name]));
      const shown = state.orgId ? all.filter((a) => teams.has(a.team_id)) : all;
      list.replaceChildren(
        table(
          "逾期未录入的活动",
          ["活动", "团队", "结束时间", "应录入截止", "操作"],
          shown.map((a) => [
            a.title,
            teams.get(a.team_id) || "—",
            when(a.ends_at),
            a.record_by,
            h(
              "button",
              {
                type: "button",
                class: "secondary",
                "aria-label": `去录入：${a.title}`,
                onclick: () => state.openActivity(a),
              },
              "去录入",
            ),
          ]),
          "没有逾期未录入的活动",
        ),
      );
      say(status, shown.length ? `共 ${shown.length} 场逾期未录入` : "");
    } catch (error) {
      say(status, refusalText(error), "error");
    }
  }

  refresh.addEventListener("click", load);
  state.on("unit", () => {
    if (!panel.hidden) load();
  });
  return { show: load, again: load };
}
