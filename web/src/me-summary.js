// /me's overview: who is logged in (masked phone, street) and their figures — total hours,
// activities, star level and the hours to the next star (GET teams /volunteers/{id}/hours).
import { call } from "./api.js";
import { h, hours } from "./layout.js";
import { liveLine, loading, section } from "./me-common.js";
import { choices } from "./vocabularies.js";

function figure(label, value, note) {
  return h(
    "div",
    { class: "figure" },
    h("span", {}, label),
    h("strong", {}, value),
    note ? h("span", { class: "muted" }, note) : null,
  );
}

function stars(level) {
  if (!level) return h("span", { class: "no-stars" }, "尚未获得星级");
  return h(
    "span",
    { class: "stars", role: "img", "aria-label": `${level} 星` },
    "★".repeat(level) + "☆".repeat(Math.max(0, 5 - level)),
  );
}

/** The figure of the hours to the next star, when the API gives them (none at five stars). */
function nextStar(answer) {
  if (answer.next_star_at === null || answer.next_star_at === undefined) {
    return answer.star_level >= 5 ? figure("下一星级", "已达最高星级") : null;
  }
  const left = Math.max(0, Number(answer.next_star_at) - Number(answer.total_hours));
  return figure("距下一星级还需", hours(left), `累计满 ${hours(answer.next_star_at)}`);
}

/** 138****2222: the volunteer's own token gets the number whole, the page shows it masked. */
function maskedPhone(phone) {
  const digits = (phone || "").replace(/\D/g, "").slice(-11);
  return digits.length === 11 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : phone;
}

async function profileLine(volunteerId, line) {
  const [volunteer, streets] = await Promise.all([
    call("registration", `/volunteers/${volunteerId}`, { auth: true }),
    choices("registration", "SignUp", "street").catch(() => []),
  ]);
  const street = streets.find((choice) => choice.value === volunteer.street)?.label;
  line.replaceChildren(
    h("span", { class: "person" }, `${volunteer.name}，您好`),
    h("br"),
    `手机号 ${maskedPhone(volunteer.phone)}`,
    street ? ` · ${street}` : "",
  );
  line.hidden = false;
}

/** The overview section; `load()` fills (and refreshes) it. */
export function summarySection(volunteerId) {
  const person = h("p", { class: "muted profile", hidden: true });
  const figures = h("div", { class: "figures", id: "figures" });
  const status = liveLine();
  const element = section("summary", "服务概况", person, status, figures);

  async function load() {
    await Promise.all([
      loading(
        status,
        async () => {
          const answer = await call("teams", `/volunteers/${volunteerId}/hours`, { auth: true });
          figures.replaceChildren(
            figure("累计服务时长", hours(answer.total_hours)),
            figure("参加活动", `${answer.activity_count} 次`),
            figure("星级", stars(answer.star_level), answer.star_label),
            nextStar(answer) || "",
          );
        },
        { 404: "还没有服务时长记录：参加活动并由组织方记录时长后，这里会显示您的累计时长和星级。" },
      ),
      profileLine(volunteerId, person).catch(() => null),
    ]);
  }
  return { element, load };
}
