// 统计报表: service hours of a period drawn with Chart.js — by month, volunteers by street, hours by
// unit (the office only) — each chart's rows also as a table; a grouping of one's choice as a
// table with its CSV and Excel files; the volunteers' list and a team's calendar to download.
import { call, download } from "./api.js";
import {
  beijingToday,
  field,
  refusalText,
  say,
  select,
  statusLine,
  table,
} from "./console-common.js";
import { h } from "./layout.js";
import { choices } from "./vocabularies.js";

const GROUPINGS = [
  { value: "month", label: "按月份" },
  { value: "team", label: "按团队" },
  { value: "organisation", label: "按单位" },
  { value: "street", label: "按街道" },
];
const KEY_HEADERS = { month: "月份", team: "团队", organisation: "单位", street: "街道" };
const FIGURES = ["服务时长（小时）", "志愿者人数", "服务人次", "活动场次"];
const COLOURS = { hours: "#0b5cad", volunteers: "#1b6e3a" };

function number(value) {
  return Number(value || 0).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
}

function figureCells(row) {
  return [
    number(row.hours),
    String(row.volunteers),
    String(row.attendances),
    String(row.activities),
  ];
}

/** One chart of one grouping and one figure, with its table. */
function chartSection(title, groupBy, figure, describe) {
  const canvas = h("canvas", { role: "img", "aria-label": title });
  const rows = h("div", { class: "chart-table" });
  const section = h(
    "section",
    { class: "report-chart", "aria-labelledby": `chart-${groupBy}-title` },
    h("h3", { id: `chart-${groupBy}-title` }, title),
    h("div", { class: "chart-box" }, canvas),
    rows,
  );
  let chart = null;
  function draw(report, labelOf) {
    const labels = report.rows.map((row) => labelOf(groupBy, row));
    chart?.destroy();
    chart = null;
    if (window.Chart) {
      chart = new window.Chart(canvas, {
        type: "bar",
        data: {
          labels,
          datasets: [
            {
              label: describe,
              data: report.rows.map((row) => row[figure]),
              backgroundColor: COLOURS[figure],
              maxBarThickness: 56,
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true } },
        },
      });
    }
    const spoken = report.rows.map((row, i) => `${labels[i]} ${number(row[figure])}`);
    canvas.setAttribute("aria-label", `${title}：${spoken.join("，") || "无数据"}`);
    rows.replaceChildren(
      table(
        title,
        [KEY_HEADERS[groupBy], ...FIGURES],
        report.rows.map((row, i) => [labels[i], ...figureCells(row)]),
        "所选期间没有服务时长",
      ),
    );
  }
  return { section, draw, groupBy };
}

