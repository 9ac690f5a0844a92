// The vocabularies (streets, skills, team and activity kinds…) as each service publishes them in
// its OpenAPI document: a schema property's `enum`, labelled in Chinese by its description
// ("Street (街道): jiangpu 江浦街道; qiaolin 桥林街道; …").
import { apiBase } from "./api.js";

const documents = new Map();

/** The OpenAPI document of a service (fetched once per page). */
export function openapi(service) {
  if (!documents.has(service)) {
    documents.set(
      service,
      fetch(`${apiBase(service)}/openapi.json`).then((response) => {
        if (!response.ok) throw new Error(`openapi.json of ${service}: HTTP ${response.status}`);
        return response.json();
      }),
    );
  }
  return documents.get(service);
}

function labelsOf(description, values) {
  // "Street (街道): jiangpu 江浦街道; …" or "member: 队员; leader: 队长": each entry ends with a
  // code of the enum and its label, after a space or a colon.
  const labels = {};
  for (const entry of (description || "").split(";")) {
    for (const value of values) {
      if (typeof value !== "string") continue;
      const match = entry.trim().match(new RegExp(`(?:^|[\\s:])${value}(?::\\s*|\\s+)(.+)$`));
      if (match) labels[value] = match[1].trim();
    }
  }
  return labels;
}

/**
 * The choices of `schema`.`property` of a service's document: [{value, label}], in the order of
 * its enum (for an array, of its items' enum); null is left out.
 */
export async function choices(service, schema, property) {
  const document = await openapi(service);
  const field = document.components?.schemas?.[schema]?.properties?.[property];
  if (!field) throw new Error(`${service} publishes no ${schema}.${property}`);
  const values = field.enum || field.items?.enum || [];
  const labels = labelsOf(field.description || field.items?.description, values);
  return values.filter((v) => v !== null).map((value) => ({ value, label: labels[value] || value }));
}
