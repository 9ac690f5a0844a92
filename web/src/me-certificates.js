// /me's certificates of volunteer service (志愿服务证明): those issued, each with its PDF and its
// verification link, and a form to issue a new one, optionally for a period.
import { ApiError, call, download } from "./api.js";
import { busy, clearErrors, setMessage, showErrors, valuesOf } from "./forms.js";
import { h, hours, when } from "./layout.js";
import {
  day,
  details,
  explain,
  liveLine,
  loading,
  loggedOut,
  say,
  section,
  toLogin,
} from "./me-common.js";

const PERIOD_TEXT = "所选期间内没有服务时长，或截止日期早于起始日期";

function period(certificate) {
  const from = certificate.period_from ? day(certificate.period_from) : "首次服务";
  const to = certificate.period_to ? day(certificate.period_to) : "开具之日";
  return `${from} 至 ${to}`;
}

function issueForm(volunteerId, issued) {
  const form = h(
    "form",
    { id: "certificate-form", novalidate: true, "aria-label": "开具服务证明" },
    h("p", { class: "hint" }, "可选填期间；不填则包含全部服务记录。"),
    h(
      "div",
      { class: "dates" },
      h(
        "div",
        { class: "field" },
        h("label", { for: "certificate-from" }, "起始日期（选填）"),
        h("input", { id: "certificate-from", name: "from", type: "date" }),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "certificate-to" }, "截止日期（选填）"),
        h("input", { id: "certificate-to", name: "to", type: "date" }),
      ),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "开具服务证明")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = valuesOf(form);
    await busy(form, async () => {
      try {
        const certificate = await call("teams", `/volunteers/${volunteerId}/certificates`, {
          method: "POST",
          body,
          auth: true,
        });
        setMessage(form, `已开具服务证明 ${certificate.number}`, "ok");
        await issued();
      } catch (error) {
        if (loggedOut(error)) return toLogin();
        if (error instanceof ApiError && error.status === 422) {
          showErrors(form, error.fields, { from: PERIOD_TEXT, to: PERIOD_TEXT });
        } else {
          setMessage(form, explain(error, { 404: "暂时无法为您开具证明：还没有您的服务记录" }), "error");
        }
      }
    });
  });
  return form;
}

function certificateCard(certificate, status) {
  const title = `certificate-${certificate.number}`;
  const downloadButton = h(
    "button",
    { type: "button", class: "secondary", "aria-describedby": title },
    "下载 PDF",
  );
  downloadButton.addEventListener("click", async () => {
    downloadButton.disabled = true;
    say(status, "");
    try {
      const path = new URL(certificate.pdf_url).pathname;
      await download("teams", path, `志愿服务证明-${certificate.number}.pdf`);
    } catch (error) {
      if (loggedOut(error)) return toLogin();
      say(status, explain(error, { 404: "该证明的 PDF 已无法下载" }), "error");
    } finally {
      downloadButton.disabled = false;
    }
  });
  return h(
    "li",
    { class: "card certificate", "aria-labelledby": title },
    h("h3", { id: title }, `证明编号 ${certificate.number}`),
    details([
      ["开具时间", when(certificate.issued_at)],
      ["服务期间", period(certificate)],
      ["服务时长", hours(certificate.total_hours)],
      ["活动次数", `${certificate.activity_count} 次`],
    ]),
    h(
      "div",
      { class: "actions" },
      downloadButton,
      h(
        "a",
        { href: certificate.verification_url, target: "_blank", rel: "noopener" },
        "在线核验链接",
      ),
    ),
  );
}

/** The certificates section; `load()` fills (and refreshes) its list. */
export function certificatesSection(volunteerId) {
  const list = h("ul", { class: "cards", id: "certificates" });
  const status = liveLine();
  const element = section("certificates", "服务证明", status, list);

  async function load() {
    await loading(
      status,
      async () => {
        const certificates = await call("teams", `/volunteers/${volunteerId}/certificates`, {
          auth: true,
        });
        list.replaceChildren(...certificates.map((each) => certificateCard(each, status)));
        if (!certificates.length) list.append(h("li", { class: "muted" }, "还没有开具过服务证明。"));
      },
      { 404: "还没有开具过服务证明。" },
    );
  }
  element.append(h("h3", {}, "开具新的证明"), issueForm(volunteerId, load));
  return { element, load };
}