export function mountReports(panel, state) {
  const year = beijingToday().slice(0, 4);
  const status = statusLine();
  const from = h("input", { type: "date", name: "from", value: `${year}-01-01` });
  const to = h("input", { type: "date", name: "to", value: `${year}-12-31` });
  const grouping = select("group_by", GROUPINGS, { value: "month" });
  const form = h(
    "form",
    { "aria-label": "统计条件", class: "report-filter" },
    h(
      "div",
      { class: "columns" },
      field("report-from", "开始日期", from),
      field("report-to", "结束日期", to),
    ),
    field("report-group", "明细分组", grouping),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "查看统计")),
  );
  const totals = h("div", { class: "figures", "aria-live": "polite" });
  const charts = [
    chartSection("每月服务时长", "month", "hours", "服务时长（小时）"),
    chartSection("各街道志愿者人数", "street", "volunteers", "志愿者人数"),
  ];
  if (state.office)
    charts.push(chartSection("各单位服务时长", "organisation", "hours", "服务时长（小时）"));
  const details = h("div", { class: "report-details" });
  const downloads = h(
    "div",
    { class: "actions" },
    h("button", { type: "button", class: "secondary", onclick: () => file("csv") }, "下载 CSV"),
    h("button", { type: "button", class: "secondary", onclick: () => file("xlsx") }, "下载 Excel"),
  );
  const exportsStatus = statusLine();
  const calendarTeam = select("calendar_team", [], { empty: "请选择团队" });
  panel.append(
    form,
    status,
    totals,
    ...charts.map((c) => c.section),
    h("section", { class: "report-chart" }, h("h3", {}, "明细"), details, downloads),
    h(
      "section",
      { class: "report-exports" },
      h("h3", {}, "导出"),
      exportsStatus,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", onclick: exportVolunteers },
          "导出志愿者名单",
        ),
      ),
      field("calendar-team", "团队日历", calendarTeam),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: teamCalendar }, "订阅日历"),
      ),
    ),
  );
  let streets = new Map();

  function labelOf(groupBy, row) {
    if (groupBy === "street" && row.key) return streets.get(row.key) || row.label;
    if (groupBy === "organisation" && row.key) return state.orgName(row.key);
    return row.label;
  }

  function query(groupBy, format) {
    const parameters = new URLSearchParams({ group_by: groupBy, format });
    if (from.value) parameters.set("from", from.value);
    if (to.value) parameters.set("to", to.value);
    if (state.orgId) parameters.set("organisation_id", state.orgId);
    return `/reports/hours?${parameters}`;
  }

  const report = (groupBy) => call("teams", query(groupBy, "json"), { auth: true });

  async function load() {
    if (from.value && to.value && from.value > to.value) {
      say(status, "结束日期不得早于开始日期", "error");
      to.setAttribute("aria-invalid", "true");
      return;
    }
    to.removeAttribute("aria-invalid");
    say(status, "正在统计…");
    try {
      const groupBy = grouping.value;
      const answers = new Map();
      const wanted = new Set([...charts.map((c) => c.groupBy), groupBy]);
      await Promise.all([...wanted].map(async (g) => answers.set(g, await report(g))));
      for (const chart of charts) chart.draw(answers.get(chart.groupBy), labelOf);
      const chosen = answers.get(groupBy);
      const total = chosen.total;
      totals.replaceChildren(
        ...[
          ["服务时长", `${number(total.hours)} 小时`],
          ["志愿者", `${total.volunteers} 人`],
          ["服务人次", `${total.attendances} 人次`],
          ["活动", `${total.activities} 场`],
        ].map(([label, value]) => h("div", { class: "figure" }, label, h("strong", {}, value))),
      );
      details.replaceChildren(
        table(
          `明细（${GROUPINGS.find((g) => g.value === groupBy).label}）`,
          [KEY_HEADERS[groupBy], ...FIGURES],
          [
            ...chosen.rows.map((row) => [labelOf(groupBy, row), ...figureCells(row)]),
            ["合计", ...figureCells(chosen.total)],
          ],
          "所选期间没有服务时长",
        ),
      );
      say(status, "");
    } catch (error) {
      say(
        status,
        error.status === 422
          ? "统计条件有误，请检查日期"
          : refusalText(error, { notFound: "该单位不存在，或不在您的管理范围内" }),
        "error",
      );
    }
  }

  async function file(format) {
    const suffix = format === "xlsx" ? "xlsx" : "csv";
    const grouped = GROUPINGS.find((g) => g.value === grouping.value).label;
    const name = `服务时长统计-${grouped}-${from.value || "不限"}-${to.value || "不限"}.${suffix}`;
    try {
      await download("teams", query(grouping.value, format), name);
      say(status, `已下载 ${name}`, "ok");
    } catch (error) {
      say(status, refusalText(error), "error");
    }
  }

  async function exportVolunteers() {
    try {
      await download("registration", "/volunteers/export?format=xlsx", "志愿者名单.xlsx");
      say(exportsStatus, "已导出志愿者名单（手机号已隐去中间四位）", "ok");
    } catch (error) {
      say(exportsStatus, refusalText(error), "error");
    }
  }

  async function teamCalendar() {
    const team = state.teams.find((t) => t.team_id === calendarTeam.value);
    if (!team) {
      say(exportsStatus, "请先选择团队", "error");
      calendarTeam.focus();
      return;
    }
    try {
      await download("teams", `/teams/${team.team_id}/calendar.ics`, `${team.name}.ics`);
      say(exportsStatus, `已下载“${team.name}”的活动日历，可导入手机或电脑日历`, "ok");
    } catch (error) {
      say(
        exportsStatus,
        refusalText(error, { notFound: "该团队不存在，或不在您的管理范围内" }),
        "error",
      );
    }
  }

  function fillTeams() {
    calendarTeam.replaceChildren(
      h("option", { value: "" }, "请选择团队"),
      ...state.teams.map((t) => h("option", { value: t.team_id }, t.name)),
    );
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  state.on("teams", fillTeams);
  state.on("unit", () => {
    if (!panel.hidden) load();
  });

  async function show() {
    fillTeams();
    try {
      streets = new Map(
        (await choices("registration", "SignUp", "street")).map((s) => [s.value, s.label]),
      );
    } catch {
      streets = new Map();
    }
    await load();
  }
  return { show, again: load };
}
