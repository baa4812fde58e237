// A key's own rate limit (E3): off (the workspace's limit applies) or N requests per second,
// minute or hour, for each kind of Product API call. Used when creating a key and when an Admin
// changes one.
import { createSignal, For, Show } from "solid-js";
import type { KeyRateLimit } from "~/api/admin";
import { SelectField, TextField } from "~/components/field";

const WINDOWS = [
  { seconds: 1, label: "per second" },
  { seconds: 60, label: "per minute" },
  { seconds: 3600, label: "per hour" },
] as const;

export interface RateLimitState {
  enabled: () => boolean;
  setEnabled: (on: boolean) => void;
  requests: () => string;
  setRequests: (value: string) => void;
  windowSeconds: () => number;
  setWindowSeconds: (value: number) => void;
  /** The limit to send, null for none, or an error message. */
  value: () => { ok: true; rateLimit: KeyRateLimit | null } | { ok: false; error: string };
  reset: (from?: KeyRateLimit | null) => void;
}

export function createRateLimitState(initial: KeyRateLimit | null = null): RateLimitState {
  const [enabled, setEnabled] = createSignal(initial !== null);
  const [requests, setRequests] = createSignal(initial ? String(initial.requests) : "600");
  const [windowSeconds, setWindowSeconds] = createSignal(initial?.window_seconds ?? 60);
  return {
    enabled,
    setEnabled,
    requests,
    setRequests,
    windowSeconds,
    setWindowSeconds,
    value: () => {
      if (!enabled()) return { ok: true, rateLimit: null };
      const count = Number(requests());
      if (!Number.isInteger(count) || count < 1 || count > 10_000_000) return { ok: false, error: "The rate limit must be a whole number of requests from 1 to 10,000,000." };
      return { ok: true, rateLimit: { requests: count, window_seconds: windowSeconds() } };
    },
    reset: (from = null) => {
      setEnabled(from !== null);
      setRequests(from ? String(from.requests) : "600");
      setWindowSeconds(from?.window_seconds ?? 60);
    },
  };
}

export function RateLimitFields(props: { state: RateLimitState }) {
  const known = () => WINDOWS.some((window) => window.seconds === props.state.windowSeconds());
  return (
    <fieldset class="admin-fieldset">
      <legend>Rate limit</legend>
      <label class="checkbox-field">
        <input type="checkbox" name="own-rate-limit" checked={props.state.enabled()} onChange={(event) => props.state.setEnabled(event.currentTarget.checked)} />
        <span>
          Give this key its own rate limit <span class="muted small">— otherwise the workspace's limit per key applies (see Settings)</span>
        </span>
      </label>
      <Show when={props.state.enabled()}>
        <div class="inline-fields">
          <TextField
            label="Requests"
            name="rate-limit-requests"
            type="number"
            inputmode="numeric"
            min={1}
            max={10_000_000}
            step={1}
            required
            value={props.state.requests()}
            onInput={(event) => props.state.setRequests(event.currentTarget.value)}
          />
          <SelectField label="Window" name="rate-limit-window" value={String(props.state.windowSeconds())} onChange={(event) => props.state.setWindowSeconds(Number(event.currentTarget.value))}>
            <For each={WINDOWS}>{(window) => <option value={String(window.seconds)}>{window.label}</option>}</For>
            <Show when={!known()}>
              <option value={String(props.state.windowSeconds())}>per {props.state.windowSeconds()} s</option>
            </Show>
          </SelectField>
        </div>
        <p class="field-hint">Counted separately for get-prompt and for events. Past it, calls get 429 RATE_LIMITED with Retry-After.</p>
      </Show>
    </fieldset>
  );
}

/** "600 / minute", or "Workspace default". */
export function describeRateLimit(rateLimit: KeyRateLimit | null): string {
  if (!rateLimit) return "Workspace default";
  const window = WINDOWS.find((candidate) => candidate.seconds === rateLimit.window_seconds);
  return `${rateLimit.requests.toLocaleString("en-US")} ${window ? window.label.replace("per ", "/ ") : `/ ${rateLimit.window_seconds} s`}`;
}
