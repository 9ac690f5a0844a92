// 活动: a team's activities, a new one published (times typed in Beijing time), and one opened
// to run it (console-activity.js).
import { call } from "./api.js";
import { showActivity } from "./console-activity.js";
import {
  allPages,
  beijingInput,
  beijingIso,
  field,
  onSubmit,
  refusalText,
  say,
  select,
  statusLine,
  table,
} from "./console-common.js";
import { setMessage, valuesOf } from "./forms.js";
import { h, when } from "./layout.js";
import { choices } from "./vocabularies.js";

const FIELD_MESSAGES = {
  team_id: "请选择团队",
  title: "请填写活动名称（200 字以内）",
  kind: "请选择活动类型",
  location: "请填写活动地点（200 字以内）",
  content: "请填写服务内容（2000 字以内）",
  organising_unit: "请填写组织单位（100 字以内）",
  person_in_charge: "请填写负责人（50 字以内）",
  slots: "请填写 1 以上的整数，或留空表示不限",
  starts_at: (problems) =>
    /required|Missing/i.test(String(problems)) ? "请填写开始时间" : "开始时间不正确",
  ends_at: (problems) =>
    /after starts_at/.test(String(problems))
      ? "结束时间须晚于开始时间"
      : /required|Missing/i.test(String(problems))
        ? "请填写结束时间"
        : "结束时间不正确",
  sign_up_until: "报名截止时间不得晚于开始时间",
};

function activityForm(state, teamChooser, kinds, openTo, created) {
  // By default tomorrow, 09:00 to 11:00 in Beijing.
  const tomorrow = beijingInput(new Date(Date.now() + 24 * 3600 * 1000)).slice(0, 10);
  const input = (name, attributes = {}) => h("input", { name, ...attributes });
  const form = h(
    "form",
    { "aria-label": "发布活动", novalidate: true },
    field("activity-title", "活动名称", input("title", { required: true, maxlength: 200 })),
    field("activity-kind", "活动类型", select("kind", kinds, { empty: "请选择", required: true })),
    field("activity-location", "活动地点", input("location", { required: true, maxlength: 200 })),
    h(
      "div",
      { class: "columns" },
      field(
        "activity-starts",
        "开始时间（北京时间）",
        input("starts_at", { type: "datetime-local", required: true, value: `${tomorrow}T09:00` }),
      ),
      field(
        "activity-ends",
        "结束时间（北京时间）",
        input("ends_at", {
          type: "datetime-local",
          required: true,
          value: `${tomorrow}T11:00`,
        }),
      ),
    ),
    field(
      "activity-content",
      "服务内容",
      h("textarea", { name: "content", rows: 3, required: true }),
    ),
    h(
      "div",
      { class: "columns" },
      field(
        "activity-unit",
        "组织单位",
        input("organising_unit", {
          required: true,
          maxlength: 100,
          value: state.orgId ? state.orgName(state.orgId) : "",
        }),
      ),
      field(
        "activity-person",
        "负责人",
        input("person_in_charge", { required: true, maxlength: 50 }),
      ),
    ),
    h(
      "div",
      { class: "columns" },
      field(
        "activity-slots",
        "招募名额",
        input("slots", { type: "number", min: 1, inputmode: "numeric" }),
        "不填表示不限",
      ),
      field("activity-open-to", "报名范围", select("open_to", openTo, { value: "team" })),
    ),
    field(
      "activity-sign-up-until",
      "报名截止（北京时间）",
      input("sign_up_until", { type: "datetime-local" }),
      "不填表示开始时截止",
    ),
    h(
      "div",
      { class: "field" },
      h(
        "label",
        { class: "check" },
        input("adults_only", { type: "checkbox", value: "true" }),
        "仅限年满 18 周岁的志愿者",
      ),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "发布活动")),
  );
  onSubmit(
    form,
    async () => {
      const values = valuesOf(form);
      const slots = values.slots === undefined ? null : Number(values.slots);
      const activity = await call("teams", "/activities", {
        method: "POST",
        auth: true,
        body: {
          team_id: teamChooser.value || "",
          title: values.title || "",
          kind: values.kind || "",
          location: values.location || "",
          starts_at: beijingIso(values.starts_at) || "",
          ends_at: beijingIso(values.ends_at) || "",
          content: values.content || "",
          organising_unit: values.organising_unit || "",
          person_in_charge: values.person_in_charge || "",
          slots: Number.isInteger(slots) ? slots : values.slots ? -1 : null,
          open_to: values.open_to,
          sign_up_until: beijingIso(values.sign_up_until) || null,
          adults_only: Boolean(values.adults_only),
        },
      });
      setMessage(form, `已发布活动“${activity.title}”`, "ok");
      created(activity);
    },
    { fields: FIELD_MESSAGES, notFound: "该团队不存在，或不在您的管理范围内" },
  );
  return form;
}

