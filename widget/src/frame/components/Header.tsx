import { useApp } from "../context";
import { currentConversation, lastAgent, visibleMessages } from "../store";
import { isAway } from "../away";
import { Avatar } from "./Avatar";
import { BackIcon, CloseIcon } from "./Icons";

export function Header() {
  const { state, client, host, t } = useApp();
  const config = state.session?.config;
  const agent = state.view === "chat" && currentConversation(state) ? lastAgent(visibleMessages(state)) : undefined;
  const subtitle = agent?.name
    ? t("chatting_with", { name: agent.name })
    : config && isAway(config)
      ? t("away")
      : config?.agents_online
        ? t("online")
        : t("ask");
  const canGoBack = state.view === "chat" && state.conversations.length > 0;

  return (
    <header class="lc-header">
      {canGoBack && (
        <button type="button" class="lc-icon-button" aria-label={t("back")} onClick={() => client.showList()}>
          <BackIcon />
        </button>
      )}
      {agent && <Avatar agent={agent} />}
      <div class="lc-heading">
        <h1 id="lc-title">{config?.title || t("title")}</h1>
        <p>{subtitle}</p>
      </div>
      <button type="button" class="lc-icon-button" aria-label={t("close")} onClick={() => host.close()}>
        <CloseIcon />
      </button>
    </header>
  );
}
