// Ages from what a sign-up states: a birth date, or the one an 18-character resident ID number
// carries (digits 7–14, YYYYMMDD). Registration checks both again; this only decides, while the
// form is filled in, whether to ask for a guardian's consent.

/** The birth date ("YYYY-MM-DD") an ID number states, or null when it states none. */
export function birthDateOfIdNumber(idNumber) {
  const match = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dXx]$/.exec(idNumber.trim());
  if (!match) return null;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  return `${year}-${month}-${day}`;
}

/** Full years from `birth` ("YYYY-MM-DD") to `today` (a Date), by Beijing's calendar. */
export function ageOn(birth, today) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const [nowYear, nowMonth, nowDay] = today
    .toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" })
    .split("-")
    .map(Number);
  const birthdayPassed = nowMonth > month || (nowMonth === month && nowDay >= day);
  return nowYear - year - (birthdayPassed ? 0 : 1);
}
