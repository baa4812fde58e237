// A role as a badge, the same everywhere on the admin pages.
import type { Role } from "~/api/types";
import { ROLE_LABEL } from "~/api/admin";

export function RoleBadge(props: { role: Role }) {
  return (
    <span class="badge admin-role" data-role={props.role}>
      {ROLE_LABEL[props.role]}
    </span>
  );
}
