// One activity run from the console: its check-in QR code and six-digit code (renewed as they
// rotate), presences with roll-call check-ins and check-outs, applications, completion from the
// check-ins, cancellation, and corrections of hours once completed.
import { call } from "./api.js";
import { refusalText, say, statusLine, table } from "./console-common.js";
import {
  cancelForm,
  completionForm,
  correctionForm,
  rollCallForm,
} from "./console-activity-forms.js";
import { h, hours, when } from "./layout.js";

const METHODS = { code: "签到码", roll_call: "点名" };

/** The QR code and the digits, fetched with the token; renewed when the code rotates. */
function checkInCode(activity) {
  const box = h("div", { class: "check-in-code", "aria-live": "polite" });
  const button = h("button", { type: "button" }, "显示签到二维码");
  let timer = null;
  let url = null;
  function stop() {
    clearTimeout(timer);
    if (url) URL.revokeObjectURL(url);
    url = null;
  }
  async function load() {
    clearTimeout(timer);
    try {
      const base = `/activities/${activity.activity_id}/check-in-code`;
      const [code, image] = await Promise.all([
        call("teams", base, { auth: true }),
        call("teams", `${base}.png`, { auth: true, raw: true }).then((r) => r.blob()),
      ]);
      const previous = url;
      url = URL.createObjectURL(image);
      box.replaceChildren(
        h("img", { src: url, alt: "签到二维码", class: "qr", width: 240, height: 240 }),
        h("p", {}, "签到码：", h("strong", { class: "code", "data-code": code.code }, code.code)),
        h(
          "p",
          { class: "muted" },
          `有效至 ${when(code.expires_at)}，每 ${code.rotates_every} 秒更换`,
        ),
      );
      if (previous) URL.revokeObjectURL(previous);
      // A new code from the next window on: the current one is accepted until `expires_at`.
      const rotates = new Date(code.expires_at).getTime() - code.rotates_every * 1000;
      timer = setTimeout(load, Math.max(5000, rotates - Date.now() + 1000));
      button.textContent = "刷新签到二维码";
    } catch (error) {
      stop();
      box.replaceChildren(
        h(
          "p",
          { class: "error" },
          refusalText(error, { conflict: "活动已完成或已取消，不再签到" }),
        ),
      );
    }
  }
  button.addEventListener("click", load);
  return { element: h("div", {}, button, box), stop };
}

function presencesSection(activity, names, rerender) {
  const status = statusLine();
  const section = h("div", { class: "presences" }, h("h4", {}, "签到记录"), status);
  const open = activity.status === "scheduled";
  async function checkOut(volunteerId) {
    try {
      await call("teams", `/activities/${activity.activity_id}/check-outs`, {
        method: "POST",
        auth: true,
        body: { volunteer_id: volunteerId },
      });
      await rerender(`${names.get(volunteerId) || "志愿者"}已签退`);
    } catch (error) {
      const text =
        error.status === 422
          ? "已超过签退时间（活动结束后一小时内可签退）"
          : refusalText(error, { conflict: "该志愿者尚未签到或已签退" });
      say(status, text, "error");
    }
  }
  async function load() {
    try {
      const rows = await call("teams", `/activities/${activity.activity_id}/presences`, {
        auth: true,
      });
      const cells = rows.map((p) => {
        const name = names.get(p.volunteer_id) || "志愿者";
        const leave =
          open && !p.checked_out_at
            ? h(
                "button",
                {
                  type: "button",
                  class: "secondary",
                  "aria-label": `签退：${name}`,
                  onclick: () => checkOut(p.volunteer_id),
                },
                "签退",
              )
            : p.checked_out_at
              ? "已签退"
              : "";
        return [
          name,
          `${when(p.checked_in_at)}（${METHODS[p.check_in_method] || ""}）`,
          p.checked_out_at
            ? `${when(p.checked_out_at)}（${METHODS[p.check_out_method] || ""}）`
            : "未签退",
          p.hours ? hours(p.hours) : "—",
          leave,
        ];
      });
      section.append(
        table("签到记录", ["志愿者", "签到", "签退", "时长", "操作"], cells, "暂无签到"),
      );
      return rows;
    } catch (error) {
      say(status, refusalText(error), "error");
      return [];
    }
  }
  return { section, load, status };
}

/**
 * Show `activity` in `container`; `context.members()` answers the team's members and
 * `context.changed()` is told after each change. Answers a function that stops the QR renewal.
 */
export async function showActivity(container, activity, context) {
  let stopCode = () => {};
  async function render(current, message) {
    stopCode();
    stopCode = () => {};
    const [members, applications] = await Promise.all([
      context.members(),
      call("teams", `/activities/${current.activity_id}/applications`, { auth: true }).catch(
        () => [],
      ),
    ]);
    const names = new Map();
    for (const m of members) names.set(m.volunteer_id, m.name || "（已注销）");
    for (const a of applications)
      if (!names.has(a.volunteer_id)) names.set(a.volunteer_id, a.name || "（已注销）");
    const rerender = async (text, answer) => {
      const fresh =
        answer || (await call("teams", `/activities/${current.activity_id}`, { auth: true }));
      await render(fresh, text);
      context.changed();
    };
    const status = statusLine();
    const heading = h("h3", { id: "activity-detail-title", tabindex: "-1" }, current.title);
    const parts = [
      heading,
      h(
        "p",
        { class: "activity-summary" },
        h("span", { class: `badge ${current.status}` }, current.status_label),
        ` ${when(current.starts_at)} 至 ${when(current.ends_at)} · ${current.location}`,
        ` · 负责人 ${current.person_in_charge}`,
      ),
      status,
    ];
    if (current.status === "scheduled") {
      const code = checkInCode(current);
      stopCode = code.stop;
      parts.push(h("h4", {}, "签到二维码"), code.element);
    }
    const presences = presencesSection(current, names, rerender);
    parts.push(presences.section);
    if (current.status === "scheduled") {
      parts.push(rollCallForm(current, members, rerender));
    }
    parts.push(
      h("h4", {}, "报名情况"),
      table(
        "报名情况",
        ["姓名", "状态", "候补位置", "报名时间"],
        applications.map((a) => [
          a.name || "（已注销）",
          a.status_label,
          a.position ? String(a.position) : "—",
          when(a.applied_at),
        ]),
        "暂无报名",
      ),
    );
    if (current.status === "scheduled") {
      parts.push(h("h4", {}, "完成活动"), completionForm(current, rerender));
      parts.push(h("h4", {}, "取消活动"), cancelForm(current, rerender));
    }
    if (current.status === "completed") {
      const attendance = current.attendance || [];
      parts.push(
        h("h4", {}, "服务时长"),
        table(
          "服务时长",
          ["志愿者", "时长"],
          attendance.map((a) => [names.get(a.volunteer_id) || "志愿者", hours(a.hours)]),
          "没有计入时长的志愿者",
        ),
        h("h4", {}, "更正时长"),
        correctionForm(
          current,
          [...names].map(([value, label]) => ({ value, label })),
          rerender,
        ),
      );
    }
    if (current.status === "cancelled" && current.cancel_reason) {
      parts.push(h("p", {}, `取消原因：${current.cancel_reason}`));
    }
    container.replaceChildren(...parts);
    await presences.load();
    if (message) say(status, message, "ok");
    heading.focus();
  }
  try {
    const detail = await call("teams", `/activities/${activity.activity_id}`, { auth: true });
    await render(detail);
  } catch (error) {
    container.replaceChildren(h("p", { role: "alert" }, refusalText(error)));
  }
  return () => stopCode();
}
