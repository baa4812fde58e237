/** The public shapes of /api/experiments (A6). */
import { z } from "@hono/zod-openapi";
import { ENVIRONMENTS, eventNameSchema } from "@xr2/shared";
import { EXPERIMENT_LIMITS } from "../../services/experiments/experiment-view.ts";

export const experimentIdParam = z.object({ experimentId: z.string().max(64).openapi({ param: { name: "experimentId", in: "path" }, example: "exp_01j…" }) });

export const environmentSchema = z.enum(ENVIRONMENTS);
export const experimentStatusSchema = z.enum(["draft", "running", "stopped"]);
export const experimentNameSchema = z.string().trim().min(1).max(200);
export const experimentDescriptionSchema = z.string().trim().max(2000);
export const primaryEventSchema = eventNameSchema;

const variantInputSchema = z.strictObject({
  version_id: z.string().min(1).max(64),
  weight: z.number().int().min(1).max(EXPERIMENT_LIMITS.maxWeight).default(1).openapi({ description: "Relative share of traffic (default 1)" }),
  key: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")
    .optional()
    .openapi({ description: "The label get-prompt answers as `variant`; default control, variant_1, variant_2, …" }),
});

export const variantsInputSchema = z
  .array(variantInputSchema)
  .min(EXPERIMENT_LIMITS.minVariants)
  .max(EXPERIMENT_LIMITS.maxVariants)
  .openapi({ description: `${EXPERIMENT_LIMITS.minVariants}-${EXPERIMENT_LIMITS.maxVariants} variants; the first is the control. Versions must be the prompt's and out of draft.` });

export const experimentSchema = z
  .object({
    id: z.string(),
    prompt_id: z.string(),
    environment: environmentSchema,
    name: z.string(),
    description: z.string().nullable(),
    status: experimentStatusSchema,
    primary_event: z.string(),
    variants: z.array(z.object({ key: z.string(), version_id: z.string(), version_number: z.number().int(), weight: z.number().int(), is_control: z.boolean() })),
    started_at: z.string().nullable(),
    stopped_at: z.string().nullable(),
    created_by_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Experiment");
