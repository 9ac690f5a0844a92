// The sign-up page (/): the form of registration's `SignUp` schema, its streets and skills from
// the published OpenAPI document and its member units from GET /organisations; guardian consent
// asked for when the birth date (or the ID number's) says under 18; every refusal in Chinese
// beside its field; the confirmation with the masked phone.
import { ApiError, call } from "./api.js";
import { busy, clearErrors, setMessage, showErrors, valuesOf } from "./forms.js";
import { h, renderNavigation } from "./layout.js";
import { ageOn, birthDateOfIdNumber } from "./ages.js";
import { choices } from "./vocabularies.js";

// Each field's message when registration refuses it (the server's own words are English).
const MESSAGES = {
  name: "请填写姓名（1–50 个字）",
  phone: "请填写正确的中国大陆手机号（11 位，以 13–19 开头）",
  id_number: "身份证号码无效：请核对 18 位号码及末位校验码",
  email: "邮箱格式不正确",
  birth_date: "出生日期无效",
  gender: "请选择性别",
  street: "请选择所在街道",
  skills: "请从列表中选择技能",
  organisation_id: "所选单位不存在，请重新选择",
  consent: "请阅读并同意个人信息保护说明",
  guardian_consent: "未满 18 周岁的志愿者须经监护人同意",
};

function field(id, label, control, hint) {
  control.id = id;
  control.name = control.name || id;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    control,
  );
}

function input(attributes) {
  return h("input", attributes);
}

function select(options, placeholder) {
  return h(
    "select",
    {},
    h("option", { value: "" }, placeholder),
    options.map((o) => h("option", { value: o.value }, o.label)),
  );
}

function skillsFieldset(skills) {
  return h(
    "fieldset",
    { class: "field", id: "skills" },
    h("legend", {}, "技能特长（可多选）"),
    h(
      "div",
      { class: "options" },
      skills.map((s) =>
        h(
          "label",
          { class: "check" },
          h("input", { type: "checkbox", name: "skills", value: s.value }),
          s.label,
        ),
      ),
    ),
  );
}

function checkbox(id, text) {
  return h(
    "div",
    { class: "field" },
    h(
      "label",
      { class: "check", for: id },
      h("input", { type: "checkbox", id, name: id }),
      h("span", {}, text),
    ),
  );
}

function buildForm(streets, skills, organisations) {
  const guardian = checkbox("guardian_consent", "我的监护人已知悉并同意我参加志愿服务");
  guardian.hidden = true;
  guardian.append(
    h("p", { class: "hint" }, "根据出生日期，您未满 18 周岁：报名须经父母或其他监护人同意。"),
  );
  const form = h(
    "form",
    { novalidate: true, "aria-describedby": "sign-up-intro" },
    field("name", "姓名", input({ type: "text", autocomplete: "name", maxlength: "50" })),
    field(
      "phone",
      "手机号",
      input({ type: "tel", autocomplete: "tel", inputmode: "tel" }),
      "登录和接收活动通知用，仅协会工作人员可见",
    ),
    field("street", "所在街道", select(streets, "请选择街道")),
    field(
      "id_number",
      "身份证号（选填）",
      input({ type: "text", autocomplete: "off", maxlength: "18" }),
      "填写后可在服务证明上显示（部分隐藏），用于核验身份",
    ),
    field("birth_date", "出生日期（选填）", input({ type: "date" }), "已填身份证号的可不填"),
    field(
      "gender",
      "性别（选填）",
      select(
        [
          { value: "female", label: "女" },
          { value: "male", label: "男" },
        ],
        "不填写",
      ),
    ),
    field("email", "电子邮箱（选填）", input({ type: "email", autocomplete: "email" })),
    field("organisation_id", "所属单位（选填）", select(organisations, "暂不选择")),
    skillsFieldset(skills),
    guardian,
    checkbox("consent", "我已阅读并同意《个人信息保护说明》：协会仅为组织志愿服务使用我的信息"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "提交报名")),
  );
  return form;
}

