// Forms: each field's error shown beside it (in Chinese, tied to the field for screen readers),
// the form's own message, and the busy state while a request is under way.

/** A field's error element: `<p class="field-error" id="<input id>-error">` after the input. */
function errorElement(input) {
  const id = `${input.id || input.name}-error`;
  let element = document.getElementById(id);
  if (!element) {
    element = document.createElement("p");
    element.id = id;
    element.className = "field-error";
    const field = input.closest(".field") || input.parentElement;
    field.append(element);
  }
  return element;
}

/** Forget every field error and the form's message. */
export function clearErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
  for (const element of form.querySelectorAll(".field-error")) {
    element.textContent = "";
    element.hidden = true;
  }
  setMessage(form, "");
}

/**
 * Show `errors` ({field: [server messages]}) beside their fields, each in Chinese from
 * `messages[field]` (a string or a function of the server's messages), and focus the first
 * of them in the form.
 * Fields the form does not have go to the form's message. Answers how many were shown.
 */
export function showErrors(form, errors, messages = {}) {
  const unplaced = [];
  for (const [field, problems] of Object.entries(errors || {})) {
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    const text =
      typeof messages[field] === "function"
        ? messages[field](problems)
        : messages[field] || "此项填写有误，请检查";
    if (!input) {
      unplaced.push(text);
      continue;
    }
    const element = errorElement(input);
    element.textContent = text;
    element.hidden = false;
    input.setAttribute("aria-invalid", "true");
    const described = new Set((input.getAttribute("aria-describedby") || "").split(" "));
    described.add(element.id);
    input.setAttribute("aria-describedby", [...described].filter(Boolean).join(" "));
  }
  if (unplaced.length) setMessage(form, unplaced.join("；"), "error");
  form.querySelector('[aria-invalid="true"]')?.focus(); // the first in the form's order
  return Object.keys(errors || {}).length;
}

/** The form's message (`.form-message`, a live region), e.g. a 409 or a network failure. */
export function setMessage(form, text, kind = "info") {
  let element = form.querySelector(".form-message");
  if (!element) {
    element = document.createElement("div");
    element.className = "form-message";
    element.setAttribute("role", "status");
    element.setAttribute("aria-live", "polite");
    form.prepend(element);
  }
  element.className = `form-message ${kind}`;
  element.hidden = !text;
  if (typeof text === "string") element.textContent = text;
  else element.replaceChildren(text);
}

/** Run `work` with the form's submit buttons disabled and marked busy. */
export async function busy(form, work) {
  const buttons = form.querySelectorAll("button[type=submit], button:not([type])");
  form.setAttribute("aria-busy", "true");
  for (const button of buttons) button.disabled = true;
  try {
    return await work();
  } finally {
    form.removeAttribute("aria-busy");
    for (const button of buttons) button.disabled = false;
  }
}

/** The form's named values; checkboxes sharing a name become a list, a lone one a boolean. */
export function valuesOf(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === "checkbox") {
      const group = form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(element.name)}"]`);
      if (group.length > 1) {
        values[element.name] = values[element.name] || [];
        if (element.checked) values[element.name].push(element.value);
      } else {
        values[element.name] = element.checked;
      }
    } else if (element.type === "radio") {
      if (element.checked) values[element.name] = element.value;
    } else if (element.value.trim() !== "") {
      values[element.name] = element.value.trim();
    }
  }
  return values;
}
