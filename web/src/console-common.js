// What the console's panels share: refusals told in Chinese (beside their fields, or as the
// form's or panel's message), Beijing times for datetime-local inputs, lists read page by page.
import { ApiError, call } from "./api.js";
import { busy, clearErrors, setMessage, showErrors } from "./forms.js";
import { h } from "./layout.js";
import { inChinese } from "./console-text.js";

export { beijingInput, beijingIso, beijingToday, inChinese } from "./console-text.js";

/** What a refused request (or a failed network) means for the person, in Chinese. */
export function refusalText(error, { conflict, notFound } = {}) {
  if (!(error instanceof ApiError)) return "网络连接失败，请检查网络后重试";
  switch (error.status) {
    case 401:
      location.assign("/login?as=staff");
      return "登录已过期，请重新登录";
    case 403:
      return "您没有进行此操作的权限";
    case 404:
      return notFound || "未找到，或不在您的管理范围内";
    case 409:
      return conflict || "与当前状态冲突，请刷新后重试";
    case 422:
      return "填写有误，请按提示修改";
    case 429:
      return "操作太频繁，请稍后再试";
    default:
      return "服务暂时不可用，请稍后再试";
  }
}

/**
 * Show a refusal on a form: a 422's fields beside them (`fields[name]` a Chinese message or a
 * function of the server's), anything else as the form's message.
 */
export function refuse(form, error, { fields = {}, conflict, notFound } = {}) {
  if (error instanceof ApiError && error.status === 422 && Object.keys(error.fields).length) {
    const messages = {};
    for (const [name, problems] of Object.entries(error.fields)) {
      const given = fields[name];
      messages[name] = typeof given === "function" ? given(problems) : given || inChinese(problems);
    }
    setMessage(form, "填写有误，请按提示修改", "error");
    showErrors(form, error.fields, messages);
    return;
  }
  setMessage(form, refusalText(error, { conflict, notFound }), "error");
}

/** Submit `form` with `work(values)`; the form's fields cleared of old errors first. */
export function onSubmit(form, work, options = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    await busy(form, async () => {
      try {
        await work();
      } catch (error) {
        refuse(form, error, options);
      }
    });
  });
}

/** A live region for a panel's own messages (loading, refusals, results). */
export function statusLine() {
  return h("p", { class: "status-line", role: "status", "aria-live": "polite", hidden: true });
}

export function say(element, text, kind = "info") {
  element.textContent = text || "";
  element.className = `status-line ${kind}`;
  element.hidden = !text;
}

/** Every item of a paginated teams list (100 a page, until a page comes back short). */
export async function allPages(path) {
  const items = [];
  const joiner = path.includes("?") ? "&" : "?";
  for (let page = 1; page <= 50; page += 1) {
    const batch = await call("teams", `${path}${joiner}page=${page}&page_size=100`, { auth: true });
    items.push(...batch);
    if (batch.length < 100) break;
  }
  return items;
}

/** A labelled control inside a `.field`. */
export function field(id, text, control, hint) {
  control.id = control.id || id;
  return h(
    "div",
    { class: "field" },
    h("label", { for: control.id }, text),
    control,
    hint ? h("p", { class: "hint" }, hint) : null,
  );
}

/** A <select> of [{value, label}], optionally with a first empty choice. */
export function select(name, options, { empty, value, required } = {}) {
  const element = h("select", { name, required: Boolean(required) });
  if (empty !== undefined) element.append(h("option", { value: "" }, empty));
  for (const option of options) element.append(h("option", { value: option.value }, option.label));
  if (value !== undefined) element.value = value;
  return element;
}

/** A table with a header row, or a message when there are no rows. */
export function table(caption, headers, rows, empty = "暂无记录") {
  if (!rows.length) return h("p", { class: "muted" }, empty);
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((text) => h("th", { scope: "col" }, text)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((cell) => h("td", {}, cell)),
          ),
        ),
      ),
    ),
  );
}
