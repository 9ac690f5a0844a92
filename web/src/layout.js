// What every page shares: the header's links for who is logged in, and small DOM helpers.
import { session } from "./session.js";

/** Create an element: h("p", {class: "x"}, "text", child…). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Fill the header's navigation for the session (volunteer, staff or nobody). */
export function renderNavigation() {
  const nav = document.querySelector("header nav");
  if (!nav) return;
  const claims = session.claims();
  const links = [];
  if (!claims) {
    links.push(h("a", { href: "/" }, "报名"), h("a", { href: "/login" }, "登录"));
  } else {
    if (claims.role === "volunteer") links.push(h("a", { href: "/me" }, "我的"));
    else links.push(h("a", { href: "/console" }, "管理台"));
    links.push(
      h(
        "button",
        {
          type: "button",
          class: "link",
          onclick: async () => {
            await session.logout();
            location.assign("/login");
          },
        },
        "退出登录",
      ),
    );
  }
  for (const link of links) {
    if (link.getAttribute("href") === location.pathname) link.setAttribute("aria-current", "page");
  }
  nav.replaceChildren(...links);
}

/** Format hours for people: 12.5 → "12.5 小时". */
export function hours(value) {
  return `${Number(value || 0).toLocaleString("zh-CN", { maximumFractionDigits: 2 })} 小时`;
}

/** An instant in Beijing time: "2026年12月5日 14:30". */
export function when(iso) {
  return new Date(iso).toLocaleString("zh-CN", {
    timeZone: "Asia/Shanghai",
    dateStyle: "medium",
    timeStyle: "short",
  });
}
