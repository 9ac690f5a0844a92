// The sign-up page (/): filled in by the next step.
import { renderNavigation } from "./layout.js";

renderNavigation();
