// 团队与成员: the unit's teams, one team's members, a new team, a member added from the unit's
// volunteers (a page of names at a time).
import { call } from "./api.js";
import { field, onSubmit, refusalText, say, select, statusLine, table } from "./console-common.js";
import { setMessage, valuesOf } from "./forms.js";
import { h, when } from "./layout.js";
import { choices } from "./vocabularies.js";

const PAGE_SIZE = 20;

/** A <select> of the unit's volunteers, a page at a time, with its pager. */
function volunteerPicker(organisationId) {
  let page = 1;
  let pages = 1;
  const chooser = select("volunteer_id", [], { empty: "请选择志愿者", required: true });
  const where = h("span", { "aria-live": "polite" }, "");
  const previous = h("button", { type: "button", class: "secondary" }, "上一页");
  const next = h("button", { type: "button", class: "secondary" }, "下一页");
  async function load() {
    const query = new URLSearchParams({ page, page_size: PAGE_SIZE });
    if (organisationId) query.set("organisation_id", organisationId);
    try {
      const answer = await call("registration", `/volunteers?${query}`, { auth: true });
      pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
      chooser.replaceChildren(
        h("option", { value: "" }, answer.total ? "请选择志愿者" : "本单位暂无志愿者"),
        ...answer.items.map((v) =>
          h("option", { value: v.volunteer_id }, v.phone ? `${v.name}（${v.phone}）` : v.name),
        ),
      );
      where.textContent = `第 ${page} / ${pages} 页，共 ${answer.total} 人`;
    } catch (error) {
      where.textContent = refusalText(error);
    }
    previous.disabled = page <= 1;
    next.disabled = page >= pages;
  }
  previous.addEventListener("click", () => {
    page = Math.max(1, page - 1);
    load();
  });
  next.addEventListener("click", () => {
    page = Math.min(pages, page + 1);
    load();
  });
  const element = h(
    "div",
    { class: "picker" },
    field("member-volunteer", "志愿者", chooser),
    h("nav", { class: "actions pager", "aria-label": "志愿者名单翻页" }, previous, next, where),
  );
  return { element, load };
}

function memberForm(team, roles, shown) {
  const picker = volunteerPicker(team.organisation_id);
  const form = h(
    "form",
    { class: "member-form", "aria-label": "添加队员", novalidate: true },
    picker.element,
    field("member-role", "角色", select("role", roles, { value: "member" })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "添加队员")),
  );
  onSubmit(
    form,
    async () => {
      const values = valuesOf(form);
      const answer = await call("teams", `/teams/${team.team_id}/members`, {
        method: "POST",
        auth: true,
        body: { volunteer_id: values.volunteer_id || "", role: values.role },
      });
      shown(answer, "已添加队员");
    },
    {
      fields: {
        volunteer_id: (problems) =>
          /uuid|valid/i.test(String(problems))
            ? "请选择志愿者"
            : "该志愿者尚未同步到团队系统，或已注销，请稍后再试",
      },
      conflict: "该志愿者已是本队队员，或团队已满员",
      notFound: "该团队不存在，或不在您的管理范围内",
    },
  );
  picker.load();
  return form;
}

