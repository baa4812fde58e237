// Platform admin: the global limits and quotas (E3), the defaults every workspace gets unless
// its own value overrides them (on the workspace's page). An empty box uses the built-in default.
import { getGlobalLimits, setGlobalLimits } from "~/api/platform-admin";
import { PageHeader } from "~/components/page-header";
import { AdminGate } from "~/platform-admin/admin-gate";
import { LimitsEditor } from "~/platform-admin/limits-editor";

export default function AdminLimitsPage() {
  return (
    <AdminGate>
      <PageHeader title="Global limits" description="Defaults for every workspace; a workspace's own value (on its page) overrides them, and a key's own rate limit overrides both." />
      <section class="panel" aria-labelledby="global-limits-title">
        <h2 id="global-limits-title" class="visually-hidden">
          Global limits
        </h2>
        <LimitsEditor scope="global" load={getGlobalLimits} save={setGlobalLimits} />
      </section>
    </AdminGate>
  );
}
