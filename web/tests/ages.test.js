// `node --test web/tests`: the pages' pure modules, without a browser.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ageOn, birthDateOfIdNumber } from "../src/ages.js";

test("an ID number states its birth date, an impossible one none", () => {
  assert.equal(birthDateOfIdNumber("11010519491231002X"), "1949-12-31");
  assert.equal(birthDateOfIdNumber("110105194912310021"), "1949-12-31");
  assert.equal(birthDateOfIdNumber("11010519490231002X"), null); // 31 February
  assert.equal(birthDateOfIdNumber("1101051949123100"), null);
  assert.equal(birthDateOfIdNumber(""), null);
});

test("age counts full years by Beijing's date", () => {
  // 16:30 UTC on 4 December is already 5 December in Beijing.
  const beijingFifth = new Date("2026-12-04T16:30:00Z");
  assert.equal(ageOn("2008-12-05", beijingFifth), 18);
  assert.equal(ageOn("2008-12-06", beijingFifth), 17);
  assert.equal(ageOn("2008-12-04", new Date("2026-12-03T15:00:00Z")), 17);
  assert.equal(ageOn("not a date", beijingFifth), null);
});
