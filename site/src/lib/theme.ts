// Light, dark, or whatever the system says (the default). The choice is kept in localStorage and
// applied as `data-theme` on <html>; entry-server.tsx applies it before the first paint.
import { createSignal } from "solid-js";

export type ThemeChoice = "system" | "light" | "dark";
export const THEME_KEY = "xr2.theme";

function stored(): ThemeChoice {
  const value = typeof localStorage === "undefined" ? null : localStorage.getItem(THEME_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

const [theme, setThemeSignal] = createSignal<ThemeChoice>(stored());
export { theme };

export function setTheme(choice: ThemeChoice): void {
  setThemeSignal(choice);
  if (choice === "system") localStorage.removeItem(THEME_KEY);
  else localStorage.setItem(THEME_KEY, choice);
  document.documentElement.dataset.theme = choice;
}