/** Show guardian consent when the birth date, or else the ID number's, is under 18 today. */
function watchAge(form) {
  const guardian = form.querySelector("#guardian_consent").closest(".field");
  const update = () => {
    const values = valuesOf(form);
    const birth = values.birth_date || birthDateOfIdNumber(values.id_number || "");
    const age = birth ? ageOn(birth, new Date()) : null;
    const minor = age !== null && age < 18;
    guardian.hidden = !minor;
    form.querySelector("#guardian_consent").disabled = !minor;
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}

function confirmation(volunteer) {
  return h(
    "section",
    { class: "panel", "aria-labelledby": "done-title" },
    h("h2", { id: "done-title", tabindex: "-1" }, "报名成功"),
    h("p", {}, `${volunteer.name}，欢迎加入城市治理志愿者协会！`),
    h(
      "p",
      {},
      "登录手机号：",
      h("strong", { class: "masked-phone" }, volunteer.phone),
      "。协会会通过短信告知您团队安排和活动信息。",
    ),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button", href: "/login" }, "用手机号登录"),
      h("a", { class: "button secondary", href: "/" }, "再报名一位"),
    ),
  );
}

function alreadyRegistered(error) {
  const what = error.fields.id_number ? "该身份证号" : "该手机号";
  return h(
    "span",
    {},
    `${what}已经报名过了，无需重复报名。请直接 `,
    h("a", { href: "/login" }, "登录"),
    " 查看您的志愿服务。",
  );
}

async function submit(form) {
  clearErrors(form);
  const values = valuesOf(form);
  values.consent = Boolean(values.consent);
  if ("guardian_consent" in values) values.guardian_consent = Boolean(values.guardian_consent);
  if (values.id_number) values.id_number = values.id_number.toUpperCase();
  try {
    const volunteer = await call("registration", "/volunteers", { method: "POST", body: values });
    const done = confirmation(volunteer);
    form.replaceWith(done);
    document.querySelector("#sign-up-intro").hidden = true;
    done.querySelector("h2").focus();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      setMessage(form, "网络连接失败，请检查网络后重试。", "error");
    } else if (error.status === 422) {
      if (error.fields.guardian_consent) {
        const guardian = form.querySelector("#guardian_consent");
        guardian.disabled = false;
        guardian.closest(".field").hidden = false;
      }
      showErrors(form, error.fields, MESSAGES);
      setMessage(form, "有几项需要修改，请看各项下方的提示。", "error");
    } else if (error.status === 409) {
      setMessage(form, alreadyRegistered(error), "error");
    } else if (error.status === 429) {
      setMessage(form, "提交过于频繁，请稍后再试。", "error");
    } else {
      setMessage(form, "报名暂时无法提交，请稍后再试。", "error");
    }
  }
}

async function main() {
  renderNavigation();
  const main = document.querySelector("main");
  const intro = h(
    "p",
    { id: "sign-up-intro" },
    "欢迎报名成为城市治理志愿者。带 “选填” 的可以不填，其余各项请如实填写。",
  );
  let form;
  try {
    const [streets, skills, organisations] = await Promise.all([
      choices("registration", "SignUp", "street"),
      choices("registration", "SignUp", "skills"),
      call("registration", "/organisations"),
    ]);
    const units = organisations.items.map((o) => ({ value: o.organisation_id, label: o.name }));
    form = buildForm(streets, skills, units);
  } catch {
    main.replaceChildren(
      h("h1", {}, "志愿者报名"),
      h("p", { class: "form-message error", role: "alert" }, "报名表暂时无法加载，请稍后刷新重试。"),
    );
    return;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, () => submit(form));
  });
  main.replaceChildren(h("h1", {}, "志愿者报名"), intro, form);
  watchAge(form);
}

main();
