import { initials } from "../format";
import { safeHref } from "../linkify";
import type { Agent } from "../store";

/** An agent's picture, or their initials; decorative because the name is always shown beside it. */
export function Avatar({ agent }: { agent: Agent | undefined }) {
  const src = agent?.avatar_url ? safeHref(agent.avatar_url) : null;
  return src ? (
    <img class="lc-avatar" src={src} alt="" width={28} height={28} />
  ) : (
    <span class="lc-avatar" aria-hidden="true">
      {initials(agent?.name)}
    </span>
  );
}
