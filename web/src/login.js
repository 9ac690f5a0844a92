// /login: a mainland mobile number and the one-time code sent to it by SMS, as a volunteer or as
// staff; then /me, /console or the page that sent the person here (`?next=`, this site only).
import { ApiError, call } from "./api.js";
import { busy, clearErrors, setMessage, showErrors, valuesOf } from "./forms.js";
import { h, renderNavigation } from "./layout.js";
import { explain, safeNext } from "./me-common.js";
import { session } from "./session.js";

const RESEND_SECONDS = 60;
const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
const ROLE_NAMES = { volunteer: "志愿者", coordinator: "协调员", office: "协会工作人员" };
const FIELD_TEXTS = {
  phone: "请输入正确的中国大陆手机号（11 位）",
  code: "请输入短信中的 6 位数字验证码",
  as: "请选择登录身份",
};

const params = new URLSearchParams(location.search);
const main = document.querySelector("main");
const heading = main.querySelector("h1");

/** Where to go once logged in: `?next=` on this site, else the role's own page. */
function destination(claims) {
  return safeNext(params.get("next")) || (claims?.role === "volunteer" ? "/me" : "/console");
}

function digits(phone) {
  return (phone || "").replace(/[\s-]/g, "");
}

/** 138****2222, as the SMS confirmation shows it. */
function masked(phone) {
  const number = digits(phone).slice(-11);
  return `${number.slice(0, 3)}****${number.slice(-4)}`;
}

function phoneProblem(phone) {
  if (!phone) return "请输入手机号";
  return MOBILE.test(digits(phone)) ? null : FIELD_TEXTS.phone;
}

function identityChoice(value, label, checked) {
  return h(
    "label",
    { class: "check" },
    h("input", { type: "radio", name: "as", value, checked }),
    h("span", {}, label),
  );
}

function loginForm() {
  const staff = params.get("as") === "staff";
  const sendButton = h("button", { type: "button", class: "secondary", id: "send-code" }, "获取验证码");
  const form = h(
    "form",
    { id: "login", novalidate: true, "aria-label": "短信验证码登录" },
    h(
      "fieldset",
      { class: "field" },
      h("legend", {}, "登录身份"),
      h(
        "div",
        { class: "options" },
        identityChoice("volunteer", "志愿者", !staff),
        identityChoice("staff", "工作人员", staff),
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "phone" }, "手机号"),
      h("input", {
        id: "phone",
        name: "phone",
        type: "tel",
        autocomplete: "tel-national",
        required: true,
        "aria-describedby": "phone-hint",
      }),
      h("p", { class: "hint", id: "phone-hint" }, "中国大陆手机号，例如 138 1234 5678"),
    ),
    h("div", { class: "actions" }, sendButton),
    h(
      "div",
      { class: "field" },
      h("label", { for: "code" }, "验证码"),
      h("input", {
        id: "code",
        name: "code",
        type: "text",
        inputmode: "numeric",
        autocomplete: "one-time-code",
        maxlength: "6",
        pattern: "\\d{6}",
        required: true,
        "aria-describedby": "code-hint",
      }),
      h("p", { class: "hint", id: "code-hint" }, "短信中的 6 位数字，5 分钟内有效"),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "登录")),
  );
  let codeRequested = false;

  function countdown() {
    let left = RESEND_SECONDS;
    sendButton.disabled = true;
    const tick = () => {
      if (left <= 0) {
        clearInterval(timer);
        sendButton.disabled = false;
        sendButton.textContent = "重新获取验证码";
        return;
      }
      sendButton.textContent = `重新获取（${left} 秒）`;
      left -= 1;
    };
    const timer = setInterval(tick, 1000);
    tick();
  }

  async function sendCode() {
    clearErrors(form);
    const { phone, as } = valuesOf(form);
    const problem = phoneProblem(phone);
    if (problem) {
      showErrors(form, { phone: [problem] }, { phone: problem });
      return;
    }
    sendButton.disabled = true;
    try {
      await call("registration", "/sessions/codes", { method: "POST", body: { phone, as } });
      codeRequested = true;
      setMessage(form, `验证码已发送至 ${masked(phone)}，5 分钟内有效`, "ok");
      countdown();
      form.elements.code.focus();
    } catch (error) {
      sendButton.disabled = false;
      if (error instanceof ApiError && error.status === 422) {
        showErrors(form, error.fields, FIELD_TEXTS);
      } else {
        setMessage(form, explain(error, { 503: "验证码暂时无法发送，请稍后再试" }), "error");
      }
    }
  }

  async function logIn() {
    clearErrors(form);
    const { phone, code, as } = valuesOf(form);
    const problems = {};
    const phoneWrong = phoneProblem(phone);
    if (phoneWrong) problems.phone = phoneWrong;
    if (!code) problems.code = "请输入验证码";
    else if (!/^\d{6}$/.test(code)) problems.code = FIELD_TEXTS.code;
    if (Object.keys(problems).length) {
      const fields = Object.fromEntries(Object.keys(problems).map((field) => [field, []]));
      showErrors(form, fields, problems);
      return;
    }
    await busy(form, async () => {
      try {
        const pair = await call("registration", "/sessions", {
          method: "POST",
          body: { phone, code, as },
        });
        session.save(pair);
        setMessage(form, "登录成功，正在跳转…", "ok");
        location.assign(destination(session.claims()));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          showErrors(form, { code: [] }, { code: "验证码错误或已过期" });
        } else if (error instanceof ApiError && error.status === 422) {
          showErrors(form, error.fields, FIELD_TEXTS);
        } else {
          setMessage(form, explain(error), "error");
        }
      }
    });
  }

  sendButton.addEventListener("click", sendCode);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // Enter in the phone field before any code was asked for asks for one.
    if (!codeRequested && !form.elements.code.value.trim()) sendCode();
    else logIn();
  });
  return form;
}

/** Logged in already: where to go on, or log out (and log in anew). */
function signedIn(claims) {
  const role = claims.role === "volunteer" ? "volunteer" : "staff";
  const next = safeNext(params.get("next"));
  const own =
    role === "volunteer"
      ? h("a", { class: "button", href: "/me" }, "进入我的志愿服务")
      : h("a", { class: "button", href: "/console" }, "进入管理台");
  const logout = h("button", { type: "button", class: "secondary" }, "退出登录");
  logout.addEventListener("click", async () => {
    logout.disabled = true;
    await session.logout();
    renderNavigation();
    show();
  });
  return h(
    "section",
    { class: "panel", "aria-labelledby": "signed-in-title" },
    h("h2", { id: "signed-in-title" }, "您已登录"),
    h("p", {}, `当前身份：${ROLE_NAMES[claims.role] || "管理员"}`),
    h(
      "div",
      { class: "actions" },
      next && next !== own.getAttribute("href")
        ? h("a", { class: "button", href: next }, "继续前往刚才的页面")
        : null,
      own,
      logout,
    ),
  );
}

function show() {
  const claims = session.claims();
  const returning = !claims && safeNext(params.get("next"));
  main.replaceChildren(
    heading,
    returning ? h("p", { class: "muted" }, "请先登录，登录后将回到刚才的页面。") : "",
    claims ? signedIn(claims) : loginForm(),
  );
}

renderNavigation();
show();
