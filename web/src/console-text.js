// The console's pure helpers (no DOM, no requests; tested under Node in web/tests): the
// server's field messages said in Chinese, and Beijing times for datetime-local inputs.

// The server's field messages (marshmallow's and the rules'), said in Chinese.
const PATTERNS = [
  [/must not be after starts_at/, "不得晚于开始时间"],
  [/must be after starts_at/, "须晚于开始时间"],
  [/must not be before from/, "不得早于开始日期"],
  [/Missing data|required/i, "此项必填"],
  [/blank/i, "不能为空"],
  [/control characters/i, "不能包含控制字符"],
  [/Length|longer|shorter/i, "长度不符合要求"],
  [/greater|less|Range|between|at most|at least/i, "数值超出允许范围"],
  [/date|time|aware|timezone/i, "日期时间不正确"],
  [/integer|number|decimal/i, "请填写数字"],
  [/UUID/i, "请选择一项"],
  [/one of|choice/i, "请从列表中选择"],
];

function flatten(messages) {
  if (Array.isArray(messages)) return messages.map(flatten).join(" ");
  if (messages && typeof messages === "object")
    return Object.values(messages).map(flatten).join(" ");
  return String(messages ?? "");
}

/** A field's problems in Chinese. */
export function inChinese(messages) {
  const text = flatten(messages);
  for (const [pattern, chinese] of PATTERNS) if (pattern.test(text)) return chinese;
  return "此项填写有误，请检查";
}

/** "2026-12-06T09:00" typed in Beijing time → "2026-12-06T09:00:00+08:00" (else undefined). */
export function beijingIso(value) {
  if (!value) return undefined;
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

/** A Date as a datetime-local value in Beijing time (China keeps no daylight saving). */
export function beijingInput(date) {
  return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16);
}

/** Today's date in Beijing, "YYYY-MM-DD". */
export function beijingToday() {
  return beijingInput(new Date()).slice(0, 10);
}