export function mountActivities(panel, state) {
  const status = statusLine();
  const teamChooser = select("team", [], { empty: "请选择团队" });
  const list = h("div", { class: "activity-list" });
  const detail = h("div", { class: "activity-detail" });
  const creating = h("div", { class: "activity-create" });
  panel.append(
    field("activities-team", "团队", teamChooser),
    status,
    h("h3", {}, "活动列表"),
    list,
    detail,
    creating,
  );
  let kinds = [];
  let openTo = [];
  let team = null;
  let stopDetail = () => {};

  function fillTeams() {
    const chosen = teamChooser.value;
    teamChooser.replaceChildren(
      h("option", { value: "" }, state.teams.length ? "请选择团队" : "暂无团队"),
      ...state.teams.map((t) => h("option", { value: t.team_id }, t.name)),
    );
    const keep = state.teams.some((t) => t.team_id === chosen);
    teamChooser.value = keep ? chosen : state.teams[0]?.team_id || "";
  }

  async function members() {
    if (!team) return [];
    try {
      return (await call("teams", `/teams/${team.team_id}`, { auth: true })).members;
    } catch {
      return [];
    }
  }

  async function open(activity) {
    stopDetail();
    stopDetail = await showActivity(detail, activity, {
      members,
      changed: () => loadList(),
    });
  }

  async function loadList() {
    team = state.teams.find((t) => t.team_id === teamChooser.value) || null;
    if (!team) {
      list.replaceChildren(h("p", { class: "muted" }, "请先选择团队"));
      return;
    }
    say(status, "正在加载活动…");
    try {
      const activities = await allPages(`/teams/${team.team_id}/activities`);
      const rows = activities.map((a) => [
        a.title,
        a.kind_label,
        `${when(a.starts_at)} 至 ${when(a.ends_at)}`,
        a.status_label,
        a.slots ? `${a.accepted_count} / ${a.slots}` : `${a.accepted_count} / 不限`,
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            "aria-label": `管理：${a.title}`,
            onclick: () => open(a),
          },
          "管理",
        ),
      ]);
      list.replaceChildren(
        table(
          `${team.name}的活动`,
          ["活动", "类型", "时间", "状态", "已录用 / 名额", "操作"],
          rows,
          "该团队暂无活动",
        ),
      );
      say(status, "");
    } catch (error) {
      say(status, refusalText(error), "error");
    }
  }

  let ready = null;
  function show() {
    ready = ready || build();
    return ready;
  }

  async function build() {
    fillTeams();
    try {
      [kinds, openTo] = await Promise.all([
        choices("teams", "ActivityIn", "kind"),
        choices("teams", "ActivityIn", "open_to"),
      ]);
    } catch (error) {
      say(status, refusalText(error), "error");
    }
    creating.replaceChildren(
      h("h3", {}, "发布活动"),
      h("p", { class: "muted" }, "活动发布在上方选中的团队下。"),
      activityForm(state, teamChooser, kinds, openTo, async (activity) => {
        await loadList();
        open(activity);
      }),
    );
    await loadList();
  }

  teamChooser.addEventListener("change", () => {
    stopDetail();
    detail.replaceChildren();
    loadList();
  });
  state.on("teams", () => {
    fillTeams();
  });
  state.on("unit", () => {
    stopDetail();
    detail.replaceChildren();
    fillTeams();
    loadList();
  });
  /** Open an activity from elsewhere (逾期未录入): its team chosen, then the activity. */
  state.openActivity = async (activity) => {
    state.showTab("activities");
    await show();
    teamChooser.value = activity.team_id;
    await loadList();
    await open(activity);
  };
  return { show, again: () => (team ? loadList() : null) };
}