export function mountTeams(panel, state) {
  const status = statusLine();
  const list = h("div", { class: "team-list" });
  const detail = h("div", { class: "team-detail", "aria-live": "polite" });
  const creating = h("div", { class: "team-create" });
  panel.append(status, h("h3", {}, "团队列表"), list, detail, creating);
  let kinds = [];
  let roles = [];
  let skills = [];

  function renderList() {
    const rows = state.teams.map((team) => [
      team.name,
      team.kind_label,
      state.orgName(team.organisation_id),
      String(team.member_count),
      team.capacity ? String(team.capacity) : "不限",
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "aria-label": `查看队员：${team.name}`,
          onclick: () => openTeam(team.team_id),
        },
        "查看队员",
      ),
    ]);
    list.replaceChildren(
      table("本单位的团队", ["团队", "类型", "所属单位", "人数", "容量", "操作"], rows, "暂无团队"),
    );
  }

  function showTeam(team, message) {
    const members = team.members.map((m) => [
      m.name || "（已注销）",
      m.role_label,
      when(m.assigned_at),
    ]);
    const form = memberForm(team, roles, (answer, text) => {
      showTeam(answer, text);
      state.loadTeams().catch(() => null);
    });
    detail.replaceChildren(
      h("h3", { id: "team-detail-title", tabindex: "-1" }, team.name),
      h("p", { class: "muted" }, `${team.kind_label} · ${state.orgName(team.organisation_id)}`),
      team.description ? h("p", {}, team.description) : null,
      h("h4", {}, "队员"),
      table(`${team.name}的队员`, ["姓名", "角色", "加入时间"], members, "暂无队员"),
      h("h4", {}, "添加队员"),
      form,
    );
    if (message) setMessage(form, message, "ok");
  }

  async function openTeam(teamId) {
    say(status, "正在加载团队…");
    try {
      showTeam(await call("teams", `/teams/${teamId}`, { auth: true }));
      say(status, "");
      detail.querySelector("#team-detail-title").focus();
    } catch (error) {
      say(status, refusalText(error, { notFound: "该团队不存在，或不在您的管理范围内" }), "error");
    }
  }

  function createForm() {
    const units = state.office
      ? select(
          "organisation_id",
          [{ value: "", label: "协会直属（不属于成员单位）" }].concat(
            state.organisations.map((o) => ({ value: o.organisation_id, label: o.name })),
          ),
          { value: state.orgId },
        )
      : null;
    const skillBoxes = h(
      "fieldset",
      {},
      h("legend", {}, "所需技能（可多选）"),
      h(
        "div",
        { class: "options" },
        skills.map((skill) =>
          h(
            "label",
            { class: "check" },
            h("input", { type: "checkbox", name: "required_skills", value: skill.value }),
            skill.label,
          ),
        ),
      ),
    );
    const form = h(
      "form",
      { "aria-label": "新建团队", novalidate: true },
      field("team-name", "团队名称", h("input", { name: "name", required: true, maxlength: 100 })),
      field("team-kind", "团队类型", select("kind", kinds, { empty: "请选择", required: true })),
      field("team-description", "团队简介", h("textarea", { name: "description", rows: 3 })),
      skills.length ? skillBoxes : null,
      field(
        "team-capacity",
        "人数上限",
        h("input", { name: "capacity", type: "number", min: 1, inputmode: "numeric" }),
        "不填表示不限",
      ),
      units
        ? field("team-organisation", "所属单位", units)
        : h("p", { class: "muted" }, `所属单位：${state.orgName(state.orgId)}`),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "创建团队")),
    );
    onSubmit(
      form,
      async () => {
        const values = valuesOf(form);
        const capacity = values.capacity === undefined ? null : Number(values.capacity);
        const team = await call("teams", "/teams", {
          method: "POST",
          auth: true,
          body: {
            name: values.name || "",
            kind: values.kind || "",
            description: values.description || "",
            required_skills: values.required_skills || [],
            capacity: Number.isInteger(capacity) ? capacity : values.capacity ? -1 : null,
            organisation_id: (state.office ? values.organisation_id : state.orgId) || null,
          },
        });
        form.reset();
        setMessage(form, `已创建团队“${team.name}”`, "ok");
        await state.loadTeams();
        showTeam(team);
      },
      {
        fields: {
          capacity: "请填写 1 到 10000 之间的整数",
          kind: "请选择团队类型",
          name: (problems) =>
            /blank|Length|required/i.test(String(problems)) ? "请填写团队名称" : "团队名称填写有误",
          organisation_id: "请选择所属单位",
        },
        conflict: "已有同名团队，请换一个名称",
      },
    );
    creating.replaceChildren(h("h3", {}, "新建团队"), form);
  }

  async function show() {
    renderList();
    try {
      [kinds, roles, skills] = await Promise.all([
        choices("teams", "TeamIn", "kind"),
        choices("teams", "MemberIn", "role"),
        choices("registration", "SignUp", "skills").catch(() => []),
      ]);
    } catch (error) {
      say(status, refusalText(error), "error");
    }
    createForm();
  }

  state.on("teams", renderList);
  state.on("unit", () => {
    detail.replaceChildren();
    if (kinds.length) createForm();
  });
  return { show, again: renderList };
}
