import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, globalLimits, users, workspaceInvitations, workspaceLimits } from "@xr2/db/schema";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam as team, createWorkspace, registerUser, registerVerifiedUser, uniqueEmail, verifyAddress } from "../../testing/http.ts";
import { linkIn, listMail, waitForMail } from "../../testing/inbox.ts";
import { windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";

/** Counting tests finish inside one window (see the helper). */
const STEADY_WINDOW = windowSecondsAwayFromBoundary(3_600);

const INVITATION_SUBJECT = /invited you to .* on xR2/;

/** The token of the newest invitation e-mail to `email` (newer than `after`), from its link. */
async function invitationToken(email: string, after?: string): Promise<{ token: string; messageId: string; text: string }> {
  const message = await waitForMail(email, { subject: INVITATION_SUBJECT, ...(after === undefined ? {} : { after }) });
  const link = linkIn(message, "/invitations/");
  expect(link.origin).toBe("https://site.test");
  return { token: decodeURIComponent(link.pathname.slice("/invitations/".length)), messageId: message.id, text: message.text ?? "" };
}

describe("pending invitations", () => {
  it("lists pending invitations (never their tokens) to Admins, newest first, and withdraws one", async () => {
    const { workspace, owner, members } = await team(["member"]);
    const [member] = members;
    const first = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: `a-${crypto.randomUUID()}@example.com`, role: "viewer" } });
    const second = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: `b-${crypto.randomUUID()}@example.com`, role: "admin" } });

    const listed = await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: owner.access_token });
    expect(listed.status).toBe(200);
    // The team's own (accepted) invitation is not pending.
    expect(listed.body!.invitations.map((invitation: { id: string }) => invitation.id)).toEqual([second.body!.id, first.body!.id]);
    expect(listed.body!.invitations[0]).toEqual({
      id: second.body!.id,
      email: second.body!.email,
      role: "admin",
      invited_by: { id: owner.user.id, name: owner.user.name, email: owner.user.email },
      expires_at: second.body!.expires_at,
      created_at: expect.any(String),
    });
    for (const token of [first.body!.invite_token, second.body!.invite_token]) expect(JSON.stringify(listed.body)).not.toContain(token);
    expect((await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: member!.access_token })).status).toBe(403);

    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${first.body!.id}`, { token: member!.access_token })).status).toBe(403);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${first.body!.id}`, { token: owner.access_token })).status).toBe(204);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${first.body!.id}`, { token: owner.access_token })).status).toBe(204);
    const after = await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: owner.access_token });
    expect(after.body!.invitations.map((invitation: { id: string }) => invitation.id)).toEqual([second.body!.id]);

    // The withdrawn link no longer works.
    const invitee = await registerUser(first.body!.email);
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: first.body!.invite_token } })).status).toBe(404);

    const ctx = testContext();
    const audit = await ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "member.invite_revoke")));
    expect(audit).toEqual([expect.objectContaining({ actorUserId: owner.user.id, targetType: "invitation", targetId: first.body!.id, before: { email: first.body!.email, role: "viewer" } })]);
    await ctx.dispose();
  });

  it("refuses to withdraw an accepted invitation, and another workspace's invitations are not found", async () => {
    const { workspace, owner } = await team([]);
    const other = await team([]);
    const person = await registerVerifiedUser();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: person.user.email, role: "member" } });
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: person.access_token, body: { invite_token: invite.body!.invite_token } })).status).toBe(200);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${invite.body!.id}`, { token: owner.access_token })).status).toBe(409);
    expect((await call("DELETE", `/api/workspaces/${other.workspace.id}/invitations/${invite.body!.id}`, { token: other.owner.access_token })).status).toBe(404);
    expect((await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: other.owner.access_token })).status).toBe(404);
  });
});

