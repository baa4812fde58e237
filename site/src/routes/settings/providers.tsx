// Settings → LLM providers (L1): OpenAI, Anthropic and Google keys for the workspace (Admins)
// and for the signed-in user, tested against the provider, replaced or deleted; a saved key is
// never shown, only its last four characters. Below, the dated price table every cost uses.
import { createResource, For, Show } from "solid-js";
import { LLM_PROVIDERS, listKeys, listProviders, llmUsage, type LlmUsageTotals } from "~/api/llm";
import { AsyncView } from "~/components/async-state";
import { PageHeader } from "~/components/page-header";
import { PriceTable } from "~/llm/price-table";
import { ProviderKeysCard } from "~/llm/provider-keys";
import { canEdit, currentWorkspace, isAdmin } from "~/session/session";
import "~/styles/llm.css";

const USAGE_DAYS = 30;

export default function ProvidersSettingsPage() {
  const workspaceId = () => currentWorkspace()?.id;
  const [keys, { refetch: refetchKeys }] = createResource(workspaceId, () => listKeys());
  const [providers, { refetch: refetchProviders }] = createResource(workspaceId, () => listProviders());
  // Usage is a nicety beside the keys: when it cannot be read the cards simply say nothing about it.
  const [usage] = createResource(workspaceId, async () => {
    const to = new Date();
    return llmUsage(new Date(to.getTime() - USAGE_DAYS * 86_400_000), to).catch(() => null);
  });
  const usageOf = (provider: string): LlmUsageTotals | undefined => {
    const rows = usage()?.by_model.filter((row) => row.provider === provider) ?? [];
    if (rows.length === 0) return undefined;
    return rows.reduce<LlmUsageTotals>(
      (sum, row) => ({
        requests: sum.requests + row.requests,
        errors: sum.errors + row.errors,
        tokens_in: sum.tokens_in + row.tokens_in,
        tokens_out: sum.tokens_out + row.tokens_out,
        tokens_cached: sum.tokens_cached + row.tokens_cached,
        cost_micros: sum.cost_micros + row.cost_micros,
      }),
      { requests: 0, errors: 0, tokens_in: 0, tokens_out: 0, tokens_cached: 0, cost_micros: 0 },
    );
  };
  const changed = () => {
    void refetchKeys();
    void refetchProviders();
  };

  return (
    <>
      <PageHeader
        title="LLM providers"
        back={{ href: "/settings", label: "Settings" }}
        description="Keys the playground and comparisons call OpenAI, Anthropic and Google with. Your personal key is used first, then the workspace's. Keys are encrypted at rest and never shown again after saving."
        actions={
          <a class="button secondary" href="/playground">
            Open the playground
          </a>
        }
      />
      <div class="stack">
        <Show when={!isAdmin()}>
          <p class="notice">
            Only Admins add or change the workspace's keys. You can keep a personal key for yourself{canEdit() ? "" : ", though Viewers cannot run prompts"}.
          </p>
        </Show>
        <AsyncView resource={keys} loading="Loading keys…" errorTitle="The keys could not be loaded" onRetry={refetchKeys}>
          {(answer) => (
            <div class="llm-provider-list">
              <For each={LLM_PROVIDERS}>
                {(provider) => (
                  <ProviderKeysCard
                    provider={provider}
                    workspaceKey={answer().workspace_keys.find((key) => key.provider === provider)}
                    userKey={answer().user_keys.find((key) => key.provider === provider)}
                    usage={usageOf(provider)}
                    isAdmin={isAdmin()}
                    canRun={canEdit()}
                    onChanged={changed}
                    onKeysUsed={() => void refetchKeys()}
                  />
                )}
              </For>
            </div>
          )}
        </AsyncView>
        <AsyncView resource={providers} loading="Loading prices…" errorTitle="The price table could not be loaded" onRetry={refetchProviders}>{(answer) => <PriceTable answer={answer()} />}</AsyncView>
      </div>
    </>
  );
}
