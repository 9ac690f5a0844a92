// /me's recruitment: the activities the volunteer may apply for now (GET teams /activities with
// their own token, each with their application's status), applying and cancelling, and their own
// applications (GET /volunteers/{id}/applications).
import { call } from "./api.js";
import { h } from "./layout.js";
import {
  details,
  explain,
  liveLine,
  loading,
  loggedOut,
  say,
  section,
  span,
  toLogin,
} from "./me-common.js";

const PAGE_SIZE = 100;
const ACTIVE = new Set(["accepted", "waitlisted"]);
const APPLY_TEXTS = {
  404: "找不到该活动，可能已被取消",
  409: "您已报名该活动，无需重复报名",
};
const APPLY_FIELDS = {
  sign_up_until: "报名已截止",
  activity: "活动已结束或已取消，不能报名",
  volunteer_id: "您不符合该活动的报名条件",
};
const ENDED = { completed: "已完成", cancelled: "已取消" };
const CANCEL_TEXTS = {
  404: "没有可取消的报名",
  409: "活动已开始、已结束或已取消，报名不能再取消",
};

/** The volunteer's applications, latest activity first. */
export function myApplications(volunteerId) {
  return call("teams", `/volunteers/${volunteerId}/applications?page_size=${PAGE_SIZE}`, {
    auth: true,
  });
}

// As the teams' OpenAPI document describes application_status ("accepted: 已录用; …").
const APPLICATION_LABELS = { accepted: "已录用", waitlisted: "候补", cancelled: "已取消" };

function applicationText(status, label, position) {
  if (status === "waitlisted" && position) return `${label}（第 ${position} 位）`;
  return label;
}

function refusalOf(error) {
  const field = Object.keys(error?.fields || {}).find((name) => APPLY_FIELDS[name]);
  return field ? APPLY_FIELDS[field] : explain(error, APPLY_TEXTS);
}

/**
 * The sections "可报名的活动" and "我的报名"; `changed()` is told after an application or a
 * cancellation (the sections reload themselves).
 */
export function recruitmentSections(volunteerId, changed) {
  const openList = h("ul", { class: "cards", id: "open-activities" });
  const openStatus = liveLine();
  const outcome = liveLine("action-message");
  const open = section("open-activities-section", "可报名的活动", outcome, openStatus, openList);
  const mineList = h("ul", { class: "cards", id: "my-applications" });
  const mineStatus = liveLine();
  const mine = section("my-applications-section", "我的报名", mineStatus, mineList);

  async function act(button, work) {
    button.disabled = true;
    say(outcome, "");
    try {
      say(outcome, await work(), "ok");
      await changed();
    } catch (error) {
      if (loggedOut(error)) return toLogin();
      say(outcome, error.refusal || explain(error), "error");
    } finally {
      button.disabled = false;
    }
    outcome.scrollIntoView({ block: "nearest" });
  }

  async function apply(activity, button) {
    await act(button, async () => {
      let answer;
      try {
        answer = await call("teams", `/activities/${activity.activity_id}/applications`, {
          method: "POST",
          body: { volunteer_id: volunteerId },
          auth: true,
        });
      } catch (error) {
        error.refusal = loggedOut(error) ? null : refusalOf(error);
        throw error;
      }
      if (answer.status === "waitlisted") {
        return `名额已满，您已进入「${activity.title}」的候补名单，第 ${answer.position} 位`;
      }
      return `报名成功：「${activity.title}」${answer.status_label || "已录用"}`;
    });
  }

  async function cancel(activity, button) {
    await act(button, async () => {
      try {
        await call(
          "teams",
          `/activities/${activity.activity_id}/applications/${volunteerId}`,
          { method: "DELETE", auth: true },
        );
      } catch (error) {
        error.refusal = loggedOut(error) ? null : explain(error, CANCEL_TEXTS);
        throw error;
      }
      return `已取消「${activity.title}」的报名`;
    });
  }

  function actionButton(activity, active, titleId) {
    const button = h(
      "button",
      { type: "button", class: active ? "secondary" : null, "aria-describedby": titleId },
      active ? "取消报名" : "报名",
    );
    button.addEventListener("click", () =>
      active ? cancel(activity, button) : apply(activity, button),
    );
    return button;
  }

  function openCard(activity) {
    const titleId = `open-${activity.activity_id}`;
    const status = activity.application_status;
    const places =
      activity.slots === null || activity.slots === undefined
        ? `已录用 ${activity.accepted_count} 人（不限名额）`
        : `已录用 ${activity.accepted_count} / ${activity.slots} 人`;
    return h(
      "li",
      { class: "card activity", "aria-labelledby": titleId },
      h("h3", { id: titleId }, activity.title),
      details([
        ["时间", span(activity.starts_at, activity.ends_at)],
        ["地点", activity.location],
        ["类别", activity.kind_label],
        ["名额", places],
        ["候补", activity.waitlisted_count ? `${activity.waitlisted_count} 人` : null],
        ["组织单位", activity.organising_unit],
        ["我的报名", status ? APPLICATION_LABELS[status] || status : "未报名"],
      ]),
      activity.content ? h("p", { class: "content" }, activity.content) : null,
      h("div", { class: "actions" }, actionButton(activity, ACTIVE.has(status), titleId)),
    );
  }

  function mineCard(application) {
    const titleId = `mine-${application.activity_id}`;
    const cancellable =
      ACTIVE.has(application.status) &&
      application.activity_status === "scheduled" &&
      new Date(application.starts_at) > new Date();
    return h(
      "li",
      { class: "card application", "aria-labelledby": titleId },
      h("h3", { id: titleId }, application.title),
      details([
        ["时间", span(application.starts_at, application.ends_at)],
        ["地点", application.location],
        [
          "报名状态",
          applicationText(application.status, application.status_label, application.position),
        ],
        ["活动状态", ENDED[application.activity_status]],
      ]),
      cancellable
        ? h("div", { class: "actions" }, actionButton(application, true, titleId))
        : null,
    );
  }

  async function loadOpen() {
    await loading(openStatus, async () => {
      const activities = await call("teams", `/activities?page_size=${PAGE_SIZE}`, { auth: true });
      openList.replaceChildren(...activities.map(openCard));
      if (!activities.length) openList.append(h("li", { class: "muted" }, "目前没有可报名的活动。"));
    });
  }

  async function loadMine() {
    await loading(
      mineStatus,
      async () => {
        const applications = await myApplications(volunteerId);
        mineList.replaceChildren(...applications.map(mineCard));
        if (!applications.length) mineList.append(h("li", { class: "muted" }, "还没有报名记录。"));
      },
      { 404: "还没有报名记录。" },
    );
  }

  return { open, mine, load: () => Promise.all([loadOpen(), loadMine()]) };
}