describe("invitations by e-mail", () => {
  it("e-mails the invitation naming the workspace and the inviter; its link previews and joins the workspace", async () => {
    const { workspace, owner } = await team([]);
    const email = uniqueEmail();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email, role: "viewer" } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    expect(invite.body).toMatchObject({ email, role: "viewer", email_sent: true, invite_url: `https://site.test/invitations/${invite.body!.invite_token}` });

    const mailed = await invitationToken(email);
    expect(mailed.token).toBe(invite.body!.invite_token);
    expect(mailed.text).toContain(workspace.name);
    expect(mailed.text).toContain(owner.user.name);
    expect(mailed.text).toContain(owner.user.email);

    const preview = await call("GET", `/api/invitations/${encodeURIComponent(mailed.token)}`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toEqual({
      workspace: { id: workspace.id, name: workspace.name },
      invited_by: { name: owner.user.name, email: owner.user.email },
      email,
      role: "viewer",
      expires_at: invite.body!.expires_at,
      status: "pending",
    });

    const invitee = await registerVerifiedUser(email);
    const accepted = await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: mailed.token } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toEqual({ workspace_id: workspace.id, name: workspace.name, role: "viewer" });
    expect((await call("GET", `/api/workspaces/${workspace.id}`, { token: invitee.access_token })).status).toBe(200);
    expect((await call("GET", `/api/invitations/${encodeURIComponent(mailed.token)}`)).body).toMatchObject({ status: "accepted" });
  });

  it("previews say when a link is expired or withdrawn; an unknown token is not found", async () => {
    const { workspace, owner } = await team([]);
    const expiring = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: uniqueEmail(), role: "member" } });
    const withdrawn = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: uniqueEmail(), role: "member" } });
    const ctx = testContext();
    await ctx.db().update(workspaceInvitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(workspaceInvitations.id, expiring.body!.id));
    await ctx.dispose();
    await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${withdrawn.body!.id}`, { token: owner.access_token });
    expect((await call("GET", `/api/invitations/${expiring.body!.invite_token}`)).body).toMatchObject({ status: "expired" });
    expect((await call("GET", `/api/invitations/${withdrawn.body!.invite_token}`)).body).toMatchObject({ status: "revoked" });
    const unknown = await call("GET", "/api/invitations/inv_not-a-real-token");
    expect(unknown.status).toBe(404);
    expect(unknown.body!.error.code).toBe("NOT_FOUND");
  });

  it("resends with a new link (the old one stops working), limited per invitation; other workspaces' invitations are not found", async () => {
    const { workspace, owner, members } = await team(["member"]);
    const other = await team([]);
    const email = uniqueEmail();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email, role: "member" } });
    const first = await invitationToken(email);
    const resendPath = `/api/workspaces/${workspace.id}/invitations/${invite.body!.id}/resend`;
    const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ resendInvitationPerInvitation: { requests: 2, windowSeconds: STEADY_WINDOW } }) };

    expect((await call("POST", resendPath, { token: members[0]!.access_token, env: lowLimit })).status).toBe(403);
    const elsewhere = await call("POST", `/api/workspaces/${other.workspace.id}/invitations/${invite.body!.id}/resend`, { token: other.owner.access_token, env: lowLimit });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body!.error.code).toBe("NOT_FOUND");

    const resent = await call("POST", resendPath, { token: owner.access_token, env: lowLimit });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toMatchObject({ id: invite.body!.id, email, role: "member", email_sent: true });
    expect(resent.body!.invite_token).not.toBe(invite.body!.invite_token);
    const second = await invitationToken(email, first.messageId);
    expect(second.token).toBe(resent.body!.invite_token);
    expect((await call("GET", `/api/invitations/${encodeURIComponent(first.token)}`)).status).toBe(404);

    expect((await call("POST", resendPath, { token: owner.access_token, env: lowLimit })).status).toBe(200);
    const mailsBefore = (await listMail(email)).length;
    const limited = await call("POST", resendPath, { token: owner.access_token, env: lowLimit });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await listMail(email)).toHaveLength(mailsBefore);

    const latest = await invitationToken(email);
    const invitee = await registerVerifiedUser(email);
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: first.token } })).status).toBe(404);
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: latest.token } })).status).toBe(200);
    expect((await call("POST", resendPath, { token: owner.access_token })).status).toBe(409);
    const audit = await testContext().http().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "member.invite_resend")));
    expect(audit).toHaveLength(2);
  });

  it("an invitation whose e-mail the provider refuses is still created, with its link for the Admin to share", async () => {
    const { workspace, owner } = await team([]);
    const email = uniqueEmail();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email, role: "member" }, env: { RESEND_API_KEY: "re_not_the_inbox_key" } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    expect(invite.body).toMatchObject({ email_sent: false, email_not_sent_reason: expect.stringContaining("could not be sent"), invite_url: expect.stringContaining(invite.body!.invite_token) });
    expect(await listMail(email)).toEqual([]);
  });
});

describe("who may send invitation e-mail, and how many", () => {
  const invite = (workspaceId: string, token: string, email: string, env?: Record<string, unknown>) =>
    call("POST", `/api/workspaces/${workspaceId}/invite`, { token, body: { email, role: "member" }, ...(env ? { env } : {}) });
  const pendingFor = async (workspaceId: string, token: string, email: string) =>
    (await call("GET", `/api/workspaces/${workspaceId}/invitations`, { token })).body!.invitations.filter((invitation: { email: string }) => invitation.email === email);

  it("re-inviting one address counts with its resends: past the limit, 429 and nothing is created or sent", async () => {
    const { workspace, owner } = await team([]);
    const other = await team([]);
    const email = uniqueEmail();
    const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ invitationEmailsPerWorkspaceAndEmail: { requests: 2, windowSeconds: STEADY_WINDOW } }) };
    expect((await invite(workspace.id, owner.access_token, email, lowLimit)).status).toBe(201);
    const second = await invite(workspace.id, owner.access_token, email, lowLimit);
    expect(second.status).toBe(201);
    await invitationToken(email);

    const third = await invite(workspace.id, owner.access_token, email, lowLimit);
    expect(third.status).toBe(429);
    expect(third.body!.error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/^Too many invitation e-mails to this address from this workspace in the last hour; the invitation was not created\. Retry in \d+ s$/) });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    const resent = await call("POST", `/api/workspaces/${workspace.id}/invitations/${second.body!.id}/resend`, { token: owner.access_token, env: lowLimit });
    expect(resent.status).toBe(429);
    expect(await listMail(email)).toHaveLength(2);
    // The second invitation is still the pending one, its link unchanged.
    expect((await pendingFor(workspace.id, owner.access_token, email)).map((invitation: { id: string }) => invitation.id)).toEqual([second.body!.id]);
    expect((await call("GET", `/api/invitations/${second.body!.invite_token}`)).body).toMatchObject({ status: "pending" });
    // Another workspace inviting the same address has its own count.
    expect((await invite(other.workspace.id, other.owner.access_token, email, lowLimit)).status).toBe(201);
  });

  it("is limited per inviting user and per workspace", async () => {
    // The team's invitation is counted in the window this test counts in: a window is keyed by its
    // length, and STEADY_WINDOW is not the built-in hour when an o'clock boundary is near.
    const generous = { RATE_LIMIT_OVERRIDES: JSON.stringify({ invitationEmailsPerUser: { requests: 100, windowSeconds: STEADY_WINDOW }, invitationEmailsPerWorkspace: { requests: 100, windowSeconds: STEADY_WINDOW } }) };
    const { workspace, owner, members } = await team(["admin"], { env: generous });
    // The owner's invitation of the team's Admin counted already.
    const perUser = { RATE_LIMIT_OVERRIDES: JSON.stringify({ invitationEmailsPerUser: { requests: 2, windowSeconds: STEADY_WINDOW }, invitationEmailsPerWorkspace: { requests: 100, windowSeconds: STEADY_WINDOW } }) };
    expect((await invite(workspace.id, owner.access_token, uniqueEmail(), perUser)).status).toBe(201);
    const refused = uniqueEmail();
    const overUser = await invite(workspace.id, owner.access_token, refused, perUser);
    expect(overUser.status).toBe(429);
    expect(overUser.body!.error.message).toMatch(/^Too many invitation e-mails sent by you in the last hour/);
    expect(await pendingFor(workspace.id, owner.access_token, refused)).toEqual([]);
    expect(await listMail(refused)).toEqual([]);

    // The team's own invitation and the owner's first one counted for the workspace already.
    const perWorkspace = { RATE_LIMIT_OVERRIDES: JSON.stringify({ invitationEmailsPerWorkspace: { requests: 2, windowSeconds: STEADY_WINDOW } }) };
    const overWorkspace = await invite(workspace.id, members[0]!.access_token, uniqueEmail(), perWorkspace);
    expect(overWorkspace.status).toBe(429);
    expect(overWorkspace.body!.error.message).toMatch(/^Too many invitation e-mails sent from this workspace in the last hour/);
  });

  it("an unverified Admin's invitation is created without e-mail, saying why; the preview names them without their address", async () => {
    const owner = await registerUser(uniqueEmail(), "Una Verified");
    const workspace = await createWorkspace(owner);
    const email = uniqueEmail();
    const invited = await invite(workspace.id, owner.access_token, email);
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body).toMatchObject({
      email_sent: false,
      email_not_sent_reason: "Verify your e-mail address to send invitations by e-mail; until then, share the invitation link yourself",
      invite_url: `https://site.test/invitations/${invited.body!.invite_token}`,
    });
    const preview = await call("GET", `/api/invitations/${invited.body!.invite_token}`);
    expect(preview.body!.invited_by).toEqual({ name: "Una Verified", email: null });
    // Resending does not send either.
    const resent = await call("POST", `/api/workspaces/${workspace.id}/invitations/${invited.body!.id}/resend`, { token: owner.access_token });
    expect(resent.body).toMatchObject({ email_sent: false, email_not_sent_reason: expect.stringContaining("Verify your e-mail address") });
    expect(await listMail(email)).toEqual([]);

    await verifyAddress(owner);
    const again = await call("POST", `/api/workspaces/${workspace.id}/invitations/${invited.body!.id}/resend`, { token: owner.access_token });
    expect(again.body).toMatchObject({ email_sent: true, email_not_sent_reason: null });
    const mailed = await invitationToken(email);
    expect(mailed.text).toContain(owner.user.email);
    expect((await call("GET", `/api/invitations/${mailed.token}`)).body!.invited_by).toEqual({ name: "Una Verified", email: owner.user.email });
  });

  it("the preview stops showing an inviter's address that is no longer verified", async () => {
    const { workspace, owner } = await team([]);
    const ctx = testContext();
    const email = uniqueEmail();
    const invited = await invite(workspace.id, owner.access_token, email);
    const mailed = await invitationToken(email);
    expect(mailed.text).toContain(owner.user.email);
    await ctx.db().update(users).set({ emailVerifiedAt: null }).where(eq(users.id, owner.user.id));
    await ctx.dispose();
    expect((await call("GET", `/api/invitations/${invited.body!.invite_token}`)).body!.invited_by).toEqual({ name: owner.user.name, email: null });
  });
});

