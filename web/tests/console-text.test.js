// `node --test web/tests`: the console's pure helpers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { beijingInput, beijingIso, inChinese } from "../src/console-text.js";

test("a time typed in Beijing is sent with its offset", () => {
  assert.equal(beijingIso("2026-12-06T09:00"), "2026-12-06T09:00:00+08:00");
  assert.equal(beijingIso("2026-12-06T09:00:30"), "2026-12-06T09:00:30+08:00");
  assert.equal(beijingIso(""), undefined);
  assert.equal(beijingIso(undefined), undefined);
});

test("an instant is shown in Beijing time, the next day after 16:00 UTC", () => {
  assert.equal(beijingInput(new Date("2026-12-05T16:30:00Z")), "2026-12-06T00:30");
  assert.equal(beijingInput(new Date("2026-06-30T01:05:00Z")), "2026-06-30T09:05");
});

test("the server's field messages are said in Chinese", () => {
  assert.equal(inChinese(["must be after starts_at"]), "须晚于开始时间");
  assert.equal(inChinese(["must not be after starts_at"]), "不得晚于开始时间");
  assert.equal(inChinese(["Missing data for required field."]), "此项必填");
  assert.equal(inChinese(["Not a valid datetime."]), "日期时间不正确");
  assert.equal(inChinese(["Length must be between 1 and 200."]), "长度不符合要求");
  assert.equal(inChinese({ 0: ["Not a valid integer."] }), "请填写数字");
  assert.equal(inChinese(["something new"]), "此项填写有误，请检查");
});
