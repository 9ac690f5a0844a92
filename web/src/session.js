// The login session: the token pair of POST /sessions kept in this tab's sessionStorage, the
// claims of the access token (sub, role, org, exp), refresh and logout.
import { apiBase } from "./api.js";

const KEY = "association.session";
let refreshing = null;

function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      [...atob(part)].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
    );
    return JSON.parse(json);
  } catch {
    return null;
  }
}

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export const session = {
  /** Keep the pair answered by POST /sessions or /sessions/refresh. */
  save(pair) {
    sessionStorage.setItem(
      KEY,
      JSON.stringify({ access: pair.access_token, refresh: pair.refresh_token }),
    );
  },
  accessToken() {
    return load()?.access || null;
  },
  /** {sub, role, org, scope, exp} of the access token, or null when logged out. */
  claims() {
    const token = this.accessToken();
    return token ? claimsOf(token) : null;
  },
  loggedIn() {
    return Boolean(this.claims());
  },
  /**
   * Trade the refresh token for a new pair; false (and logged out) when it is refused. Requests
   * refused together share one refresh: a refresh token presented twice ends the whole login.
   */
  refresh() {
    if (!refreshing) refreshing = this.exchange().finally(() => (refreshing = null));
    return refreshing;
  },
  async exchange() {
    const stored = load();
    if (!stored?.refresh) return false;
    const response = await fetch(`${apiBase("registration")}/sessions/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ refresh_token: stored.refresh }),
    });
    if (!response.ok) {
      sessionStorage.removeItem(KEY);
      return false;
    }
    this.save(await response.json());
    return true;
  },
  /** End the login on the server too (its refresh token stops working), then forget it here. */
  async logout() {
    const token = this.accessToken();
    if (token) {
      await fetch(`${apiBase("registration")}/sessions/current`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${token}` },
      }).catch(() => null);
    }
    sessionStorage.removeItem(KEY);
  },
};
