// The signed-in session: the user, the access token (memory only), the refresh token (kept in
// localStorage so a reload stays signed in; rotated on every use by the API), the user's
// workspaces and the one currently chosen. Everything reactive the shell and pages read.
import { createMemo, createRoot, createSignal, untrack } from "solid-js";
import { installCredentials } from "~/api/client";
import { call } from "~/api/contract";
import type { MyWorkspace, Role, Session, User } from "~/api/types";

const REFRESH_KEY = "xr2.refresh_token";
const WORKSPACE_KEY = "xr2.workspace_id";

export type SessionState = "unknown" | "signed-in" | "signed-out";

const store = createRoot(() => {
  const [state, setState] = createSignal<SessionState>("unknown");
  const [user, setUser] = createSignal<User | null>(null);
  const [accessToken, setAccessToken] = createSignal<string | null>(null);
  const [workspaces, setWorkspaces] = createSignal<MyWorkspace[]>([]);
  const [workspaceId, setWorkspaceId] = createSignal<string | null>(null);
  const workspace = createMemo(() => workspaces().find((candidate) => candidate.id === workspaceId()) ?? null);
  return { state, setState, user, setUser, accessToken, setAccessToken, workspaces, setWorkspaces, workspaceId, setWorkspaceId, workspace };
});

export const sessionState = store.state;
export const currentUser = store.user;
export const workspaces = store.workspaces;
export const currentWorkspace = store.workspace;
export const currentRole = (): Role | null => store.workspace()?.role ?? null;

/** Mirrors the API's permission table for what the UI offers; the API still decides. */
export const canEdit = (): boolean => currentRole() === "admin" || currentRole() === "member";
export const isAdmin = (): boolean => currentRole() === "admin";

function storage(): Storage | null {
  return typeof localStorage === "undefined" ? null : localStorage;
}

/** The refresh token this tab last adopted: its access token is the one in memory. */
let adoptedRefreshToken: string | null = null;

/**
 * Trades the stored refresh token for a new pair. Tabs share the refresh token and the API rotates
 * it on every use, so they take turns (a Web Lock across the origin's tabs) and each reads the token
 * only once it holds the lock: after another tab rotated it, this one refreshes with the new token,
 * of the same session, instead of presenting the stale one. Where Web Locks are missing, tabs may
 * still race; the API's reuse grace window (30 s) then keeps the session alive. It also covers the
 * rarer case seen in Chromium, a write to localStorage reaching another tab's process just after
 * the lock did, so that the tab still reads the token rotated a moment before.
 */
async function refreshTokens(): Promise<boolean> {
  const seen = storage()?.getItem(REFRESH_KEY) ?? null;
  return withRefreshLock(async () => {
    const refreshToken = storage()?.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    // This tab rotated it while the call waited for the lock: the access token in memory is the new one.
    if (refreshToken !== seen && refreshToken === adoptedRefreshToken && store.accessToken()) return true;
    try {
      const session = await call("post", "/api/auth/refresh", { body: { refresh_token: refreshToken }, anonymous: true });
      adopt(session);
      return true;
    } catch {
      // Only the token that failed: another tab may have signed in since.
      if (storage()?.getItem(REFRESH_KEY) === refreshToken) storage()?.removeItem(REFRESH_KEY);
      return false;
    }
  });
}

const REFRESH_LOCK = "xr2-refresh";

/** Runs `task` holding the cross-tab refresh lock, or just runs it where the browser has no Web Locks. */
async function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : (navigator as Partial<Navigator>).locks;
  if (typeof locks?.request !== "function") return task();
  let started = false;
  try {
    return await locks.request(REFRESH_LOCK, () => {
      started = true;
      return task();
    });
  } catch (error) {
    // A browser that refuses the lock itself (an opaque origin, say): go on without it.
    if (started) throw error;
    return task();
  }
}

installCredentials({
  accessToken: () => store.accessToken(),
  workspaceId: () => store.workspaceId(),
  refresh: refreshTokens,
  expired: () => clearSession(),
});

function adopt(session: Session): void {
  store.setAccessToken(session.access_token);
  // A refresh keeps what /api/auth/me added (email_verified) for the same user.
  store.setUser((previous) => (previous?.id === session.user.id ? { ...previous, ...session.user } : session.user));
  storage()?.setItem(REFRESH_KEY, session.refresh_token);
  adoptedRefreshToken = session.refresh_token;
}

function clearSession(): void {
  store.setAccessToken(null);
  store.setUser(null);
  store.setWorkspaces([]);
  store.setState("signed-out");
  storage()?.removeItem(REFRESH_KEY);
  adoptedRefreshToken = null;
}

/** Loads the user's workspaces and keeps the chosen one when it is still among them. */
export async function reloadWorkspaces(preferId?: string): Promise<MyWorkspace[]> {
  const { workspaces: list } = await call("get", "/api/workspaces", { workspaceId: null });
  store.setWorkspaces(list);
  const wanted = preferId ?? store.workspaceId() ?? storage()?.getItem(WORKSPACE_KEY) ?? null;
  const chosen = list.find((candidate) => candidate.id === wanted) ?? list[0] ?? null;
  selectWorkspace(chosen?.id ?? null);
  return list;
}

export function selectWorkspace(id: string | null): void {
  store.setWorkspaceId(id);
  if (id) storage()?.setItem(WORKSPACE_KEY, id);
  else storage()?.removeItem(WORKSPACE_KEY);
}

/**
 * The user as GET /api/auth/me describes them (whether the address is verified, among others),
 * read before the shell shows so that its verification banner does not push the page down later.
 * A failure leaves the user as the session described them: the banner then stays away.
 */
async function loadProfile(): Promise<void> {
  try {
    const profile = await call("get", "/api/auth/me", { workspaceId: null });
    const user = store.user();
    if (user && user.id === profile.id) store.setUser({ ...user, ...profile });
  } catch {
    // The session itself is fine; only the extra details are missing.
  }
}

/** The signed-in user's address was just verified (on the verification page, or found so by the API). */
export function markEmailVerified(email: string): void {
  // Untracked: called from effects, which must not come to depend on the user they change.
  const user = untrack(store.user);
  if (user && user.email_verified !== true && user.email.toLowerCase() === email.toLowerCase()) store.setUser({ ...user, email_verified: true });
}

/** On start: a stored refresh token signs the user back in. */
export async function restoreSession(): Promise<void> {
  if (store.state() !== "unknown") return;
  if (!(await refreshTokens())) {
    store.setState("signed-out");
    return;
  }
  try {
    await Promise.all([reloadWorkspaces(), loadProfile()]);
    store.setState("signed-in");
  } catch {
    clearSession();
  }
}

export async function startSession(session: Session): Promise<void> {
  adopt(session);
  await Promise.all([reloadWorkspaces(), loadProfile()]);
  store.setState("signed-in");
}

export async function signIn(email: string, password: string): Promise<void> {
  await startSession(await call("post", "/api/auth/login", { body: { email, password }, anonymous: true }));
}

export async function signUp(name: string, email: string, password: string): Promise<void> {
  await startSession(await call("post", "/api/auth/register", { body: { name, email, password }, anonymous: true }));
}

export async function signOut(): Promise<void> {
  const refreshToken = storage()?.getItem(REFRESH_KEY);
  try {
    if (refreshToken) await call("post", "/api/auth/logout", { body: { refresh_token: refreshToken } });
  } finally {
    clearSession();
  }
}
