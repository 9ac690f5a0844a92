// /me, a volunteer's own page: their figures, check-in on site, the activities they may apply
// for and their applications, their service record, certificates and messages. Logged out → /login
// (and back here after); staff → a link to the console.
import { h, renderNavigation } from "./layout.js";
import { recruitmentSections } from "./me-activities.js";
import { certificatesSection } from "./me-certificates.js";
import { checkInSection } from "./me-check-in.js";
import { loginUrl } from "./me-common.js";
import { messagesSection } from "./me-messages.js";
import { recordsSection } from "./me-records.js";
import { summarySection } from "./me-summary.js";
import { session } from "./session.js";

const main = document.querySelector("main");
const heading = main.querySelector("h1");

function staffNotice() {
  main.replaceChildren(
    heading,
    h(
      "section",
      { class: "panel", "aria-labelledby": "staff-title" },
      h("h2", { id: "staff-title" }, "此页面供志愿者使用"),
      h("p", {}, "您以工作人员身份登录，请前往管理台处理队伍、活动和志愿者事务。"),
      h("p", {}, h("a", { class: "button", href: "/console" }, "进入管理台")),
    ),
  );
}

function contents(sections) {
  return h(
    "nav",
    { class: "page-contents", "aria-label": "本页内容" },
    h(
      "ul",
      {},
      sections.map((element) =>
        h("li", {}, h("a", { href: `#${element.id}` }, element.querySelector("h2").textContent)),
      ),
    ),
  );
}

function volunteerPage(volunteerId) {
  const query = new URLSearchParams(location.search);
  const scanned = { activity: query.get("activity"), code: query.get("code") };
  const summary = summarySection(volunteerId);
  const checkIn = checkInSection(volunteerId, scanned);
  const recruitment = recruitmentSections(volunteerId, () =>
    Promise.all([recruitment.load(), checkIn.load()]),
  );
  const records = recordsSection(volunteerId);
  const certificates = certificatesSection(volunteerId);
  const messages = messagesSection(volunteerId);
  const elements = [
    summary.element,
    checkIn.element,
    recruitment.open,
    recruitment.mine,
    records.element,
    certificates.element,
    messages.element,
  ];
  main.replaceChildren(heading, contents(elements.slice(1)), ...elements);
  for (const part of [summary, checkIn, recruitment, records, certificates, messages]) part.load();
  if (scanned.activity) checkIn.element.scrollIntoView();
}

renderNavigation();
const claims = session.claims();
if (!claims) location.replace(loginUrl());
else if (claims.role !== "volunteer") staffNotice();
else volunteerPage(claims.sub);
