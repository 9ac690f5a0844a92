// The forms of an activity run from the console: roll-call check-in, completion from the
// check-ins, cancellation, correction of hours; each calls `rerender(message, answer)` once done.
import { call } from "./api.js";
import { field, onSubmit, select } from "./console-common.js";
import { valuesOf } from "./forms.js";
import { h } from "./layout.js";

export function rollCallForm(activity, members, rerender) {
  const form = h(
    "form",
    { "aria-label": "点名签到", novalidate: true },
    field(
      "roll-call-volunteer",
      "点名签到的队员",
      select(
        "volunteer_id",
        members.map((m) => ({ value: m.volunteer_id, label: m.name || "（已注销）" })),
        { empty: "请选择队员", required: true },
      ),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "点名签到")),
  );
  onSubmit(
    form,
    async () => {
      const { volunteer_id: volunteerId } = valuesOf(form);
      await call("teams", `/activities/${activity.activity_id}/check-ins`, {
        method: "POST",
        auth: true,
        body: { volunteer_id: volunteerId || "" },
      });
      await rerender("已点名签到");
    },
    {
      fields: {
        volunteer_id: "请选择本队队员或已录用的报名者",
        starts_at: "活动开始前一小时起才能签到",
        ends_at: "活动已结束，不能再签到",
      },
      conflict: "该志愿者已签到",
    },
  );
  return form;
}

export function completionForm(activity, rerender) {
  const form = h(
    "form",
    { "aria-label": "按签到完成", novalidate: true },
    h("p", { class: "muted" }, "按签到、签退记录计算每位志愿者的服务时长并完成活动。"),
    field(
      "completion-late-reason",
      "逾期原因",
      h("input", { name: "late_reason", maxlength: 500 }),
      `超过录入期限（${activity.record_by}）时必填`,
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "按签到完成")),
  );
  onSubmit(
    form,
    async () => {
      const { late_reason: lateReason } = valuesOf(form);
      const done = await call("teams", `/activities/${activity.activity_id}/completion`, {
        method: "POST",
        auth: true,
        body: lateReason ? { late_reason: lateReason } : {},
      });
      await rerender("活动已完成", done);
    },
    {
      fields: {
        ends_at: "活动结束后才能按签到完成",
        late_reason: "已超过录入期限，请填写逾期原因",
        attendance: "暂无可计入的签到记录",
      },
      conflict: "活动已完成或已取消",
    },
  );
  return form;
}

export function cancelForm(activity, rerender) {
  const form = h(
    "form",
    { "aria-label": "取消活动", novalidate: true },
    field(
      "cancel-reason",
      "取消原因",
      h("input", { name: "reason", required: true, maxlength: 500 }),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "取消活动")),
  );
  onSubmit(
    form,
    async () => {
      const { reason } = valuesOf(form);
      const done = await call("teams", `/activities/${activity.activity_id}/cancellation`, {
        method: "POST",
        auth: true,
        body: { reason: reason || "" },
      });
      await rerender("活动已取消", done);
    },
    { fields: { reason: "请填写取消原因（500 字以内）" }, conflict: "活动已完成或已取消" },
  );
  return form;
}

export function correctionForm(activity, people, rerender) {
  const form = h(
    "form",
    { "aria-label": "更正时长", novalidate: true },
    field(
      "correction-volunteer",
      "志愿者",
      select("volunteer_id", people, { empty: "请选择志愿者", required: true }),
    ),
    field(
      "correction-hours",
      "更正后的时长（小时）",
      h("input", { name: "hours", type: "number", min: 0, step: "0.01", inputmode: "decimal" }),
      `0 到 ${activity.length_hours} 小时，最多两位小数；0 表示撤回`,
    ),
    field(
      "correction-reason",
      "更正原因",
      h("input", { name: "reason", required: true, maxlength: 500 }),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "更正时长")),
  );
  onSubmit(
    form,
    async () => {
      const values = valuesOf(form);
      const done = await call("teams", `/activities/${activity.activity_id}/corrections`, {
        method: "POST",
        auth: true,
        body: {
          volunteer_id: values.volunteer_id || "",
          hours: values.hours || "",
          reason: values.reason || "",
        },
      });
      await rerender("已更正时长", done);
    },
    {
      fields: {
        volunteer_id: "请选择参加者或本队队员",
        hours: `请填写 0 到 ${activity.length_hours} 之间、与原时长不同的数，最多两位小数`,
        reason: "请填写更正原因（500 字以内）",
      },
      conflict: "活动尚未完成，不能更正时长",
    },
  );
  return form;
}
