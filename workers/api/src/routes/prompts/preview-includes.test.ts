// The editor's preview (and the playground, which renders through it) inlines snippets as the
// chosen environment serves them (production unless told), names the versions it used, and says
// which snippet is not published there instead of rendering the include as nothing.
import { describe, expect, it } from "vitest";
import { createPrompt, createVersion, uniqueSlug, workspaceWith, type Actor } from "./prompt-test-support.ts";

async function publish(as: Actor, promptId: string, versionId: string, environment = "production") {
  const deployed = await as.call("PUT", `/api/prompts/${promptId}/versions/${versionId}/publish`, { environment });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
}

describe("preview with snippets", () => {
  it("inlines the snippet text the environment serves, nested ones too, with their variables", async () => {
    const { owner } = await workspaceWith();
    const sign = await createPrompt(owner, { slug: uniqueSlug("sign") });
    const signV1 = await createVersion(owner, sign.id, { content: "— {team}", variables: [{ name: "team", type: "string", required: false, default: "the xR2 team" }] });
    await publish(owner, sign.id, signV1.id);
    const footer = await createPrompt(owner, { slug: uniqueSlug("footer") });
    const footerV1 = await createVersion(owner, footer.id, { content: `Regards {% include "${sign.slug}" %}` });
    await publish(owner, footer.id, footerV1.id);
    const footerV2 = await createVersion(owner, footer.id, { content: `Staging regards {% include "${sign.slug}" %}` });
    await publish(owner, sign.id, signV1.id, "staging");
    await publish(owner, footer.id, footerV2.id, "staging");
    const page = await createPrompt(owner, { slug: uniqueSlug("page") });
    const pageV1 = await createVersion(owner, page.id, { content: `Hello {name}. {% include "${footer.slug}" %}`, variables: [{ name: "name", type: "string", required: true }] });

    const unsaved = await owner.call("POST", `/api/prompts/${page.id}/preview`, { content: `Hi {name}! {% include "${footer.slug}" %}`, variables: [{ name: "name", type: "string", required: true }], values: { name: "Ada" } });
    expect(unsaved.status, JSON.stringify(unsaved.body)).toBe(200);
    expect(unsaved.body).toMatchObject({ ok: true, content: "Hi Ada! Regards — the xR2 team", environment: "production", includes: [{ slug: footer.slug, version: 1 }, { slug: sign.slug, version: 1 }] });

    const stored = await owner.call("POST", `/api/prompts/${page.id}/preview`, { version_id: pageV1.id, environment: "staging", values: { name: "Bo", team: "Support" } });
    expect(stored.body).toMatchObject({ ok: true, content: "Hello Bo. Staging regards — Support", environment: "staging", includes: [{ slug: footer.slug, version: 2 }, { slug: sign.slug, version: 1 }] });

    // Without includes the answer is as before.
    const plain = await owner.call("POST", `/api/prompts/${page.id}/preview`, { content: "Just {name}", variables: [{ name: "name", type: "string", required: true }], values: { name: "Cy" } });
    expect(plain.body).toEqual({ ok: true, content: "Just Cy", messages: null, values: { name: "Cy" }, variables_used: ["name"] });
  });

  it("says which snippet is not published in the environment, and which slug is unknown", async () => {
    const { owner } = await workspaceWith();
    const footer = await createPrompt(owner, { slug: uniqueSlug("footer") });
    const footerV1 = await createVersion(owner, footer.id, { content: "Bye" });
    await publish(owner, footer.id, footerV1.id, "staging");
    const page = await createPrompt(owner, { slug: uniqueSlug("page") });
    const body = { messages: [{ role: "system", content: `Be brief. {% include "${footer.slug}" %}` }], values: {} };

    const production = await owner.call("POST", `/api/prompts/${page.id}/preview`, body);
    expect(production.status).toBe(200);
    expect(production.body).toMatchObject({ ok: false, errors: [{ code: "include", message: `Snippet "${footer.slug}" has nothing published in production; publish it to production first` }] });
    const staging = await owner.call("POST", `/api/prompts/${page.id}/preview`, { ...body, environment: "staging" });
    expect(staging.body).toMatchObject({ ok: true, messages: [{ role: "system", content: "Be brief. Bye" }], environment: "staging", includes: [{ slug: footer.slug, version: 1 }] });
    const unknown = await owner.call("POST", `/api/prompts/${page.id}/preview`, { content: '{% include "nowhere" %}', values: {} });
    expect(unknown.body).toMatchObject({ ok: false, errors: [{ code: "include", message: '{% include "nowhere" %}: there is no prompt with the slug "nowhere" in this workspace' }] });
    const badEnvironment = await owner.call("POST", `/api/prompts/${page.id}/preview`, { ...body, environment: "qa" });
    expect(badEnvironment.status).toBe(400);
  });
});