describe("accepting needs a verified address", () => {
  it("an unverified invitee is refused with 403 saying to verify first; once verified, the same link joins", async () => {
    const { workspace, owner } = await team([]);
    const invitee = await registerUser();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: invitee.user.email, role: "member" } });
    const refused = await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: invite.body!.invite_token } });
    expect(refused.status).toBe(403);
    expect(refused.body!.error).toMatchObject({
      code: "FORBIDDEN",
      message: `Verify your e-mail address first: open the link we sent to ${invitee.user.email} (or resend it), then accept the invitation`,
    });
    expect((await call("GET", `/api/invitations/${invite.body!.invite_token}`)).body).toMatchObject({ status: "pending" });
    await verifyAddress(invitee);
    const accepted = await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: invite.body!.invite_token } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  });
});

describe("workspace limits", () => {
  it("shows every limit: the workspace's own, else the platform default, else the built-in one", async () => {
    const { workspace, members } = await team(["viewer"]);
    const ctx = testContext();
    await ctx.db().insert(workspaceLimits).values([
      { workspaceId: workspace.id, name: "llm_requests_per_day", value: 25 },
      { workspaceId: workspace.id, name: "prompts_per_workspace", value: null },
    ]);
    await ctx.db().insert(globalLimits).values({ name: "members_per_workspace", value: 50 }).onConflictDoNothing();
    const [platform] = await ctx.db().select().from(globalLimits).where(eq(globalLimits.name, "members_per_workspace"));
    await ctx.dispose();

    const listed = await call("GET", `/api/workspaces/${workspace.id}/limits`, { token: members[0]!.access_token });
    expect(listed.status).toBe(200);
    const byName = Object.fromEntries(listed.body!.limits.map((limit: { name: string }) => [limit.name, limit]));
    expect(byName.llm_requests_per_day).toMatchObject({ name: "llm_requests_per_day", value: 25, source: "workspace", unit: "requests", usage: { used: 0 } });
    expect(byName.prompts_per_workspace).toMatchObject({ name: "prompts_per_workspace", value: null, source: "workspace" });
    expect(byName.members_per_workspace).toMatchObject({ name: "members_per_workspace", value: platform!.value, source: "global", usage: { used: 2 } });
    expect(listed.body!.limits).toHaveLength(11);
  });
});
