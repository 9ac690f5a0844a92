// /me's check-in and check-out on site: the activity (scanned from the QR code, `?activity=`, or
// one of the volunteer's accepted activities happening now) and the 6-digit code shown there
// (`?code=`) → POST teams /activities/{id}/check-ins or /check-outs.
import { ApiError, call } from "./api.js";
import { busy, clearErrors, setMessage, showErrors } from "./forms.js";
import { h } from "./layout.js";
import { clock, explain, loggedOut, section, span, toLogin } from "./me-common.js";
import { myApplications } from "./me-activities.js";

const HOUR = 60 * 60 * 1000;
const CODE_TEXT = "签到码已过期，请扫描现场最新的二维码";
const ACTIONS = {
  "check-ins": {
    done: (presence) => `签到成功（${clock(presence.checked_in_at)}）`,
    fields: {
      code: CODE_TEXT,
      volunteer_id: "您不是该活动所属队伍的队员，也没有被录用，不能签到",
      starts_at: "签到尚未开始：活动开始前 1 小时起可以签到",
      ends_at: "活动已结束，签到已关闭",
    },
  },
  "check-outs": {
    done: (presence) => `签退成功（${clock(presence.checked_out_at)}）`,
    fields: {
      code: CODE_TEXT,
      volunteer_id: "您不是该活动所属队伍的队员，也没有被录用，不能签退",
      ends_at: "签退已截止：活动结束 1 小时后不能再签退",
    },
  },
};
// 409s differ only by what the presence already is.
const CONFLICTS = [
  [/already checked in/i, "您已签到，无需重复签到"],
  [/already checked out/i, "您已签退，无需重复签退"],
  [/not checked in/i, "您还没有签到，请先签到"],
  [/activity is/i, "活动已结束或已取消"],
];

function conflictText(error) {
  const match = CONFLICTS.find(([pattern]) => pattern.test(error.body?.message || ""));
  return match ? match[1] : "当前状态下无法完成该操作";
}

/** Accepted applications whose activity is on now (from an hour before to an hour after). */
function happeningNow(applications) {
  const now = Date.now();
  return applications.filter(
    (each) =>
      each.status === "accepted" &&
      each.activity_status === "scheduled" &&
      new Date(each.starts_at).getTime() - HOUR <= now &&
      now <= new Date(each.ends_at).getTime() + HOUR,
  );
}

function checkInForm(volunteerId, code) {
  const select = h("select", { id: "check-in-activity", name: "activity_id", required: true });
  const form = h(
    "form",
    { id: "check-in", novalidate: true, "aria-label": "签到或签退" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "check-in-activity" }, "活动"),
      select,
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "check-in-code" }, "签到码"),
      h("input", {
        id: "check-in-code",
        name: "code",
        type: "text",
        inputmode: "numeric",
        autocomplete: "one-time-code",
        maxlength: "6",
        pattern: "\\d{6}",
        value: code || null,
        "aria-describedby": "check-in-code-hint",
      }),
      h("p", { class: "hint", id: "check-in-code-hint" }, "现场二维码旁显示的 6 位数字"),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", value: "check-ins" }, "签到"),
      h("button", { type: "submit", value: "check-outs", class: "secondary" }, "签退"),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = event.submitter?.value === "check-outs" ? "check-outs" : "check-ins";
    const texts = ACTIONS[action];
    clearErrors(form);
    const activityId = select.value;
    const entered = form.elements.code.value.trim();
    if (!/^\d{6}$/.test(entered)) {
      const problem = entered ? "签到码为 6 位数字" : "请输入现场显示的 6 位签到码";
      showErrors(form, { code: [] }, { code: problem });
      return;
    }
    await busy(form, async () => {
      try {
        const presence = await call("teams", `/activities/${activityId}/${action}`, {
          method: "POST",
          body: { volunteer_id: volunteerId, code: entered },
          auth: true,
        });
        setMessage(form, texts.done(presence), "ok");
      } catch (error) {
        if (loggedOut(error)) return toLogin();
        if (error instanceof ApiError && error.status === 422) {
          showErrors(form, error.fields, texts.fields);
        } else if (error instanceof ApiError && error.status === 409) {
          setMessage(form, conflictText(error), "error");
        } else {
          setMessage(form, explain(error, { 404: "找不到该活动，请重新扫描现场的二维码" }), "error");
        }
      }
    });
  });
  return form;
}

/**
 * The check-in section, `scanned` = {activity, code} from the page's query; `load()` offers the
 * activities once the volunteer's applications are known.
 */
export function checkInSection(volunteerId, scanned) {
  const form = checkInForm(volunteerId, scanned.code);
  const note = h("p", { class: "muted" }, "正在加载…");
  form.hidden = true;
  const element = section(
    "check-in-section",
    "签到 / 签退",
    h("p", { class: "hint" }, "到达活动现场后，扫描现场二维码，或选择活动并输入现场显示的签到码。"),
    note,
    form,
  );

  /** The activities to choose from (again after an application), keeping what was chosen. */
  async function load() {
    let applications = [];
    try {
      applications = await myApplications(volunteerId);
    } catch (error) {
      if (loggedOut(error)) return toLogin();
    }
    const options = happeningNow(applications).map((each) => ({
      value: each.activity_id,
      label: `${each.title}（${span(each.starts_at, each.ends_at)}）`,
    }));
    if (scanned.activity && !options.some((option) => option.value === scanned.activity)) {
      const known = applications.find((each) => each.activity_id === scanned.activity);
      options.unshift({ value: scanned.activity, label: known ? known.title : "扫码的活动" });
    }
    const select = form.elements.activity_id;
    const chosen = select.value || scanned.activity;
    select.replaceChildren(...options.map(({ value, label }) => h("option", { value }, label)));
    if (options.some((option) => option.value === chosen)) select.value = chosen;
    note.textContent = options.length ? "" : "现在没有可选择的活动：请扫描活动现场的二维码签到。";
    note.hidden = Boolean(options.length);
    form.hidden = !options.length;
  }
  return { element, load };
}
