// What /login and /me share: refusals and failures said in Chinese, the way to /login and back,
// a section's frame with its live regions, and China dates.
import { ApiError } from "./api.js";
import { h } from "./layout.js";

const TIME_ZONE = "Asia/Shanghai";

/** `next` when it is a path on this site ("/me?…"), else null: never another origin. */
export function safeNext(next) {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return null;
  }
  const url = new URL(next, location.origin);
  return url.origin === location.origin ? `${url.pathname}${url.search}${url.hash}` : null;
}

/** /login, coming back to `next` (this page by default) once logged in. */
export function loginUrl(next = `${location.pathname}${location.search}`) {
  return `/login?next=${encodeURIComponent(next)}`;
}

let leaving = false;

/** Leave for /login (once, however many requests found the login gone). */
export function toLogin() {
  if (leaving) return;
  leaving = true;
  location.replace(loginUrl());
}

const GENERAL = {
  400: "请求格式有误，请刷新页面后重试",
  401: "登录已失效，请重新登录",
  403: "您没有权限进行此操作",
  404: "找不到相关记录",
  409: "当前状态下无法完成该操作",
  413: "提交的内容过多",
  422: "提交的内容有误，请检查后重试",
  429: "请求过于频繁，请稍后再试",
};

/**
 * What went wrong, for the person: `texts[status]` first, then a general sentence per status;
 * anything that is not an answer of the API (no connection) is a network failure.
 */
export function explain(error, texts = {}) {
  if (error instanceof ApiError) {
    if (texts[error.status]) return texts[error.status];
    if (GENERAL[error.status]) return GENERAL[error.status];
    return "服务暂时不可用，请稍后再试";
  }
  return "网络连接失败，请检查网络后重试";
}

/** Whether `error` is the API saying the login is gone (after the one refresh api.js tries). */
export function loggedOut(error) {
  return error instanceof ApiError && error.status === 401;
}

/** A titled panel: `<section id aria-labelledby><h2>title</h2>…</section>`. */
export function section(id, title, ...children) {
  return h(
    "section",
    { class: "panel", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title),
    ...children,
  );
}

/** A live region for what a section says (loading, failures, results of actions). */
export function liveLine(className = "section-status") {
  return h("p", { class: className, role: "status", "aria-live": "polite", hidden: true });
}

/** Say `text` in a live line (`kind` "error" or "ok" colours it); "" hides it. */
export function say(line, text, kind = "") {
  line.textContent = text;
  line.hidden = !text;
  line.classList.toggle("error", kind === "error");
  line.classList.toggle("ok", kind === "ok");
}

/**
 * Fill a section: `work()` renders; meanwhile `line` says it is loading, and then what failed
 * (`texts` by status, e.g. 404 for "nothing yet"); a lost login goes to /login.
 */
export async function loading(line, work, texts = {}) {
  say(line, "正在加载…");
  try {
    await work();
    say(line, "");
  } catch (error) {
    if (loggedOut(error)) return toLogin();
    say(line, explain(error, texts), error?.status === 404 && texts[404] ? "" : "error");
  }
}

/** A China date of an instant or of a plain date: "2026年12月5日". */
export function day(value) {
  if (!value) return "";
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(plain ? `${value}T12:00:00+08:00` : value);
  return date.toLocaleDateString("zh-CN", { timeZone: TIME_ZONE, dateStyle: "long" });
}

/** A China time of day: "14:30". */
export function clock(iso) {
  return new Date(iso).toLocaleTimeString("zh-CN", {
    timeZone: TIME_ZONE,
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** From start to end, the end's day left out when it is the same: "2026年12月6日 14:30–16:30". */
export function span(starts, ends) {
  const sameDay = day(starts) === day(ends);
  return `${day(starts)} ${clock(starts)}–${sameDay ? "" : `${day(ends)} `}${clock(ends)}`;
}

/** A definition list of [term, value] rows, the empty ones left out. */
export function details(rows) {
  const list = h("dl", { class: "details" });
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    list.append(h("div", {}, h("dt", {}, term), h("dd", {}, value)));
  }
  return list;
}
