// The console (/console) of coordinators and the office: who is logged in and which unit they
// look at, the tabs of its panels, and what the panels share (the unit's teams).
import { call } from "./api.js";
import { allPages, field, refusalText, select } from "./console-common.js";
import { h, renderNavigation } from "./layout.js";
import { session } from "./session.js";
import { mountActivities } from "./console-activities.js";
import { mountOverdue } from "./console-overdue.js";
import { mountReports } from "./console-reports.js";
import { mountTeams } from "./console-teams.js";

const STAFF = ["coordinator", "office"];
const main = document.querySelector("main");

function refuseEntry(text) {
  main.replaceChildren(
    h("h1", {}, "管理台"),
    h(
      "p",
      { role: "status" },
      text,
      " ",
      h("a", { href: "/login?as=staff" }, "以工作人员身份登录"),
    ),
  );
}

/** The state the panels share, and how they hear that it changed ("unit", "teams"). */
function consoleState(claims, organisations) {
  const events = new EventTarget();
  return {
    claims,
    office: claims.role === "office",
    organisations,
    orgId: claims.role === "coordinator" ? claims.org : "",
    teams: [],
    events,
    orgName(id) {
      if (!id) return "协会直属";
      return organisations.find((o) => o.organisation_id === id)?.name || "未知单位";
    },
    async loadTeams() {
      const all = await allPages("/teams");
      this.teams = this.orgId ? all.filter((team) => team.organisation_id === this.orgId) : all;
      events.dispatchEvent(new Event("teams"));
      return this.teams;
    },
    emit(name) {
      events.dispatchEvent(new Event(name));
    },
    on(name, listener) {
      events.addEventListener(name, listener);
    },
  };
}

/** A tab list over the panels (arrow keys move between tabs, as the ARIA pattern says). */
function tabs(entries) {
  const list = h("div", { role: "tablist", "aria-label": "管理台功能", class: "tabs" });
  const buttons = entries.map(({ id, title }, index) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${id}`,
        "aria-controls": `panel-${id}`,
        "aria-selected": index === 0 ? "true" : "false",
        tabindex: index === 0 ? "0" : "-1",
      },
      title,
    ),
  );
  const panels = entries.map(({ id, title }, index) =>
    h(
      "section",
      {
        role: "tabpanel",
        id: `panel-${id}`,
        "aria-labelledby": `tab-${id}`,
        class: "panel",
        hidden: index !== 0,
        tabindex: "0",
      },
      h("h2", {}, title),
    ),
  );
  const shown = new Set();
  function choose(index, focus = false) {
    buttons.forEach((button, i) => {
      button.setAttribute("aria-selected", i === index ? "true" : "false");
      button.tabIndex = i === index ? 0 : -1;
      panels[i].hidden = i !== index;
    });
    if (focus) buttons[index].focus();
    const entry = entries[index];
    if (!shown.has(entry.id)) {
      shown.add(entry.id);
      entry.first?.();
    } else entry.again?.();
  }
  buttons.forEach((button, index) => {
    button.addEventListener("click", () => choose(index));
    button.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 1, ArrowUp: -1 };
      if (event.key in moves) {
        event.preventDefault();
        choose((index + moves[event.key] + buttons.length) % buttons.length, true);
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        choose(event.key === "Home" ? 0 : buttons.length - 1, true);
      }
    });
  });
  list.append(...buttons);
  return { list, panels, choose, index: (id) => entries.findIndex((e) => e.id === id) };
}

function unitLine(state) {
  if (!state.office) {
    return h("p", { class: "unit" }, "所在单位：", h("strong", {}, state.orgName(state.orgId)));
  }
  const picker = select(
    "organisation",
    state.organisations.map((o) => ({ value: o.organisation_id, label: o.name })),
    { empty: "全部单位" },
  );
  picker.addEventListener("change", async () => {
    state.orgId = picker.value;
    await state.loadTeams().catch(() => null);
    state.emit("unit");
  });
  return h("div", { class: "unit" }, field("unit-picker", "查看单位", picker));
}

async function start() {
  renderNavigation();
  const claims = session.claims();
  if (!claims) return refuseEntry("请先登录后再使用管理台。");
  if (!STAFF.includes(claims.role)) {
    return refuseEntry("管理台仅供协调员和协会办公室使用，请用工作人员账号登录。");
  }
  const problems = [];
  let organisations = [];
  try {
    organisations = (await call("registration", "/organisations")).items || [];
  } catch (error) {
    problems.push(h("p", { role: "alert" }, refusalText(error)));
  }
  const state = consoleState(claims, organisations);
  try {
    await state.loadTeams();
  } catch (error) {
    problems.push(h("p", { role: "alert" }, refusalText(error)));
  }
  const entries = [
    { id: "teams", title: "团队与成员" },
    { id: "activities", title: "活动" },
    { id: "overdue", title: "逾期未录入" },
    { id: "reports", title: "统计报表" },
  ];
  const tabbed = tabs(entries);
  state.showTab = (id) => tabbed.choose(tabbed.index(id), true);
  const mounts = [mountTeams, mountActivities, mountOverdue, mountReports];
  entries.forEach((entry, index) => {
    const mounted = mounts[index](tabbed.panels[index], state);
    entry.first = mounted.show;
    entry.again = mounted.again;
  });
  // Shown only once every tab works: a click cannot come before its panel is there.
  tabbed.choose(0);
  main.replaceChildren(
    h("h1", {}, state.office ? "管理台 · 协会办公室" : "管理台 · 协调员"),
    unitLine(state),
    ...problems,
    tabbed.list,
    ...tabbed.panels,
  );
}

start();
